import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import type { Logger } from "../logger";

export type Child = { proc: ChildProcess; stop: () => Promise<void> };

const STOP_GRACE_MS = 10_000;

/**
 * If PCC died without cleaning up (SIGKILL, power loss), its helpers may still run and hold the
 * sockets and ports: end them before starting fresh ones. Only a process that is this PCC's own helper
 * (its name and the argument that names this PCC's files, such as its socket or config path): pids are
 * reused, and a pid file left by a helper that has since gone may name another program by now, even
 * another PCC's helper of the same name.
 */
export function killStale(pidFile: string, cmd: string, own: string, log: Logger) {
  let pid = 0;
  try {
    pid = Number(fs.readFileSync(pidFile, "utf8"));
    const comm = fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim();
    const args = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    if (comm !== cmd || !args.includes(own)) return;
  } catch {
    return;
  }
  log.warn({ cmd, pid }, "ending a helper left over from an earlier run");
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    /* already gone */
  }
  for (let i = 0; i < 50 && fs.existsSync(`/proc/${pid}`); i++) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
}

/**
 * Starts a helper daemon with its output in a log file; stop() ends it (SIGTERM, then SIGKILL). `cwd` is
 * where it runs: Podman's conmon (2.1.6 in Debian 12) writes an `oom` file into its working directory
 * when an app is killed for memory (containers/conmon#504), which must not be PCC's install folder.
 */
export function startChild(name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv, logFile: string, log: Logger, pidFile: string, comm = cmd, cwd?: string): Child {
  // `comm` is the name the process ends up with (Caddy is started through setpriv, which execs it); its
  // last argument names this PCC's own files (a socket, a config), so it tells our helper from another's.
  killStale(pidFile, comm, args.at(-1) ?? "", log);
  const out = fs.openSync(logFile, "a", 0o600);
  // Its own process group: Ctrl-C in the owner's terminal signals only PCC, which then stops the apps
  // while Podman still runs, and ends its helpers itself.
  const proc = spawn(cmd, args, { env, cwd, stdio: ["ignore", out, out], detached: true });
  fs.closeSync(out);
  if (proc.pid) fs.writeFileSync(pidFile, String(proc.pid), { mode: 0o600 });
  let exited = false;
  proc.on("exit", (code, signal) => {
    exited = true;
    log.info({ name, code, signal }, "helper exited");
    // A pid file naming a process that is gone would name a stranger once the pid is reused.
    try {
      if (fs.readFileSync(pidFile, "utf8") === String(proc.pid)) fs.rmSync(pidFile, { force: true });
    } catch {
      /* already gone or replaced */
    }
  });
  const stop = async () => {
    if (exited) return;
    const gone = new Promise<void>((r) => proc.once("exit", () => r()));
    proc.kill("SIGTERM");
    const timer = setTimeout(() => proc.kill("SIGKILL"), STOP_GRACE_MS);
    await gone;
    clearTimeout(timer);
  };
  return { proc, stop };
}

/** Waits until a unix socket accepts connections, or fails with the helper's name. */
export async function waitForSocket(socketPath: string, what: string, child: Child, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.proc.exitCode !== null) throw new Error(`${what} exited during start-up (code ${child.proc.exitCode}); see its log.`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(socketPath);
      s.once("connect", () => (s.destroy(), resolve(true)));
      s.once("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not start within ${timeoutMs / 1000} s.`);
}
