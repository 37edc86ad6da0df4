/**
 * Deterministic crash hooks for the fault tests: with PCC_CRASH_AT=<name>, PCC kills itself (SIGKILL, no
 * cleanup) when it reaches that journal boundary, so a test can check recovery from exactly that point.
 *
 * The boundaries: install:journaled, install:images, install:provisioned, install:started,
 * install:recorded, start:journaled, stop:journaled, remove:journaled, remove:torn-down, remove:recorded.
 * install:images and install:provisioned are also passed when an installed app is (re)started.
 * tests/integration/08-faults.integration.test.ts crashes at each one.
 */
export function crashPoint(name: string) {
  if (process.env.PCC_CRASH_AT === name) process.kill(process.pid, "SIGKILL");
}
