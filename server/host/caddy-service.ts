import fs from "node:fs";
import path from "node:path";
import type { Config } from "../config";
import type { Logger } from "../logger";
import { CADDY_USER, ensureCaddyUser, giveToCaddy, type Ids } from "./caddy-user";
import { startChild, waitForSocket } from "./child";

/** What Caddy logs when its start-up sweep of the certificate storage is over. */
export const STORAGE_CLEANED = "finished cleaning storage units";
const STORAGE_CLEAN_WAIT_MS = 10_000;

/**
 * Caddy's first config. It names the real certificate storage and a tls app with nothing to manage, so
 * Caddy's once-per-process sweep of that storage runs now, before any certificate is obtained. Caddy 2.6
 * runs the sweep beside the first obtains of a tls app: seen here, it read the wildcard's folder while the
 * new certificate was being written, found its key empty, deleted the folder, and the obtain failed and
 * waited 60 s to retry, so every app name answered "tlsv1 alert internal error" meanwhile. A tls app
 * loaded later skips the sweep, having had one moments ago.
 */
export function initialCaddyConfig(adminSocket: string, storageDir: string) {
  return {
    admin: { listen: `unix/${adminSocket}`, config: { persist: false } },
    storage: { module: "file_system", root: storageDir },
    apps: { tls: {} },
  };
}

/** Polls a log file from `offset` until a line containing `needle` appears; false after `timeoutMs`. */
export async function waitForLogLine(file: string, offset: number, needle: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = fs.openSync(file, "r");
      try {
        const size = fs.fstatSync(fd).size;
        const buf = Buffer.alloc(Math.max(0, size - offset));
        fs.readSync(fd, buf, 0, buf.length, offset);
        if (buf.toString("utf8").includes(needle)) return true;
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      /* not written yet */
    }
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Runs Caddy as the unprivileged user pcc-caddy, allowed to bind low ports (the ambient
 * CAP_NET_BIND_SERVICE, nothing else), with only its admin API on a unix socket; the real config arrives
 * through /load. Its own folder holds the admin socket and its certificates and CA key.
 */
export async function startCaddy(config: Config, log: Logger, ids: Ids = ensureCaddyUser()) {
  const p = config.paths;
  giveToCaddy(p.caddyData, ids);
  giveToCaddy(p.caddyRun, ids);
  const initial = path.join(p.caddyRun, "initial.json");
  fs.writeFileSync(initial, JSON.stringify(initialCaddyConfig(p.caddyAdminSocket, p.caddyData)), { mode: 0o600 });
  fs.chownSync(initial, ids.uid, ids.gid);
  fs.rmSync(p.caddyAdminSocket, { force: true });
  const home = path.join(p.caddyData, "home");
  // Keep Caddy's CA, certificates and autosave inside the data dir, never in a home folder.
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, XDG_DATA_HOME: path.join(home, "data"), XDG_CONFIG_HOME: path.join(home, "config") } as unknown as NodeJS.ProcessEnv;
  const args = [
    `--reuid=${ids.uid}`,
    `--regid=${ids.gid}`,
    "--clear-groups",
    "--bounding-set=-all,+net_bind_service",
    "--inh-caps=-all,+net_bind_service",
    "--ambient-caps=-all,+net_bind_service",
    "--",
    "caddy",
    "run",
    "--config",
    initial,
  ];
  const logFile = path.join(p.logs, "caddy.log");
  const logStart = fs.existsSync(logFile) ? fs.statSync(logFile).size : 0;
  const child = startChild("caddy", "setpriv", args, env, logFile, log, path.join(p.run, "caddy.pid"), "caddy");
  await waitForSocket(p.caddyAdminSocket, "Caddy", child);
  if (!(await waitForLogLine(logFile, logStart, STORAGE_CLEANED, STORAGE_CLEAN_WAIT_MS))) {
    log.warn("Caddy did not report cleaning its certificate storage; going on");
  }
  log.debug({ user: CADDY_USER }, "caddy started");
  return child;
}
