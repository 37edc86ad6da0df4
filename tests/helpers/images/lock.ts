import fs from "node:fs";

function alive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * A lock file shared by every process on the machine (two test runs may build the cache at once).
 * A lock left by a dead process is taken over.
 */
const queues = new Map<string, Promise<unknown>>();

export function withLock<T>(file: string, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  // Callers in this process take turns first; the file is for other processes.
  const prev = queues.get(file) ?? Promise.resolve();
  const next = prev.catch(() => {}).then(() => withFileLock(file, timeoutMs, fn));
  queues.set(file, next);
  return next;
}

async function withFileLock<T>(file: string, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = fs.openSync(file, "wx", 0o600);
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const owner = Number(fs.readFileSync(file, { encoding: "utf8", flag: "a+" }).trim());
      if (!owner || !alive(owner) || owner === process.pid) {
        // Dead owner (or a half-written file from one): remove and retry. A torn write is re-checked once.
        if (!owner) await new Promise((r) => setTimeout(r, 200));
        const again = Number(fs.readFileSync(file, { encoding: "utf8", flag: "a+" }).trim());
        if (again === owner) fs.rmSync(file, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${file} (held by pid ${owner})`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(file, { force: true });
  }
}
