import fs from "node:fs";
import path from "node:path";
import type { Config } from "../config";
import type { Logger } from "../logger";
import { CADDY_USER, ensureCaddyUser, giveToCaddy, type Ids } from "./caddy-user";
import { startChild, waitForSocket } from "./child";

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
  fs.writeFileSync(initial, JSON.stringify({ admin: { listen: `unix/${p.caddyAdminSocket}`, config: { persist: false } } }), { mode: 0o600 });
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
  const child = startChild("caddy", "setpriv", args, env, path.join(p.logs, "caddy.log"), log, path.join(p.run, "caddy.pid"), "caddy");
  await waitForSocket(p.caddyAdminSocket, "Caddy", child);
  log.debug({ user: CADDY_USER }, "caddy started");
  return child;
}
