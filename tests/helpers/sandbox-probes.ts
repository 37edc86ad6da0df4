import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import { expect } from "vitest";
import { PodmanCli } from "./images/podman-cli";
import { run } from "./netns";
import { freePort, PccInstance, waitFor } from "./pcc-instance";
import { writeApp } from "./test-catalog";
import { ABSTRACT_SERVER, EXTRA } from "./sandbox-extra-probes";
import { testAppCatalog } from "./test-apps";

/**
 * The setup the sandbox escape tests (07-sandbox-*.integration.test.ts) share: a real PCC that installed
 * the probe apps, and unprotected containers in which every probe is first shown to get through, so that
 * a BLOCKED never just means "the tool broke". Each test file starts its own, with only what it needs:
 *
 *  - priv:    `podman run --privileged --user=0`, no user namespace, no seccomp (a throwaway storage);
 *  - loose:   PCC's flags minus the one protection under test: no no-new-privileges, no memory or pids
 *             limit, and Podman's default seccomp profile instead of PCC's;
 *  - open:    privileged, host network and pid namespace, PCC's data dir mounted (read-only);
 *  - bridged: an ordinary container on a bridge that PCC's firewall does not guard.
 *
 * Three apps: escape (two services: web, with a data volume, and worker), neighbour (another app with its
 * own volume), online (asks for the internet; installed without it, granted later).
 */

export type AppName = "escape" | "neighbour" | "online";
export type BoxName = "priv" | "loose" | "open" | "bridged";
export type Outcome = { verdict: "PASS" | "BLOCKED" | "ERROR"; line: string };
export type Container = { name: string; ip: string; gateway: string; pid: number; bridge: string; subnet: string };

export const NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"];
const HEALTH_REQUEST = "GET /health HTTP/1.0\r\n\r\n";

export function outcome(text: string): Outcome {
  const line = text.trim().split("\n").find((l) => /^(PASS|BLOCKED|ERROR) /.test(l)) ?? `ERROR no verdict in ${JSON.stringify(text.slice(0, 300))}`;
  return { verdict: line.split(" ")[0] as Outcome["verdict"], line };
}

/** The control must get through and the app must be stopped, each for a reason printed in the report. */
export function expectBlockedOnly(control: Outcome, attempt: Outcome) {
  expect(control.verdict, `unprotected target: ${control.line}`).toBe("PASS");
  expect(attempt.verdict, `inside the app: ${attempt.line}`).toBe("BLOCKED");
}

/** One HTTP request with busybox nc (the caller decides who sends it: root, nobody, another namespace). */
export async function reachesHealth(prefix: string[], ip: string, port: number) {
  const [file, ...args] = [...prefix, "busybox", "nc", "-w", "3", ip, String(port)];
  const r = await run(file!, args, { input: HEALTH_REQUEST, timeoutMs: 15_000 });
  return r.stdout.includes("200 OK");
}

/** The marker of the host's server or of the fake internet's (netns.ts), asked with busybox nc. */
export async function reachesMarker(prefix: string[], ip: string, port: number) {
  const [file, ...args] = [...prefix, "busybox", "nc", "-w", "3", ip, String(port)];
  return (await run(file!, args, { input: "GET / HTTP/1.0\r\n\r\n", timeoutMs: 15_000 })).stdout.includes("pcc-fw-ok");
}

export const uidMap = (pid: number) => {
  const [inside, outside, size] = fs.readFileSync(`/proc/${pid}/uid_map`, "utf8").trim().split(/\s+/).map(Number);
  return { inside: inside!, outside: outside!, size: size! };
};

/** Listens on the abstract unix socket "@NAME" in the host's network namespace; resolves once it does. */
export async function startAbstractServer(name: string): Promise<ChildProcess> {
  // Python, not Node: libuv pads an abstract name with NULs to the whole sun_path, which nobody else dials.
  const server = spawn("python3", ["-c", ABSTRACT_SERVER, name], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    server.stdout!.once("data", () => resolve());
    server.once("exit", (code) => reject(new Error(`the abstract socket server exited with ${code}`)));
  });
  return server;
}

/**
 * Promise.all that waits for every promise before it throws the first error: a fixture that failed half-way
 * is torn down only once nothing of it is still starting (a PCC that finished booting after its test file's
 * teardown would outlive it).
 */
