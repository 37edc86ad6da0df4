/**
 * How every bench ends: main() under a hard deadline, cleanup() always (success, failure, the deadline,
 * Ctrl-C), "done in N s" on success, exit code 0 or 1 (130 when interrupted). `onFailure` may print
 * more (a helper's log) before cleanup.
 */
export function runBench(opts: { main: () => Promise<void>; cleanup: () => Promise<void>; deadlineMs: number; stack?: boolean; onFailure?: () => void }) {
  const { main, cleanup, deadlineMs } = opts;
  const deadline = setTimeout(() => {
    console.error(`bench exceeded ${deadlineMs / 1000} s, aborting`);
    void cleanup().finally(() => process.exit(1));
  }, deadlineMs);
  for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => void cleanup().finally(() => process.exit(130)));

  const started = Date.now();
  main()
    .then(async () => {
      await cleanup();
      console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      clearTimeout(deadline);
      process.exit(0);
    })
    .catch(async (e: unknown) => {
      console.error(`bench failed: ${e instanceof Error ? (opts.stack ? e.stack : e.message) : String(e)}`);
      opts.onFailure?.();
      await cleanup();
      process.exit(1);
    });
}
