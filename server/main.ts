// First: V8 settings must be in place before any module compiles WebAssembly.
import "./host/v8-flags";
import fs from "node:fs";
import path from "node:path";
import pino from "pino";
import { boot } from "./boot";
import { loadConfig } from "./config";
import { checkPrerequisites, formatProblems, hostDeps } from "./host/prerequisites";
import { createLogger } from "./logger";

process.env.NEXT_TELEMETRY_DISABLED = "1";
// Before anything is created: every file and directory PCC (and each helper it starts: Prisma's
// migrate, Podman, Caddy) makes is then private to root. The default 022 left pcc.db and the logs
// world-readable. Explicit modes elsewhere say the same, so no single place is load-bearing.
process.umask(0o077);

// Apps get 10 s each to stop (in parallel), helpers 10 s each after that.
const SHUTDOWN_DEADLINE_MS = 45_000;

async function main() {
  const config = loadConfig();
  // Every missing piece named at once, with its fix, before anything is written or started.
  const problems = await checkPrerequisites(hostDeps(process.env));
  if (problems.length) throw new Error(formatProblems(problems));
  // The full structured log goes to a file; the console shows only what needs the owner's attention.
  fs.mkdirSync(config.paths.logs, { recursive: true, mode: 0o700 });
  const log = createLogger(
    config.logLevel,
    pino.multistream([
      { level: config.logLevel as pino.Level, stream: pino.destination({ dest: path.join(config.paths.logs, "pcc.log"), mkdir: true, sync: false, mode: 0o600 }) },
      { level: "warn", stream: process.stdout },
    ]),
  );
  const { services, stop, kill } = await boot(config, log);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    // Whatever hangs (a helper that ignores SIGTERM, an app that will not stop), PCC exits in bounded time.
    setTimeout(() => {
      log.error({ afterMs: SHUTDOWN_DEADLINE_MS }, "shutdown overran its deadline; killing helpers");
      kill();
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    stop()
      .then(() => process.exit(0))
      .catch((err) => {
        log.error({ err }, "shutdown failed");
        process.exit(1);
      });
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));

  // Someone who edited the database behind PCC's back is reported, loudly; the box keeps running.
  await services.audit.verifyAtBoot((message) => console.warn(message));

  // The console lines below are the product's interface (and what tests wait for): plain, no logger.
  console.log(`PCC is ready at ${config.shellOrigin}`);
  const { identity } = services;
  const code = await identity.issueSetupCode();
  if (code) console.log(`Setup code: ${code}`);
  // An expired setup code is replaced, so an unclaimed box never needs a restart.
  setInterval(async () => {
    if (identity.setupCode.active || (await identity.isClaimed())) return;
    const fresh = await identity.issueSetupCode();
    if (fresh) console.log(`Setup code: ${fresh}`);
  }, 30_000).unref();
  setInterval(() => identity.sessions.pruneExpired().catch((err) => log.warn({ err }, "could not prune sessions")), 3600_000).unref();
}

main().catch((e: Error) => {
  console.error(`PCC could not start: ${e.message}`);
  process.exit(1);
});
