import { spawn } from "node:child_process";

export type RunResult = { code: number; stdout: string; stderr: string };
export type RunOptions = { timeoutMs: number; env?: NodeJS.ProcessEnv; cwd?: string; input?: string | Buffer; allowFail?: boolean };

/**
 * Runs a command with a hard timeout (SIGKILL) and collects its output. Throws on a non-zero exit
 * unless allowFail; the error names the command and ends with the tail of its stderr.
 */
export function run(cmd: string, args: string[], opts: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, opts.timeoutMs);
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.stdin.on("error", () => {});
    child.stdin.end(opts.input ?? undefined);
    child.once("error", (e) => {
      clearTimeout(timer);
      reject(new Error(`${cmd} could not start: ${e.message}`));
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      const r = { code: code ?? 128, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
      const line = `${cmd} ${args.join(" ")}`.slice(0, 300);
      if (timedOut) return reject(new Error(`timed out after ${opts.timeoutMs} ms: ${line}\n${r.stderr.slice(-2000)}`));
      if (r.code !== 0 && !opts.allowFail) {
        return reject(new Error(`exit ${code ?? signal}: ${line}\n${(r.stderr || r.stdout).slice(-3000)}`));
      }
      resolve(r);
    });
  });
}