export async function settleAll<T extends readonly unknown[]>(promises: [...{ [K in keyof T]: Promise<T[K]> }]): Promise<T> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

const INSTALL_ARGS: Record<AppName, string[]> = { escape: ["escape"], neighbour: ["neighbour"], online: ["online", "--no-internet"] };
const HARDENED = ["--read-only", "--read-only-tmpfs=false", "--tmpfs=/tmp:rw,nosuid,nodev,size=64m,mode=1777", "--cap-drop=ALL", "--userns=auto:size=65536", "--init"];

/**
 * One PCC with the probe apps, and the unprotected containers beside it. Built in a describe block and
 * started in beforeAll; its probe functions are plain properties, so a test file can destructure them.
 */
export class SandboxFixture {
  readonly tag = crypto.randomBytes(3).toString("hex");
  readonly t0 = Date.now();
  readonly phases: string[] = [];
  /** The app containers, by service: escape (escape's web), worker (escape's worker), neighbour, online. */
  readonly c: Record<"escape" | "worker" | "neighbour" | "online", Container> = {} as never;
  apps!: Awaited<ReturnType<typeof testAppCatalog>>;
  pcc!: PccInstance;
  session = "";
  scratch!: PodmanCli;
  /** The unguarded bridge of the "bridged" container, and its address. */
  scratchNet!: ReturnType<PodmanCli["createNetwork"]>;
  bridgedIp = "";

  constructor(private readonly want: { apps: AppName[]; boxes: BoxName[] }) {}

  /** The escape-probes tool over HTTP, run by the app's own server process (X-Probe-Exit carries the verdict). */
  appProbe = async (who: Container, name: string, ...args: string[]): Promise<Outcome> => {
    const q = args.map((a) => `arg=${encodeURIComponent(a)}`).join("&");
    const r = await fetch(`http://${who.ip}:8080/probe/${name}${q ? `?${q}` : ""}`, { signal: AbortSignal.timeout(90_000) });
    return outcome(await r.text());
  };

  /** A process started in the app's container through PCC's own Podman (the same confinement as its server; checked in the tests). */
  appExec = async (who: Container, ...cmd: string[]) =>
    run("podman", ["--remote", "--url", `unix://${this.pcc.dataDir}/run/podman.sock`, "exec", who.name, ...cmd], { timeoutMs: 60_000 });
  appExtra = async (who: Container, name: string, ...args: string[]) => outcome((await this.appExec(who, "python3", "-c", EXTRA, name, ...args)).stdout);

  /** Probes in the unprotected scratch containers. */
  scratchProbe = async (box: BoxName, name: string, ...args: string[]) =>
    outcome((await this.scratch.run(["exec", box, "probe", name, ...args], { allowFail: true, timeoutMs: 90_000 })).stdout);
  scratchExtra = async (box: BoxName, name: string, ...args: string[]) =>
    outcome((await this.scratch.run(["exec", box, "python3", "-c", EXTRA, name, ...args], { allowFail: true, timeoutMs: 90_000 })).stdout);

