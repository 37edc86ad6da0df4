/**
 * Install of an app whose image is already on the machine, until its first 200 over HTTPS at its host:
 * (p) through PCC: the owner's tRPC apps.install of the `web` test app, with the shell's apps.events
 *     subscription open; on its "done", the owner's browser steps (app sign-in handoff, then
 *     GET https://web.<domain>/, which must be a 200);
 * against, on the same Podman service and image, in the same run:
 * (b) bare libpod: network create + container create + start + GET http://<container ip>:8080/ until 200;
 * (s) the same, with the container PCC would create (its sandbox: own user-namespace range, no
 *     capabilities, read-only root, tmpfs, limits, isolated network), to tell the sandbox's cost from
 *     PCC's own (journal, firewall, gateway, readiness probe, sign-in handoff).
 * Target: p / b <= 1.3.  Run: node --import tsx bench/install.bench.ts   (~1.5 min, loopback only)
 */
import { spawnSync } from "node:child_process";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Agent, request } from "undici";
import { toCreateBody } from "../server/adapters/podman/libpod-create";
import { planNetwork } from "../server/modules/apps/network-plan";
import { pickUidBase, resourcesFor } from "../server/modules/runtime/app-resources";
import { NO_GRANTS, planApp } from "../server/modules/runtime/runtime-plan";
import { parseAppSpec } from "../server/modules/spec";
import { freePort, PccInstance } from "../tests/helpers/pcc-instance";
import { sse, type SseEvent } from "../tests/helpers/sse";
import { writeApp } from "../tests/helpers/test-catalog";
import { testAppCatalog } from "../tests/helpers/test-apps";
import { runBench } from "./run-bench";

const ROUNDS = 9;
const POLL_MS = 20;
const DEADLINE_MS = 175_000;
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const state: { pcc?: PccInstance; apps?: Awaited<ReturnType<typeof testAppCatalog>>; bare: string[] } = { bare: [] };

/** libpod on PCC's own Podman service. */
function libpod(pcc: PccInstance) {
  const dispatcher = new Agent({ connect: { socketPath: path.join(pcc.dataDir, "run/podman.sock") } });
  return async (method: string, p: string, body?: unknown) => {
    const r = await request(`http://d/v4.0.0/libpod${p}`, {
      method: method as "GET",
      dispatcher,
      headers: body ? { "content-type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await r.body.text();
    if (r.statusCode >= 300) throw new Error(`${method} ${p}: ${r.statusCode} ${text.slice(0, 300)}`);
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  };
}

function httpStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 1_000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(0));
  });
}

async function until<T>(what: string, fn: () => Promise<T | null>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => null);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await sleep(POLL_MS);
  }
}

/**
 * (p) PCC: what the owner's browser does. The shell listens to apps.events (it is open before the owner
 * taps Install), calls apps.install, and opens the app when its "done" arrives: the app's sign-in handoff,
 * then GET https://web.<domain>/, which must answer 200 at once ("done" means usable).
 */
async function viaPcc(pcc: PccInstance, session: string): Promise<{ ms: number; accepted: number; phases: Phases }> {
  let connected!: () => void;
  const open = new Promise<void>((r) => (connected = r));
  type Message = { type?: string; data?: { appId?: string; step?: string } };
  const isDone = (e: SseEvent) => e.event === "message" && (e.data as Message).type === "done" && (e.data as Message).data?.appId === "web";
  // When each of the install's progress steps reached the browser: where PCC's time goes, in every run.
  const steps = new Map<string, number>();
  let t0 = 0;
  let seen = 0;
  const events = sse(pcc, "apps.events", undefined, session, (ev) => {
    const now = performance.now();
    for (; seen < ev.length; seen++) {
      const m = ev[seen]!.data as Message | null;
      if (m?.type === "progress" && m.data?.appId === "web" && m.data.step && !steps.has(m.data.step)) steps.set(m.data.step, now - t0);
    }
    if (ev.some((e) => e.event === "connected")) connected();
    return ev.some(isDone);
  }, 60_000);
  await Promise.race([open, events.then(() => Promise.reject(new Error("apps.events ended before it connected")))]);
  t0 = performance.now();
  const r = await pcc.trpc("apps.install", { id: "web" }, session);
  if (r.json.error) throw new Error(`install: ${r.json.error.message}`);
  const accepted = performance.now() - t0;
  const done = (await events).events.find(isDone)!.data as { data: { ok: boolean; message?: string } };
  const doneAt = performance.now() - t0;
  if (!done.data.ok) throw new Error(`install failed: ${done.data.message}`);
  const cookie = await pcc.appCookie("web", session);
  const status = (await pcc.http(`${pcc.appUrl("web")}/`, { cookie })).status;
  if (status !== 200) throw new Error(`web answered ${status} right after its install was done`);
  const ms = performance.now() - t0;
  const starting = steps.get("Starting web");
  const waiting = steps.get("Waiting for web");
  if (starting === undefined || waiting === undefined) throw new Error(`missing progress steps: ${[...steps.keys()].join(", ")}`);
  return { ms, accepted, phases: { before: starting, start: waiting - starting, after: ms - waiting, afterDone: ms - doneAt } };
}

