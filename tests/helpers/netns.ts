import { execFile, spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
export { freePort } from "./free-port";

/**
 * Network fixtures for firewall tests, all on this machine: a fake "internet" in a network namespace
 * (198.18.0.0/15, the benchmark range, so nothing ever leaves the host), and a throwaway Podman with its
 * own storage and network config. Every probe here reports success as a boolean, so a test can show
 * the same probe succeeding without the rule and failing with it.
 */

export type Result = { code: number; stdout: string; stderr: string };

/** Runs a program without a shell; never throws (a timeout or a missing program is code -1). */
export function run(file: string, args: string[], opts: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<Result> {
  return new Promise((resolve) => {
    const child = execFile(file, args, { timeout: opts.timeoutMs ?? 30_000, killSignal: "SIGKILL", env: opts.env, encoding: "utf8", maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === "number" ? ((err as { code: number }).code) : -1) : 0;
      resolve({ code, stdout, stderr: stderr || (err && code === -1 ? err.message : "") });
    });
    child.stdin?.on("error", () => undefined);
    child.stdin?.end(opts.input ?? "");
  });
}

export async function must(file: string, args: string[], opts: Parameters<typeof run>[2] = {}) {
  const r = await run(file, args, opts);
  if (r.code !== 0) throw new Error(`${file} ${args.join(" ")} failed (${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}

export const hex = (bytes: number) => crypto.randomBytes(bytes).toString("hex");


export const MARK = "pcc-fw-ok";
export const REQUEST = "GET / HTTP/1.0\r\n\r\n";

/** One connection attempt with busybox nc; true when the server's marker came back. */
export async function ncProbe(prefix: string[], ip: string, port: number) {
  const [file, ...args] = [...prefix, "busybox", "nc", "-w", "3", ip, String(port)];
  const r = await run(file!, args, { input: REQUEST, timeoutMs: 15_000 });
  return r.stdout.includes(MARK);
}

/** A TCP server answering every connection with the marker, on [::] (so IPv4 too) — "the host's 0.0.0.0 service". */
export async function markerServer(port: number) {
  const server = net.createServer((s) => {
    s.on("error", () => undefined);
    s.end(`HTTP/1.0 200 OK\r\n\r\n${MARK}\n`);
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen({ port, host: "::", ipv6Only: false }, resolve));
  return server;
}

/** A random app-style network: a /24 in 10.128.0.0/9 with no route on this host yet, and a bridge name. */
export async function pickAppNetwork(taken: string[] = []) {
  const routes = await must("ip", ["-4", "route", "show", "table", "all"]);
  for (;;) {
    const prefix = `10.${128 + crypto.randomInt(128)}.${crypto.randomInt(256)}`;
    if (!routes.includes(`${prefix}.`) && !taken.includes(`${prefix}.0/24`)) return { subnet: `${prefix}.0/24`, bridge: `pccfw${hex(3)}` };
  }
}

/** A random /29 inside 198.18.0.0/15 that this host has no address or route in. */
async function pickFakeNet() {
  const routes = await must("ip", ["-4", "route", "show", "table", "all"]);
  for (;;) {
    const base = `198.${18 + crypto.randomInt(2)}.${crypto.randomInt(256)}.${crypto.randomInt(32) * 8}`;
    const third = base.split(".").slice(0, 3).join(".");
    if (!routes.includes(`${third}.`)) return base.split(".").map(Number);
  }
}

/**
 * A network namespace that plays the internet: a veth pair to the host, the host at .1, the namespace at
 * .2 and .3 of a random /29, and busybox httpd answering the marker on port 8000 of both addresses.
 */
export class FakeInternet {
  readonly ns = `pcc-fw-test-${hex(3)}`;
  readonly hostIf = `pfw${hex(3)}h`;
  private readonly nsIf = `${this.hostIf.slice(0, -1)}n`;
  hostIp = "";
  ips: [string, string] = ["", ""];
  readonly port = 8000;
  private server: ChildProcess | null = null;
  private readonly www = fs.mkdtempSync(path.join(os.tmpdir(), "pcc-fw-www-"));

  async start() {
    const [a, b, c, d] = await pickFakeNet();
    const ip = (n: number) => `${a}.${b}.${c}.${d! + n}`;
    this.hostIp = ip(1);
    this.ips = [ip(2), ip(3)];
    await must("ip", ["netns", "add", this.ns]);
    await must("ip", ["link", "add", this.hostIf, "type", "veth", "peer", "name", this.nsIf]);
    await must("ip", ["link", "set", this.nsIf, "netns", this.ns]);
    await must("ip", ["addr", "add", `${this.hostIp}/29`, "dev", this.hostIf]);
    await must("ip", ["link", "set", this.hostIf, "up"]);
    for (const addr of this.ips) await this.exec("ip", "addr", "add", `${addr}/29`, "dev", this.nsIf);
    await this.exec("ip", "link", "set", this.nsIf, "up");
    await this.exec("ip", "link", "set", "lo", "up");
    fs.writeFileSync(path.join(this.www, "index.html"), `${MARK}\n`);
    this.server = spawn("ip", ["netns", "exec", this.ns, "busybox", "httpd", "-f", "-p", String(this.port), "-h", this.www], { stdio: "ignore" });
    for (let i = 0; i < 50 && !(await ncProbe(["ip", "netns", "exec", this.ns], this.ips[0], this.port)); i++) await sleep(100);
    return this;
  }

  /** Lets the namespace send to an app subnet through the host, like a LAN neighbour with a static route. */
  routeTo(subnet: string) {
    return this.exec("ip", "route", "add", subnet, "via", this.hostIp);
  }

  exec(...args: string[]) {
    return must("ip", ["netns", "exec", this.ns, ...args]);
  }

  probe(ip: string, port: number) {
    return ncProbe(["ip", "netns", "exec", this.ns], ip, port);
  }

  async stop() {
    this.server?.kill("SIGKILL");
    await run("ip", ["netns", "pids", this.ns]).then(async (r) => {
      for (const pid of r.stdout.split("\n").filter(Boolean)) await run("kill", ["-9", pid]);
    });
    await run("ip", ["netns", "del", this.ns]);
    await run("ip", ["link", "del", this.hostIf]); // normally gone with the namespace
    fs.rmSync(this.www, { recursive: true, force: true });
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The podman CLI on a throwaway storage and network config, configured the way PCC runs Podman. */
export class ScratchPodman {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "pcc-fw-podman-"));
  private readonly env: NodeJS.ProcessEnv;
  readonly networksDir = path.join(this.dir, "networks");

  constructor() {
    fs.mkdirSync(this.networksDir);
    const conf = path.join(this.dir, "containers.conf");
    fs.writeFileSync(
      conf,
      `[containers]
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
log_driver = "k8s-file"
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "${this.dir}/events.log"
tmp_dir = "${this.dir}/libpod-tmp"
static_dir = "${this.dir}/root/libpod"
volume_path = "${this.dir}/root/volumes"
lock_type = "file"
[network]
network_config_dir = "${this.networksDir}"
`,
    );
    const storage = path.join(this.dir, "storage.conf");
    fs.writeFileSync(storage, `[storage]\ndriver = "overlay"\ngraphroot = "${this.dir}/root/storage"\nrunroot = "${this.dir}/run/storage"\n`);
    this.env = { ...process.env, CONTAINERS_CONF: conf, CONTAINERS_STORAGE_CONF: storage };
  }

  private get base() {
    return ["--root", `${this.dir}/root/storage`, "--runroot", `${this.dir}/run/storage`];
  }

  podman(...args: string[]) {
    return must("podman", [...this.base, ...args], { env: this.env, timeoutMs: 120_000 });
  }

  /** Runs a command in a container; never throws. */
  exec(container: string, ...args: string[]) {
    return run("podman", [...this.base, "exec", container, ...args], { env: this.env, timeoutMs: 20_000 });
  }

  /** A FROM-scratch image holding Debian's static busybox and the marker page. */
  async importBusybox(tag: string) {
    const tree = path.join(this.dir, "image");
    fs.mkdirSync(path.join(tree, "bin"), { recursive: true });
    fs.mkdirSync(path.join(tree, "www"));
    fs.copyFileSync("/bin/busybox", path.join(tree, "bin", "busybox"));
    fs.chmodSync(path.join(tree, "bin", "busybox"), 0o755);
    for (const a of ["sh", "nc", "httpd", "nslookup", "sleep"]) fs.symlinkSync("busybox", path.join(tree, "bin", a));
    fs.writeFileSync(path.join(tree, "www", "index.html"), `${MARK}\n`);
    await must("tar", ["-C", tree, "-cf", `${tree}.tar`, "."]);
    await this.podman("import", `${tree}.tar`, tag);
  }

  /**
   * Podman 4.3's CLI cannot name the bridge (`--interface-name` came later), so the network is written
   * as the JSON file netavark reads — what PCC's libpod API call (`network_interface`) produces.
   */
  createNetwork(name: string, bridge: string, subnet: string, isolate: boolean) {
    const gateway = subnet.replace(/\.0\/24$/, ".1");
    const config = {
      name,
      id: crypto.createHash("sha256").update(`${name}-${hex(8)}`).digest("hex"),
      driver: "bridge",
      network_interface: bridge,
      created: new Date().toISOString(),
      subnets: [{ subnet, gateway }],
      ipv6_enabled: false,
      internal: false,
      dns_enabled: true,
      options: isolate ? { isolate: "true" } : {},
      ipam_options: { driver: "host-local" },
    };
    fs.writeFileSync(path.join(this.networksDir, `${name}.json`), JSON.stringify(config, null, 2));
    return { name, bridge, subnet, gateway };
  }

  async ip(container: string) {
    return (await this.podman("inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", container)).trim();
  }

  /** Probe from inside a container: busybox nc to ip:port, true when the marker came back. */
  async probeFrom(container: string, ip: string, port: number) {
    const r = await this.exec(container, "sh", "-c", `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${ip} ${port}`);
    return r.stdout.includes(MARK);
  }

  /** Removes every container and network, unmounts what Podman left mounted, and deletes the storage. */
  async destroy() {
    const base = this.base;
    await run("podman", [...base, "rm", "-af", "-t", "0"], { env: this.env, timeoutMs: 120_000 });
    for (const f of fs.existsSync(this.networksDir) ? fs.readdirSync(this.networksDir) : []) {
      if (f.endsWith(".json")) await run("podman", [...base, "network", "rm", "-f", f.slice(0, -5)], { env: this.env });
    }
    const mounts = fs.readFileSync("/proc/mounts", "utf8").split("\n").map((l) => l.split(" ")[1] ?? "").filter((m) => m.startsWith(this.dir));
    for (const m of mounts.sort().reverse()) await run("umount", ["-l", m]);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