  async start() {
    this.apps = await testAppCatalog({ dns: await freePort(), echo: await freePort() });
    this.phases.push(`images ${Date.now() - this.t0} ms`);
    const probesImage = this.apps.images["escape-probes"].pinned;
    writeApp(this.apps.dir, "escape", {
      services: {
        web: { image: probesImage, volumes: [{ volume: "data", path: "/data" }], resources: { memoryMb: 128, pids: 64 } },
        worker: { image: probesImage, command: ["/usr/local/bin/probe", "serve", "8080"], resources: { memoryMb: 64, pids: 32 } },
      },
      ingress: [{ service: "web", port: 8080 }],
      volumes: { data: {} },
    });
    writeApp(this.apps.dir, "neighbour", {
      services: { web: { image: probesImage, volumes: [{ volume: "data", path: "/data" }] } },
      ingress: [{ service: "web", port: 8080 }],
      volumes: { data: {} },
    });
    writeApp(this.apps.dir, "online", { services: { web: { image: probesImage } }, ingress: [{ service: "web", port: 8080 }], permissions: { internet: true } });

    this.scratch = PodmanCli.temp("pcc-sbx-");
    // PCC is kept as soon as it is up, so that stop() stops it even if the pull beside it failed.
    await settleAll([
      PccInstance.start({ catalogDir: this.apps.dir, insecureRegistries: [this.apps.registry.host] }).then((pcc) => (this.pcc = pcc)),
      this.scratch.run(["pull", "--quiet", "--tls-verify=false", probesImage], { timeoutMs: 180_000 }),
    ]);
    // Caddy may still be issuing its certificate on a busy machine: wait for the shell to answer over HTTPS.
    await waitFor("the shell over HTTPS", () => this.pcc.http(this.pcc.shellUrl).catch(() => null), 60_000);
    this.session = await this.pcc.claim();
    this.phases.push(`pcc ${Date.now() - this.t0} ms`);

    // The apps (one at a time, as an owner would) while the unprotected containers start beside them.
    const installs = async () => {
      for (const app of this.want.apps) {
        const r = await this.pcc.cliAsync("app", "install", ...INSTALL_ARGS[app]);
        if (r.code !== 0) throw new Error(`install ${app} failed: ${r.stdout}${r.stderr}`);
      }
      if (this.want.apps.includes("escape")) {
        this.c.escape = await this.inspect("pcc_escape_web");
        this.c.worker = await this.inspect("pcc_escape_worker");
      }
      if (this.want.apps.includes("neighbour")) this.c.neighbour = await this.inspect("pcc_neighbour_web");
      if (this.want.apps.includes("online")) this.c.online = await this.inspect("pcc_online_web");
      this.phases.push(`apps ${Date.now() - this.t0} ms`);
    };
    if (this.want.boxes.includes("bridged")) this.scratchNet = this.scratch.createNetwork(`pccsbx${this.tag}`);
    const flags: Record<BoxName, () => string[]> = {
      priv: () => ["--privileged", "--user=0", "--network=none"],
      loose: () => [...HARDENED, "--user=1000:1000", "--network=none"],
      open: () => ["--privileged", "--user=0", "--network=host", "--pid=host", "-v", `${this.pcc.dataDir}:${this.pcc.dataDir}:ro`],
      bridged: () => ["--network", this.scratchNet.name],
    };
    const unprotected = async () => {
      for (const box of this.want.boxes) {
        const cmd = box === "bridged" ? [] : ["sleep", "600"];
        await this.scratch.run(["run", "-d", "--name", box, ...flags[box](), probesImage, ...cmd], { timeoutMs: 120_000 });
      }
      if (this.want.boxes.includes("bridged")) this.bridgedIp = await this.scratch.containerIp("bridged");
      this.phases.push(`unprotected containers ${Date.now() - this.t0} ms`);
    };
    await settleAll([installs(), unprotected()]);
    console.log(`sandbox fixtures ready in ${Date.now() - this.t0} ms (${this.phases.join(", ")})`);
  }

  /** Tears everything down, each step even if one before it failed (a PCC must never outlive its test file). */
  async stop() {
    const errors: unknown[] = [];
    const step = (f: () => Promise<unknown> | undefined) => Promise.resolve(f()).catch((e: unknown) => void errors.push(e));
    // The unprotected containers go before PCC's data dir (one of them holds a bind mount of it); PCC stops meanwhile.
    await Promise.all([step(() => this.cleanupScratch()), step(() => this.pcc?.stop())]);
    await step(() => this.pcc?.cleanup());
    await step(() => this.apps?.cleanup());
    if (errors.length) throw errors[0];
  }

  private async cleanupScratch() {
    // Most boxes run `sleep` as PID 1, which ignores SIGTERM: kill them rather than wait out rm's stop timeout.
    await this.scratch?.run(["kill", "--all"], { allowFail: true, timeoutMs: 60_000 });
    await this.scratch?.cleanup();
  }

  private async inspect(name: string): Promise<Container> {
    const j = (await this.pcc.podman(`/containers/${name}/json`)).json as { State: { Pid: number }; NetworkSettings: { Networks: Record<string, { IPAddress: string; Gateway: string }> } };
    const [netName, n] = Object.entries(j.NetworkSettings.Networks)[0]!;
    const network = (await this.pcc.podman(`/networks/${netName}/json`)).json as { network_interface: string; subnets: { subnet: string }[] };
    return { name, ip: n.IPAddress, gateway: n.Gateway, pid: j.State.Pid, bridge: network.network_interface, subnet: network.subnets[0]!.subnet };
  }
}
