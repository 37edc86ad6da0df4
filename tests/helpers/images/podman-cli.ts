import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { run, type RunOptions, type RunResult } from "./exec";

/**
 * The `podman` CLI on storage of its own (never PCC's, never the host's default): its own
 * containers.conf and storage.conf, as PCC writes them for its service (runc, cgroupfs, the ulimits
 * runc needs, file locks, events in a file). Used to build test images and to check them in a fresh
 * storage.
 */
export class PodmanCli {
  readonly env: NodeJS.ProcessEnv;

  /** root: persistent state (images, volumes, networks); runRoot: runtime state (tmpfs on real machines). */
  constructor(
    readonly root: string,
    readonly runRoot: string,
  ) {
    const etc = path.join(root, "etc");
    fs.mkdirSync(etc, { recursive: true });
    fs.mkdirSync(runRoot, { recursive: true });
    const conf = path.join(etc, "containers.conf");
    const storage = path.join(etc, "storage.conf");
    writeIfChanged(
      conf,
      `# Written by the PCC test helpers (tests/helpers/images/podman-cli.ts).
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
log_driver = "k8s-file"

# No static_dir and no events_logfile_path: conmon runs the exit command ("podman container
# cleanup") without CONTAINERS_CONF, passing --root/--runroot/--tmpdir but not those two, so it must
# find the database at its default place (<graphroot>/libpod) and the events under tmp_dir.
# Otherwise cleanup never finds the container and every "podman run" waits 20 s for its exit code.
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
tmp_dir = "${runRoot}/libpod"
volume_path = "${root}/volumes"
lock_type = "file"

[network]
network_config_dir = "${root}/networks"
`,
    );
    writeIfChanged(storage, `[storage]\ndriver = "overlay"\ngraphroot = "${root}/storage"\nrunroot = "${runRoot}/storage"\n`);
    this.env = { ...process.env, CONTAINERS_CONF: conf, CONTAINERS_STORAGE_CONF: storage, BUILDAH_FORMAT: "oci" };
    // A registries.conf of our own: no search registries (nothing is ever looked up on the internet).
    const registries = path.join(etc, "registries.conf");
    writeIfChanged(registries, `unqualified-search-registries = []\nshort-name-mode = "disabled"\n`);
    this.env.CONTAINERS_REGISTRIES_CONF = registries;
  }

  /** A throwaway storage under the temp dir; call cleanup() when done. */
  static temp(prefix = "pcc-podman-") {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    return new PodmanCli(path.join(dir, "root"), path.join(dir, "run"));
  }

  run(args: string[], opts: Partial<RunOptions> = {}): Promise<RunResult> {
    return run("podman", args, { timeoutMs: 120_000, ...opts, env: this.env });
  }

  async text(args: string[], opts: Partial<RunOptions> = {}) {
    return (await this.run(args, opts)).stdout.trim();
  }

  async imageExists(ref: string) {
    return (await this.run(["image", "exists", ref], { allowFail: true, timeoutMs: 30_000 })).code === 0;
  }

