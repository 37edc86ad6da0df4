import fs from "node:fs";
import path from "node:path";
import type { Config } from "../config";
import type { Logger } from "../logger";
import { startChild, waitForSocket } from "./child";

/** Runs Caddy with only its admin API on a unix socket; the real config arrives through /load. */
export async function startCaddy(config: Config, log: Logger) {
  const p = config.paths;
  const initial = path.join(p.etc, "caddy-initial.json");
  fs.writeFileSync(initial, JSON.stringify({ admin: { listen: `unix/${p.caddyAdminSocket}`, config: { persist: false } } }), { mode: 0o600 });
  fs.rmSync(p.caddyAdminSocket, { force: true });
  const home = path.join(p.caddyData, "home");
  fs.mkdirSync(home, { recursive: true, mode: 0o700 });
  // Keep Caddy's CA, certificates and autosave inside the data dir, never in root's home.
  const env = { ...process.env, HOME: home, XDG_DATA_HOME: path.join(home, "data"), XDG_CONFIG_HOME: path.join(home, "config") };
  const child = startChild("caddy", "caddy", ["run", "--config", initial], env, path.join(p.logs, "caddy.log"), log, path.join(p.run, "caddy.pid"));
  await waitForSocket(p.caddyAdminSocket, "Caddy", child);
  fs.chmodSync(p.caddyAdminSocket, 0o600);
  return child;
}
