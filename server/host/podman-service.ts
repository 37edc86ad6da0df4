import fs from "node:fs";
import path from "node:path";
import type { Config } from "../config";
import type { Logger } from "../logger";
import { startChild, waitForSocket } from "./child";

/**
 * Writes this PCC's own containers.conf and storage.conf (the host's are never edited) and runs
 * `podman system service` on a socket in the data dir. Two PCCs with different data dirs do not share
 * storage, networks, locks or events.
 */
export function writePodmanConfig(config: Config) {
  const p = config.paths;
  const root = p.podmanRoot;
  const conf = path.join(p.etc, "containers.conf");
  const storage = path.join(p.etc, "storage.conf");
  fs.writeFileSync(
    conf,
    `# Written by PCC at every start; edits are lost.
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
log_driver = "k8s-file"
log_size_max = 10485760

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "${p.run}/podman-events.log"
tmp_dir = "${p.run}/libpod"
volume_path = "${root}/volumes"
static_dir = "${root}/libpod"
lock_type = "file"

[network]
network_config_dir = "${root}/networks"
`,
    { mode: 0o600 },
  );
  fs.writeFileSync(storage, `[storage]\ndriver = "overlay"\ngraphroot = "${root}/storage"\nrunroot = "${p.run}/storage"\n`, { mode: 0o600 });
  return { CONTAINERS_CONF: conf, CONTAINERS_STORAGE_CONF: storage };
}

export async function startPodmanService(config: Config, log: Logger) {
  const env = { ...process.env, ...writePodmanConfig(config) };
  fs.rmSync(config.paths.podmanSocket, { force: true });
  const child = startChild(
    "podman",
    "podman",
    ["system", "service", "--time=0", `unix://${config.paths.podmanSocket}`],
    env,
    path.join(config.paths.logs, "podman.log"),
    log,
    path.join(config.paths.run, "podman.pid"),
  );
  await waitForSocket(config.paths.podmanSocket, "Podman", child);
  fs.chmodSync(config.paths.podmanSocket, 0o600);
  return child;
}