  /**
   * A bridge network with a bridge name and subnet unique on the machine: netavark would otherwise
   * name it podman1, like another storage's first network. Written as netavark's JSON, because
   * Podman 4.3's CLI cannot name the bridge.
   */
  createNetwork(name: string, opts: { dns?: boolean } = {}) {
    const dir = path.join(this.root, "networks");
    fs.mkdirSync(dir, { recursive: true });
    const taken = new Set(
      Object.values(os.networkInterfaces())
        .flat()
        .filter((a) => a?.family === "IPv4")
        .map((a) => a!.address.split(".").slice(0, 3).join(".")),
    );
    let prefix = "";
    do prefix = `10.${64 + crypto.randomInt(32)}.${crypto.randomInt(256)}`;
    while (taken.has(prefix));
    const bridge = `pcct${crypto.randomBytes(4).toString("hex")}`.slice(0, 12);
    const net = {
      name,
      id: crypto.randomBytes(32).toString("hex"),
      driver: "bridge",
      network_interface: bridge,
      created: new Date().toISOString(),
      subnets: [{ subnet: `${prefix}.0/24`, gateway: `${prefix}.1` }],
      ipv6_enabled: false,
      internal: false,
      dns_enabled: opts.dns ?? false,
      ipam_options: { driver: "host-local" },
    };
    fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(net, null, 1));
    return { name, bridge, subnet: `${prefix}.0/24`, gateway: `${prefix}.1` };
  }

  /** The container's IP on its (first) network. */
  async containerIp(name: string) {
    const j = JSON.parse(await this.text(["inspect", "--format", "{{json .NetworkSettings.Networks}}", name])) as Record<string, { IPAddress: string }>;
    const ip = Object.values(j)[0]?.IPAddress;
    if (!ip) throw new Error(`${name} has no IP`);
    return ip;
  }

  /** Stops a container (SIGTERM, then SIGKILL after 5 s); its volumes and data stay. */
  async stopContainer(name: string) {
    const r = await this.run(["stop", "--time", "5", name], { allowFail: true, timeoutMs: 60_000 });
    if (r.code !== 0) throw new Error(`podman stop ${name}: ${r.stderr.slice(-1000)}`);
  }

  /**
   * Waits until no Podman process works on this storage any more: conmon runs `podman container cleanup`
   * after each container exits, asynchronously, and that process mounts the storage again.
   */
  async settled(containerId?: string, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    while (busyPids(this.root, process.pid, containerId).length) {
      if (Date.now() > deadline) throw new Error(`Podman processes still use ${this.root}: ${busyPids(this.root, process.pid, containerId).join(", ")}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Removes every container, pod, network and volume of this storage, unmounts what it left mounted. */
  async reset() {
    await this.run(["rm", "--all", "--force", "--time", "2"], { allowFail: true, timeoutMs: 120_000 });
    await this.run(["network", "prune", "--force"], { allowFail: true, timeoutMs: 60_000 });
    await this.run(["volume", "prune", "--force"], { allowFail: true, timeoutMs: 60_000 });
  }

  /** For temp storages: reset, unmount leftovers (overlay, shm) and delete the directories. */
  async cleanup() {
    await this.reset();
    await this.settled();
    for (const dir of [this.root, this.runRoot]) unmountUnder(dir);
    const top = path.dirname(this.root);
    for (const dir of [this.root, this.runRoot]) fs.rmSync(dir, { recursive: true, force: true });
    if (path.dirname(this.runRoot) === top && top.startsWith(os.tmpdir())) fs.rmSync(top, { recursive: true, force: true });
  }
}

export function unmountUnder(dir: string) {
  const mounts = fs
    .readFileSync("/proc/mounts", "utf8")
    .split("\n")
    .map((l) => (l.split(" ")[1] ?? "").replace(/\\040/g, " "))
    .filter((m) => m === dir || m.startsWith(`${dir}/`));
  for (const m of mounts.sort().reverse()) {
    // umount -l never blocks; a sync call is fine here.
    spawnSync("umount", ["-l", m], { timeout: 10_000 });
  }
}

function writeIfChanged(file: string, content: string) {
  try {
    if (fs.readFileSync(file, "utf8") === content) return;
  } catch {
    /* new */
  }
  fs.writeFileSync(`${file}.tmp${process.pid}`, content, { mode: 0o600 });
  fs.renameSync(`${file}.tmp${process.pid}`, file);
}

/** Podman and conmon processes (not this one) whose command line names this storage (and the container). */
function busyPids(root: string, self: number, containerId?: string): number[] {
  const pids: number[] = [];
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name) || Number(name) === self) continue;
    let cmd = "";
    try {
      cmd = fs.readFileSync(`/proc/${name}/cmdline`, "utf8");
    } catch {
      continue; // gone meanwhile
    }
    const argv = cmd.split("\0");
    if (/(^|\/)(podman|conmon)$/.test(argv[0] ?? "") && argv.some((a) => a === root || a.startsWith(`${root}/`)) && (!containerId || argv.includes(containerId))) pids.push(Number(name));
  }
  return pids;
}
