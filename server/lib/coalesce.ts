/**
 * Wraps an idempotent "bring X to the current state" task (a firewall sync) so that many callers at once
 * cost at most two runs: one that is running, and one more after it, shared by everyone who called
 * while the first ran. Each caller still gets a run that started after its call, so it sees the state
 * it just wrote; 50 apps converging at boot then sync the firewall twice instead of 50 times in a row.
 */
export function coalesce<T>(task: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | null = null;
  let queued: Promise<T> | null = null;
  const start = () => {
    const run: Promise<T> = task().finally(() => {
      if (running === run) running = null;
    });
    running = run;
    return run;
  };
  return () => {
    if (queued) return queued;
    if (!running) return start();
    const next = running
      .catch(() => undefined)
      .then(() => {
        queued = null;
        return start();
      });
    queued = next;
    return next;
  };
}
