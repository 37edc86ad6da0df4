/**
 * Two things PCC does with many apps, each against a bare baseline in the same run, same machine:
 *
 * 1. Reconcile after a restart, 50 installed apps (the `web` test app under 50 ids, installed through
 *    PCC, all running; PCC stopped, which stops them):
 *      (p) from spawning PCC (compiled, as ./pcc start runs it) to all 50 containers running, and to
 *          all 50 answering HTTP on their own address;
 *      (b) on the same stopped containers, with PCC down and Podman's service started by hand on PCC's
 *          own configuration: a plain loop of libpod start calls, one container after the other (and,
 *          for reference, all at once), to the same two points.
 * 2. A route change with 200 apps installed (the 50, plus 150 more installed as stopped apps: rows
 *    written through PCC's repository while it was down; the gateway reads rows, never containers):
 *      (p) the owner's tRPC apps.stop of a running app, from the call to its host answering with the
 *          "stopped" page (PCC journals the stop, syncs the gateway, which writes one marker file, and
 *          Caddy checks that file per request; the container is stopped after that);
 *      (b) the bare version of the same change: writing that marker file for another running app by
 *          hand, to its host answering with the "stopped" page.
 *    Target: (p) at most 100 ms.
 *
 * Run: node --import tsx bench/reconcile.bench.ts   (~3 min, loopback only)
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Agent, request } from "undici";
import { openDb } from "../server/adapters/db/db";
import { PrismaAppsRepository } from "../server/adapters/db/apps-repository";
import { planNetwork } from "../server/modules/apps/network-plan";
import { pickUidBase, resourcesFor } from "../server/modules/runtime/app-resources";
import { fromStored, toStored } from "../server/modules/spec";
import { freePort, PccInstance } from "../tests/helpers/pcc-instance";
import { writeApp } from "../tests/helpers/test-catalog";
import { testAppCatalog } from "../tests/helpers/test-apps";
import { runBench } from "./run-bench";

const APPS = 50;
const ROUTE_APPS = 200;
const ROUTE_ROUNDS = 7;
const DEADLINE_MS = 240_000;
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ids = Array.from({ length: APPS }, (_, i) => `w${String(i + 1).padStart(2, "0")}`);

const state: { pcc?: PccInstance; apps?: Awaited<ReturnType<typeof testAppCatalog>>; podman?: ChildProcess } = {};

function libpod(socket: string) {
  const dispatcher = new Agent({ connect: { socketPath: socket }, connections: 16 });
  return async (method: string, p: string) => {
    const r = await request(`http://d/v4.0.0/libpod${p}`, { method: method as "GET", dispatcher });
    const text = await r.body.text();
    if (r.statusCode >= 300 && r.statusCode !== 304) throw new Error(`${method} ${p}: ${r.statusCode} ${text.slice(0, 200)}`);
    try {
      return text ? (JSON.parse(text) as unknown) : null;
    } catch {
      return text; // _ping answers "OK"
    }
  };
}

type Api = ReturnType<typeof libpod>;
type Listed = { Names: string[]; State: string; Labels?: Record<string, string> };

/** The app containers' states and addresses. */
async function appContainers(api: Api) {
  const filters = encodeURIComponent(JSON.stringify({ label: ["pcc.managed=true"] }));
  const list = (await api("GET", `/containers/json?all=true&filters=${filters}`)) as Listed[];
  return list.filter((c) => /^pcc_w\d\d_web$/.test(c.Names[0] ?? ""));
}

function answers(ip: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(`http://${ip}:8080/`, { timeout: 500 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(false));
  });
}

async function ipOf(api: Api, name: string) {
  const j = (await api("GET", `/containers/${name}/json`)) as { NetworkSettings: { Networks: Record<string, { IPAddress: string }> } };
  return Object.values(j.NetworkSettings.Networks)[0]?.IPAddress ?? "";
}