/**
 * One install's time in three parts: until the container start is asked of Podman, the start itself
 * (Podman's and the OCI runtime's work: the sandbox costs here), and from the running container to
 * the first 200. For PCC, as its progress events reached the browser ("Starting web", "Waiting for
 * web"; each a millisecond or two after the server sent it); afterDone: the sign-in handoff and the
 * first request through Caddy, after "done".
 */
type Phases = { before: number; start: number; after: number; afterDone?: number };

/** (b) and (s): the same steps by hand on libpod. */
async function viaLibpod(pcc: PccInstance, api: ReturnType<typeof libpod>, image: string, i: number, sandboxed: boolean) {
  const name = `bench_${sandboxed ? "s" : "b"}${i}`;
  state.bare.push(name);
  const { subnet, bridge } = planNetwork({ subnets: new Set(), bridges: new Set() });
  let network: Record<string, unknown> = { name, driver: "bridge" };
  let container: Record<string, unknown> = { name, image, netns: { nsmode: "bridge" }, Networks: { [name]: {} } };
  if (sandboxed) {
    // The very body PCC sends for this app (see libpod-create.ts), minus PCC's labels: PCC's reconciler
    // would sweep containers it labels but does not know.
    const spec = parseAppSpec(webApp(image), { mode: "installed" }).spec!;
    const resources = { ...resourcesFor(spec, pickUidBase(new Set())), network: name, containers: { web: name } };
    const plan = planApp({ spec, resources, grants: NO_GRANTS, subnet, bridge, images: { web: image }, secrets: {}, settings: {}, ingressUrl: () => "https://web.bench.localhost", hostIp: "127.0.0.1" });
    network = { name, driver: "bridge", network_interface: bridge, subnets: [{ subnet }], options: { isolate: "true" }, dns_enabled: false, labels: { bench: "true" } };
    container = { ...toCreateBody(plan.services[0]!.container), labels: { bench: "true" } };
  }
  const t0 = performance.now();
  await api("POST", "/networks/create", network);
  await api("POST", "/containers/create", container);
  const t1 = performance.now();
  await api("POST", `/containers/${name}/start`);
  const t2 = performance.now();
  const info = (await api("GET", `/containers/${name}/json`)) as { NetworkSettings: { Networks: Record<string, { IPAddress: string }> } };
  const ip = Object.values(info.NetworkSettings.Networks)[0]!.IPAddress;
  await until(`${name} on ${ip}`, async () => ((await httpStatus(`http://${ip}:8080/`)) === 200 ? true : null));
  const ms = performance.now() - t0;
  await removeBare(api, name);
  return { ms, phases: { before: t1 - t0, start: t2 - t1, after: ms - (t2 - t0) } };
}

async function removeBare(api: ReturnType<typeof libpod>, name: string) {
  await api("DELETE", `/containers/${name}?force=true&timeout=0`).catch(() => undefined);
  await api("DELETE", `/networks/${name}?force=true`).catch(() => undefined);
  state.bare = state.bare.filter((n) => n !== name);
}

/** The web test app: busybox httpd on 8080, no health check (PCC probes its port), no volume. */
const webApp = (image: string) => ({
  apiVersion: "pcc.app/v1",
  id: "web",
  name: "Web",
  version: "1.0.0",
  tagline: "The web test app",
  description: "An offline test app (web).",
  category: "utilities",
  developer: { name: "PCC tests" },
  test: true,
  services: { web: { image } },
  ingress: [{ service: "web", port: 8080 }],
});

