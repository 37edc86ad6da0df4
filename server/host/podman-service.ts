import fs from "node:fs";
import path from "node:path";
import type { Config } from "../config";
import type { Logger } from "../logger";
import { startChild, waitForSocket } from "./child";

/**
 * No static_dir or events_logfile_path here: conmon starts Podman's cleanup process (after a container
 * exits) without CONTAINERS_CONF, so it finds the database and writes events only at their default
 * places under the storage root and tmp_dir; moved elsewhere, exits were never recorded.
 *
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
# Builds ignore the create body's capabilities: give them none either (app builds only copy files).
default_capabilities = []
log_driver = "k8s-file"
log_size_max = 10485760

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
tmp_dir = "${p.run}/libpod"
volume_path = "${root}/volumes"
lock_type = "file"

[network]
network_config_dir = "${root}/networks"
`,
    { mode: 0o600 },
  );
  fs.writeFileSync(storage, `[storage]\ndriver = "overlay"\ngraphroot = "${root}/storage"\nrunroot = "${p.run}/storage"\n`, { mode: 0o600 });
  // Images are named in full (registry/repo:tag@digest): no search registries, no short-name aliases.
  const registries = path.join(p.etc, "registries.conf");
  const insecure = config.insecureRegistries.map((r) => `\n[[registry]]\nlocation = "${r}"\ninsecure = true\n`).join("");
  fs.writeFileSync(registries, `unqualified-search-registries = []\nshort-name-mode = "disabled"\n${insecure}`, { mode: 0o600 });
  return { CONTAINERS_CONF: conf, CONTAINERS_STORAGE_CONF: storage, CONTAINERS_REGISTRIES_CONF: registries };
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
    "podman",
    config.paths.run,
  );
  await waitForSocket(config.paths.podmanSocket, "Podman", child);
  fs.chmodSync(config.paths.podmanSocket, 0o600);
  return child;
}