/** Polls until every app container runs, then until each answers; times since t0. */
async function watch(api: () => Api | null, t0: number, timeoutMs = 90_000) {
  const end = t0 + timeoutMs;
  let running = 0;
  for (;;) {
    const a = api();
    const list = a ? await appContainers(a).catch(() => null) : null;
    if (list && list.filter((c) => c.State === "running").length === APPS) break;
    if (performance.now() > end) throw new Error(`not all ${APPS} running within ${timeoutMs / 1000} s (${list?.filter((c) => c.State === "running").length ?? 0})`);
    await sleep(50);
  }
  running = performance.now() - t0;
  const names = ids.map((id) => `pcc_${id}_web`);
  const ips = await Promise.all(names.map((n) => ipOf(api()!, n)));
  const pending = new Set(ips);
  while (pending.size) {
    await Promise.all([...pending].map(async (ip) => (await answers(ip)) && pending.delete(ip)));
    if (performance.now() > end) throw new Error(`${pending.size} apps never answered`);
    if (pending.size) await sleep(50);
  }
  return { running, serving: performance.now() - t0 };
}

/** Podman's service on PCC's own configuration files, as PCC runs it, while PCC is down. */
async function startPodmanByHand(dataDir: string) {
  const socket = path.join(dataDir, "run/bench-podman.sock");
  fs.rmSync(socket, { force: true });
  const etc = path.join(dataDir, "etc");
  const env = { ...process.env, CONTAINERS_CONF: `${etc}/containers.conf`, CONTAINERS_STORAGE_CONF: `${etc}/storage.conf`, CONTAINERS_REGISTRIES_CONF: `${etc}/registries.conf` };
  const t0 = performance.now();
  const child = spawn("podman", ["system", "service", "--time=0", `unix://${socket}`], { env, stdio: ["ignore", "ignore", "pipe"] });
  state.podman = child;
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr = (stderr + d).slice(-2000)));
  const api = libpod(socket);
  for (;;) {
    if (await api("GET", "/_ping").then(() => true, () => false)) break;
    if (performance.now() - t0 > 20_000) throw new Error(`podman service did not come up: ${stderr}`);
    await sleep(20);
  }
  return { api, upMs: performance.now() - t0, stop: () => new Promise<void>((r) => (child.once("exit", () => r()), child.kill("SIGTERM"))) };
}

async function stopAll(api: Api) {
  await Promise.all(ids.map((id) => api("POST", `/containers/pcc_${id}_web/stop?timeout=10`)));
}

async function installAll(pcc: PccInstance, session: string) {
  const t0 = performance.now();
  // Eight at a time: what a busy owner might do, without drowning a 2-core machine.
  for (let i = 0; i < ids.length; i += 8) {
    const batch = ids.slice(i, i + 8);
    for (const id of batch) {
      const r = await pcc.trpc("apps.install", { id }, session);
      if (r.json.error) throw new Error(`install ${id}: ${r.json.error.message}`);
    }
    for (const id of batch) {
      for (;;) {
        const list = (await pcc.trpc("apps.list", null, session, "query")).json.result?.data as { id: string; status: string }[] | undefined;
        const st = list?.find((a) => a.id === id)?.status;
        if (st === "running") break;
        if (st === undefined || st === "failed") throw new Error(`install ${id}: ${st ?? "gone"}`);
        await sleep(200);
      }
    }
  }
  return performance.now() - t0;
}

/** 150 more installed apps, stopped: rows like w01's, through PCC's repository, while PCC is down. */
async function addStoppedApps(dataDir: string, count: number) {
  const db = openDb(path.join(dataDir, "pcc.db"));
  try {
    const repo = new PrismaAppsRepository(db);
    const rows = await repo.list();
    const model = rows.find((r) => r.id === "w01")!;
    const spec = fromStored(model.specVersion, model.manifest);
    const subnets = new Set(rows.map((r) => r.subnet));
    const bridges = new Set(rows.map((r) => r.bridge));
    const uids = new Set<number>();
    for (let i = 1; i <= count; i++) {
      const id = `s${String(i).padStart(3, "0")}`;
      const s = { ...spec, id, name: `Stopped ${i}`, ingress: spec.ingress.map((g) => ({ ...g, subdomain: id })) };
      const net = planNetwork({ subnets, bridges });
      subnets.add(net.subnet);
      bridges.add(net.bridge);
      const uid = pickUidBase(uids);
      uids.add(uid);
      const stored = toStored(s);
      const ok = await repo.create(
        { ...model, id, name: s.name, manifest: stored.json, specVersion: stored.version, desiredState: "stopped", phase: "installed", ...net, resources: JSON.stringify(resourcesFor(s, uid)) },
        {},
      );
      if (!ok) throw new Error(`could not add ${id}`);
    }
    return (await repo.list()).length;
  } finally {
    await db.$disconnect();
  }
}