async function main() {
  const build = spawnSync(process.execPath, [path.join(ROOT, "scripts/build-server.mjs")], { cwd: ROOT, encoding: "utf8" });
  if (build.status !== 0) throw new Error(`build-server failed: ${build.stderr}`);
  state.apps = await testAppCatalog({ dns: await freePort(), echo: await freePort() });
  const image = state.apps.images.web.pinned;
  const { test: _t, ...fields } = webApp(image);
  writeApp(state.apps.dir, "web", fields);
  // What ./pcc start runs: the compiled server.
  const pcc = await PccInstance.start({ catalogDir: state.apps.dir, insecureRegistries: [state.apps.registry.host], compiled: true });
  state.pcc = pcc;
  const session = await pcc.claim();
  const api = libpod(pcc);

  // Warm-up: the image comes into PCC's Podman, caches fill; then the same app is installed from scratch each round.
  await viaPcc(pcc, session);
  const removeWeb = () => {
    const r = pcc.cli("app", "remove", "web", "--purge");
    if (r.code !== 0) throw new Error(`remove: ${r.stderr}`);
  };
  removeWeb();
  await viaLibpod(pcc, api, image, 0, false);
  await viaLibpod(pcc, api, image, 0, true);

  console.log(`${ROUNDS} rounds, each: PCC install, bare, bare with PCC's sandbox (poll every ${POLL_MS} ms)`);
  const rows: { p: number; accepted: number; b: number; s: number; phases: { p: Phases; b: Phases; s: Phases } }[] = [];
  for (let i = 1; i <= ROUNDS; i++) {
    const p = await viaPcc(pcc, session);
    removeWeb();
    const b = await viaLibpod(pcc, api, image, i, false);
    const s = await viaLibpod(pcc, api, image, i, true);
    rows.push({ p: p.ms, accepted: p.accepted, b: b.ms, s: s.ms, phases: { p: p.phases, b: b.phases, s: s.phases } });
    console.log(`  #${i}  pcc ${p.ms.toFixed(0).padStart(5)} ms (install accepted in ${p.accepted.toFixed(0)} ms)   bare ${b.ms.toFixed(0).padStart(5)} ms   bare+sandbox ${s.ms.toFixed(0).padStart(5)} ms   pcc/bare ${(p.ms / b.ms).toFixed(2)}x`);
  }

  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2;
  };
  const [p, b, s] = [median(rows.map((r) => r.p)), median(rows.map((r) => r.b)), median(rows.map((r) => r.s))];
  const perRound = rows.map((r) => r.p / r.b).sort((x, y) => x - y);
  const row = (k: string, v: string) => console.log(`  ${k.padEnd(52)} ${v.padStart(10)}`);
  console.log("\nresult (medians)");
  row("(p) PCC install -> first 200 over HTTPS", `${p.toFixed(0)} ms`);
  row("(b) bare libpod -> first 200 from the container", `${b.toFixed(0)} ms`);
  row("(s) bare libpod with PCC's sandbox", `${s.toFixed(0)} ms`);
  row("pcc / bare   <- the number that matters", `${(p / b).toFixed(3)}x`);
  row("pcc / bare with sandbox   (PCC's own work)", `${(p / s).toFixed(3)}x`);
  console.log(`  per-round pcc / bare: ${perRound.map((r) => r.toFixed(2)).join(", ")}`);

  // Where the time goes (medians of each part, so they need not add up to the medians above).
  const part = (k: "p" | "b" | "s", f: keyof Phases) => `${median(rows.map((r) => r.phases[k][f] ?? 0)).toFixed(0)} ms`.padStart(9);
  console.log(`\nwhere the time goes (medians)                          ${["pcc", "bare", "+sandbox"].map((h) => h.padStart(9)).join("")}`);
  const line = (label: string, f: keyof Phases) => console.log(`  ${label.padEnd(52)} ${part("p", f)}${part("b", f)}${part("s", f)}`);
  line("before the start (PCC: request, journal, checks,", "before");
  console.log("   image check, network and container create)");
  line("the container start (Podman, OCI runtime, sandbox)", "start");
  line("after it: to the first 200 (PCC: readiness, record,", "after");
  console.log(`   "done", sign-in handoff, HTTPS via Caddy; of it`);
  console.log(`   after "done": ${median(rows.map((r) => r.phases.p.afterDone ?? 0)).toFixed(0)} ms)`);
  console.log(`\ntarget pcc / bare <= 1.3: ${p / b <= 1.3 ? "MET" : "NOT MET"}`);
}

async function cleanup() {
  const pcc = state.pcc;
  if (pcc) {
    const api = libpod(pcc);
    for (const n of state.bare) await removeBare(api, n).catch(() => undefined);
    await pcc.stop().catch(() => undefined);
    await pcc.cleanup().catch(() => undefined);
  }
  await state.apps?.cleanup().catch(() => undefined);
}

runBench({ main, cleanup, deadlineMs: DEADLINE_MS, stack: true });
