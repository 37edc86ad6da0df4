import { execFile } from "node:child_process";
import type { CommandRunner } from "./firewall";

/**
 * execFile (no shell: arguments are never parsed) with a hard timeout and optional stdin. A non-zero exit
 * resolves, so callers can word the failure; a missing program or a timeout rejects.
 */
export const execRunner: CommandRunner = (file, args, opts) =>
  new Promise((resolve, reject) => {
    const child = execFile(
      file,
      args,
      { timeout: opts.timeoutMs, killSignal: "SIGKILL", maxBuffer: 32 * 1024 * 1024, encoding: "utf8", env: { ...process.env, LC_ALL: "C" } },
      (err, stdout, stderr) => {
        if (!err) return resolve({ code: 0, stdout, stderr });
        const e = err as NodeJS.ErrnoException & { code?: string | number; killed?: boolean };
        if (e.code === "ENOENT" || e.killed || typeof e.code !== "number") return reject(Object.assign(err, { stderr }));
        resolve({ code: e.code, stdout, stderr });
      },
    );
    // A missing program makes stdin error with EPIPE; the callback above reports the real cause.
    child.stdin?.on("error", () => undefined);
    child.stdin?.end(opts.input ?? "");
  });