/** Time from `act()` until `host` answers with the stopped page, polled every millisecond or so. */
async function untilStoppedPage(pcc: PccInstance, host: string, cookie: string, act: () => Promise<unknown>) {
  const t0 = performance.now();
  const acting = act();
  for (;;) {
    const r = await pcc.http(`${pcc.appUrl(host)}/`, { cookie });
    if (r.status === 503 && r.text.includes("This app is stopped")) break;
    if (performance.now() - t0 > 15_000) throw new Error(`${host} never showed the stopped page (last ${r.status})`);
  }
  const ms = performance.now() - t0;
  await acting;
  return ms;
}

async function main() {
  const build = spawnSync(process.execPath, [path.join(ROOT, "scripts/build-server.mjs")], { cwd: ROOT, encoding: "utf8" });
  if (build.status !== 0) throw new Error(`build-server failed: ${build.stderr}`);
  state.apps = await testAppCatalog({ dns: await freePort(), echo: await freePort() });
  for (const id of ids) writeApp(state.apps.dir, id, { services: { web: { image: state.apps.images.web.pinned } }, ingress: [{ service: "web", port: 8080 }] });
  const pcc = await PccInstance.start({ catalogDir: state.apps.dir, insecureRegistries: [state.apps.registry.host], compiled: true });
  state.pcc = pcc;
  const session = await pcc.claim();
  const pccApi = libpod(path.join(pcc.dataDir, "run/podman.sock"));

  const installMs = await installAll(pcc, session);
  console.log(`setup: ${APPS} apps installed through PCC in ${(installMs / 1000).toFixed(1)} s`);
  await pcc.stop();

  // 1(b): bare loops on the stopped containers.
  const bare = await startPodmanByHand(pcc.dataDir);
  if ((await appContainers(bare.api)).filter((c) => c.State === "running").length) throw new Error("containers still running after PCC stopped");
  let t0 = performance.now();
  for (const id of ids) await bare.api("POST", `/containers/pcc_${id}_web/start`);
  const seq = await watch(() => bare.api, t0);
  await stopAll(bare.api);
  t0 = performance.now();
  await Promise.all(ids.map((id) => bare.api("POST", `/containers/pcc_${id}_web/start`)));
  const par = await watch(() => bare.api, t0);
  await stopAll(bare.api);
  await bare.stop();
  state.podman = undefined;

  // 1(p): PCC from spawn to all 50 running and answering.
  t0 = performance.now();
  const booting = pcc.boot();
  let readyAt = 0;
  let podmanAt = 0;
  const socket = path.join(pcc.dataDir, "run/podman.sock");
  const probe = setInterval(() => {
    if (!readyAt && /PCC is ready at/.test(pcc.output)) readyAt = performance.now() - t0;
    if (!podmanAt && fs.existsSync(socket)) podmanAt = performance.now() - t0;
  }, 5);
  const spawnedAt = Date.now() - (performance.now() - t0);
  const p = await watch(() => (fs.existsSync(socket) ? pccApi : null), t0, 120_000);
  clearInterval(probe);
  await booting;
  // When Podman says each container started, from PCC's spawn: how PCC spreads the 50 starts.
  const startedAt = (
    await Promise.all(ids.map(async (id) => ((await pccApi("GET", `/containers/pcc_${id}_web/json`)) as { State: { StartedAt: string } }).State.StartedAt))
  )
    .map((t) => Date.parse(t) - spawnedAt)
    .sort((a, b) => a - b);

  const row = (k: string, v: string) => console.log(`  ${k.padEnd(62)} ${v.padStart(10)}`);
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log(`\n1. reconcile after a restart, ${APPS} apps`);
  row("(b) bare: podman service started by hand", s(bare.upMs));
  row("(b) bare loop, one start after another -> all running", s(seq.running));
  row("(b)                                     -> all answering", s(seq.serving));
  row("(b) bare, all starts at once           -> all running", s(par.running));
  row("(b)                                     -> all answering", s(par.serving));
  row("(p) PCC: spawn -> Podman's socket up", s(podmanAt));
  row("(p) PCC: spawn -> 'PCC is ready' (console)", s(readyAt));
  row("(p) PCC: spawn -> first / median / last container started", `${s(startedAt[0]!)} / ${s(startedAt[APPS >> 1]!)} / ${s(startedAt[APPS - 1]!)}`);
  row("(p) PCC: spawn -> all running", s(p.running));
  row("(p) PCC: spawn -> all answering", s(p.serving));
  row("pcc / bare loop, all answering   <- the number that matters", `${(p.serving / seq.serving).toFixed(3)}x`);
  row("pcc / (bare loop + its podman start), all answering", `${(p.serving / (seq.serving + bare.upMs)).toFixed(3)}x`);

  // 2: 200 installed apps; then route changes.
  await pcc.stop();
  const total = await addStoppedApps(pcc.dataDir, ROUTE_APPS - APPS);
  await pcc.boot();
  await watch(() => pccApi, performance.now(), 120_000);
  const cookies = { w01: await pcc.appCookie("w01", session), w02: await pcc.appCookie("w02", session) };
  for (const host of ["w01", "w02"] as const) {
    const r = await pcc.http(`${pcc.appUrl(host)}/`, { cookie: cookies[host] });
    if (r.status !== 200) throw new Error(`${host}: ${r.status} before the route changes`);
  }
  const marker = path.join(pcc.dataDir, "gateway/stopped/w02");
  const viaPcc: number[] = [];
  const byHand: number[] = [];
  for (let i = 0; i < ROUTE_ROUNDS; i++) {
    viaPcc.push(
      await untilStoppedPage(pcc, "w01", cookies.w01, async () => {
        const r = await pcc.trpc("apps.stop", { id: "w01" }, session);
        if (r.json.error) throw new Error(`stop: ${r.json.error.message}`);
      }),
    );
    byHand.push(await untilStoppedPage(pcc, "w02", cookies.w02, async () => fs.promises.writeFile(marker, "", { mode: 0o600 })));
    fs.rmSync(marker);
    const st = await pcc.trpc("apps.start", { id: "w01" }, session);
    if (st.json.error) throw new Error(`start: ${st.json.error.message}`);
    while ((await pcc.http(`${pcc.appUrl("w01")}/`, { cookie: cookies.w01 })).status !== 200) await sleep(20);
    while ((await pcc.http(`${pcc.appUrl("w02")}/`, { cookie: cookies.w02 })).status !== 200) await sleep(20);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  const ms = (x: number) => `${x.toFixed(1)} ms`;
  console.log(`\n2. route change with ${total} apps installed (${APPS} running, ${total - APPS} stopped), ${ROUTE_ROUNDS} rounds`);
  row("(p) tRPC apps.stop -> host serves the stopped page, median", ms(median(viaPcc)));
  row("(p)                                                  max", ms(Math.max(...viaPcc)));
  row("(b) marker file written by hand -> stopped page, median", ms(median(byHand)));
  row("pcc / bare   <- the number that matters", `${(median(viaPcc) / median(byHand)).toFixed(3)}x`);
  console.log(`  per round (p): ${viaPcc.map((x) => x.toFixed(0)).join(", ")} ms   (b): ${byHand.map((x) => x.toFixed(0)).join(", ")} ms`);
  console.log(`\ntarget route change <= 100 ms: ${median(viaPcc) <= 100 ? "MET" : "NOT MET"} (median ${ms(median(viaPcc))})`);
}

async function cleanup() {
  state.podman?.kill("SIGKILL");
  if (state.pcc) {
    await state.pcc.stop().catch(() => undefined);
    await state.pcc.cleanup().catch(() => undefined);
  }
  await state.apps?.cleanup().catch(() => undefined);
}

runBench({ main, cleanup, deadlineMs: DEADLINE_MS, stack: true });
