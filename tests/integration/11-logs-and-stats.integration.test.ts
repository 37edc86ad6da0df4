import fs from "node:fs";
import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentFor, freePort, PccInstance, waitFor } from "../helpers/pcc-instance";
import { sse, type SseEvent } from "../helpers/sse";
import { testAppCatalog } from "../helpers/test-apps";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const MASK = "******";

type Line = { service: string; stream: "stdout" | "stderr"; time: string | null; text: string };

const dataEvents = (events: SseEvent[]) => events.filter((e) => e.event === "message").map((e) => e.data);

describe("logs and stats of apps: tail, follow, since, masked secrets, CLI and tRPC over SSE", () => {
  let apps: Awaited<ReturnType<typeof testAppCatalog>>;
  let pcc: PccInstance;
  let session = "";
  let token = "";
  const logs = (...args: string[]) => {
    const r = pcc.cli("app", "logs", ...args, "--json");
    expect(r.code, r.stderr).toBe(0);
    return r.stdout
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Line);
  };

  beforeAll(async () => {
    apps = await testAppCatalog({ dns: await freePort(), echo: await freePort() });
    // The system overview samples every second here (30 s by default).
    pcc = await PccInstance.start({ catalogDir: apps.dir, insecureRegistries: [apps.registry.host], env: { PCC_USAGE_SAMPLE_SECONDS: "1" } });
    session = await pcc.claim();
    expect(pcc.cli("app", "install", "chatty").code).toBe(0);
    expect(pcc.cli("app", "install", "kv").code).toBe(0);
    const env = ((await pcc.podman("/containers/pcc_chatty_web/json")).json as { Config: { Env: string[] } }).Config.Env;
    token = (env.find((e) => e.startsWith("CHATTY_TOKEN=")) ?? "").slice("CHATTY_TOKEN=".length);
  });
  afterAll(async () => {
    await pcc?.stop();
    await pcc?.cleanup();
    await apps?.cleanup();
  });

  it("shows the last lines, stdout and stderr, with the secret the app printed masked", async () => {
    expect(token).toMatch(/^[A-Za-z0-9]{32}$/);
    // Podman's own log has the secret in the clear: what PCC shows must not.
    const raw = await request(`http://d/v4.0.0/libpod/containers/pcc_chatty_web/logs?stdout=true&stderr=true`, {
      dispatcher: new Agent({ connect: { socketPath: path.join(pcc.dataDir, "run/podman.sock") } }),
    });
    expect((await raw.body.text()).includes(token)).toBe(true);

    await waitFor("a few ticks", async () => logs("chatty").filter((l) => l.text.startsWith("chatty: tick")).length >= 3, 30_000);
    const all = logs("chatty", "--tail", "1000");
    expect(all).toContainEqual(expect.objectContaining({ service: "web", stream: "stdout", text: `chatty: starting with token=${MASK}` }));
    expect(all).toContainEqual(expect.objectContaining({ service: "web", stream: "stderr", text: `chatty: on stderr token=${MASK}` }));
    expect(all.some((l) => /^chatty: tick \d+ token=\*{6}$/.test(l.text))).toBe(true);

    const last = logs("chatty", "--tail", "3");
    expect(last).toHaveLength(3);
    const ticks = (ls: Line[]) => ls.map((l) => /tick (\d+)/.exec(l.text)?.[1]).filter(Boolean).map(Number);
    expect(Math.max(...ticks(last))).toBeGreaterThanOrEqual(Math.max(...ticks(all)));

    // The plain output too, and never the secret, whatever the format.
    const plain = pcc.cli("app", "logs", "chatty", "--tail", "50", "-t");
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/^\d{4}-\d\d-\d\dT[\d:]+Z chatty: tick \d+ token=\*{6}$/m);
    for (const out of [JSON.stringify(all), plain.stdout, plain.stderr]) expect(out.includes(token)).toBe(false);
  });

  it("shows only the lines since a time, as a duration or an instant, and refuses a bad one", async () => {
    const from = new Date();
    await new Promise((r) => setTimeout(r, 3_000));
    const since = logs("chatty", "--since", from.toISOString());
    expect(since.length).toBeGreaterThan(0);
    // Podman prints whole seconds: a line at 12:00:05.7 shows as 12:00:05.
    expect(since.every((l) => Date.parse(l.time!) >= Math.floor(from.getTime() / 1000) * 1000)).toBe(true);
    expect(since.some((l) => l.text.startsWith("chatty: starting"))).toBe(false);
    const recent = logs("chatty", "--since", "2s").filter((l) => l.text.startsWith("chatty: tick"));
    expect(recent.length).toBeGreaterThan(0);
    expect(recent.length).toBeLessThanOrEqual(4);
    const bad = pcc.cli("app", "logs", "chatty", "--since", "yesterday");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/is not a time/);
  });

  it("interleaves the services of a two-service app by time, or shows one", async () => {
    const both = logs("kv", "--tail", "200");
    expect(new Set(both.map((l) => l.service))).toEqual(new Set(["web", "store"]));
    const times = both.map((l) => Date.parse(l.time!));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const store = logs("kv", "store");
    expect(store.length).toBeGreaterThan(0);
    expect(store.every((l) => l.service === "store")).toBe(true);
    // The plain output names the service when there are several.
    expect(pcc.cli("app", "logs", "kv", "--tail", "5").stdout).toMatch(/^(web  |store) \| /m);
    const unknown = pcc.cli("app", "logs", "kv", "db");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no service "db"; it has/);
  });

  it("follows: a line written while following arrives, across a restart of the app, until Ctrl-C", async () => {
    const cli = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "server/cli/pcc-cli.ts"), "app", "logs", "chatty", "-f", "--tail", "0"], { cwd: ROOT, env: pcc.env });
    let out = "";
    cli.stdout.on("data", (d) => (out += d));
    cli.stderr.on("data", (d) => (out += d));
    const exited = new Promise<number | null>((r) => cli.once("exit", (code, sig) => r(code ?? (sig ? 130 : null))));
    try {
      // --tail 0: no history, so any tick is one written while following.
      await waitFor("a tick while following", async () => /chatty: tick \d+ token=\*{6}/.test(out), 30_000);
      expect(out).not.toMatch(/chatty: starting/);
      // A restart ends Podman's stream; the follow picks up the new run.
      const restartedAt = Date.now();
      expect(pcc.cli("app", "restart", "chatty").code).toBe(0);
      const restartMs = Date.now() - restartedAt;
      await waitFor("the restarted app's first line", async () => out.includes(`chatty: starting with token=${MASK}`), 30_000).catch((err) => {
        throw new Error(`${String(err)} (the restart took ${restartMs} ms); what the follow printed:\n${out.slice(-1500)}`);
      });
      expect(out.includes(token)).toBe(false);
    } finally {
      cli.kill("SIGINT");
    }
    const t0 = Date.now();
    await exited;
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it("reports CPU, memory, network and disk per service and in total, with sane numbers", async () => {
    const cookie = await pcc.appCookie("chatty", session);
    for (let i = 0; i < 5; i++) expect((await pcc.http(`${pcc.appUrl("chatty")}/`, { cookie })).status).toBe(200);
    const r = pcc.cli("app", "stats", "chatty", "--json");
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as {
      services: { service: string; running: boolean; cpuPercent: number; memoryBytes: number; memoryLimitBytes: number; netRxBytes: number; netTxBytes: number; pids: number }[];
      total: { running: number; memoryBytes: number };
      disk: { bytes: number; volumes: { volume: string; bytes: number }[] };
    };
    const [web] = s.services;
    expect(web).toMatchObject({ service: "web", running: true });
    expect(web!.cpuPercent).toBeGreaterThanOrEqual(0);
    expect(web!.cpuPercent).toBeLessThan(100);
    expect(web!.memoryBytes).toBeGreaterThan(100 * 1024);
    expect(web!.memoryBytes).toBeLessThan(web!.memoryLimitBytes);
    expect(web!.memoryLimitBytes).toBe(256 * 1024 * 1024);
    expect(web!.netRxBytes).toBeGreaterThan(1000);
    expect(web!.netTxBytes).toBeGreaterThan(1000);
    expect(web!.pids).toBeGreaterThanOrEqual(2);
    expect(s.total).toMatchObject({ running: 1, memoryBytes: web!.memoryBytes });
    // The app wrote a 1 MiB file to its volume.
    expect(s.disk.volumes.map((v) => v.volume)).toEqual(["data"]);
    expect(s.disk.bytes).toBeGreaterThanOrEqual(1024 * 1024);
    expect(s.disk.bytes).toBeLessThan(4 * 1024 * 1024);

    const kv = pcc.cli("app", "stats", "kv");
    expect(kv.code).toBe(0);
    expect(kv.stdout).toMatch(/^SERVICE\s+STATE\s+CPU\s+MEMORY \/ LIMIT/);
    expect(kv.stdout).toMatch(/^web\s+running\s+\d+\.\d\d%/m);
    expect(kv.stdout).toMatch(/^store\s+running\s+\d+\.\d\d%/m);
    expect(kv.stdout).toMatch(/^total\s+2\/2 up/m);
    expect(kv.stdout).toMatch(/^disk: [\d.]+ (B|KiB|MiB) in volumes \(data /m);
  });

  it("the system overview shows the machine's and each app's use over time, to the owner only", async () => {
    type Overview = {
      cores: number;
      memoryTotalBytes: number;
      diskTotalBytes: number;
      points: { at: string; cpuPercent: number | null; memoryBytes: number; diskUsedBytes: number; apps: Record<string, { cpuPercent: number | null; memoryBytes: number }> }[];
      apps: { appId: string; name: string; cpuPercent: number | null; memoryBytes: number }[];
    };
    const overview = async () => (await pcc.trpc("system.overview", null, session, "query")).json.result?.data as Overview;
    const o = await waitFor("three samples with both apps measured", async () => {
      const v = await overview();
      return v.points.length >= 3 && v.apps.length === 2 && v.apps.every((a) => a.cpuPercent !== null && a.memoryBytes > 0) ? v : null;
    }, 30_000);
    // The machine's own figures, as /proc and statfs give them.
    expect(o.memoryTotalBytes).toBe(Number(/^MemTotal:\s+(\d+) kB/m.exec(fs.readFileSync("/proc/meminfo", "utf8"))![1]) * 1024);
    const st = fs.statfsSync(pcc.dataDir);
    expect(o.diskTotalBytes).toBe(st.blocks * st.bsize);
    expect(o.cores).toBe(fs.readFileSync("/proc/stat", "utf8").split("\n").filter((l) => /^cpu\d+ /.test(l)).length);
    const last = o.points.at(-1)!;
    expect(last.cpuPercent).toBeGreaterThanOrEqual(0);
    expect(last.cpuPercent).toBeLessThanOrEqual(100);
    expect(last.memoryBytes).toBeGreaterThan(0);
    expect(last.memoryBytes).toBeLessThan(o.memoryTotalBytes);
    expect(last.diskUsedBytes).toBeGreaterThan(0);
    // Over time: one sample a second, oldest first.
    const gaps = o.points.slice(1).map((p, i) => Date.parse(p.at) - Date.parse(o.points[i]!.at));
    expect(gaps.every((g) => g >= 900 && g < 10_000)).toBe(true);
    // Per app: both services of kv counted, as its own stats see them.
    expect(o.apps.map((a) => a.appId).sort()).toEqual(["chatty", "kv"]);
    const kv = o.apps.find((a) => a.appId === "kv")!;
    const kvStats = JSON.parse(pcc.cli("app", "stats", "kv", "--json").stdout) as { services: { memoryBytes: number }[] };
    expect(kvStats.services).toHaveLength(2);
    // Samples a moment apart: the same order of size, not the same bytes.
    const both = kvStats.services.reduce((a, s) => a + s.memoryBytes, 0);
    expect(kv.memoryBytes).toBeGreaterThan(both / 2);
    expect(kv.memoryBytes).toBeLessThan(both * 2);
    expect(kv.cpuPercent).toBeLessThanOrEqual(100);
    expect(last.apps.kv?.memoryBytes).toBeGreaterThan(0);

    expect((await pcc.trpc("system.overview", null, undefined, "query")).json.error?.data.code).toBe("UNAUTHORIZED");
  });

  it("streams logs and stats to the owner over tRPC (SSE), masked, and refuses without a session", async () => {
    const live = await sse(pcc, "apps.logs", { id: "chatty", tail: 5, follow: true }, session, (ev) => dataEvents(ev).length >= 3);
    expect(live.status).toBe(200);
    expect(live.contentType).toMatch(/text\/event-stream/);
    const batches = dataEvents(live.events) as Line[][];
    expect(batches[0]!.length).toBeLessThanOrEqual(5);
    // Events after the history are lines written while the stream was open.
    const later = batches.slice(1).flat();
    expect(later.some((l) => /^chatty: tick \d+ token=\*{6}$/.test(l.text))).toBe(true);
    expect(live.raw.includes(token)).toBe(false);

    const stats = await sse(pcc, "apps.stats", { id: "kv" }, session, (ev) => dataEvents(ev).length >= 2);
    const [a, b] = dataEvents(stats.events) as { at: string; services: { service: string; cpuPercent: number | null; memoryBytes: number }[] }[];
    const gap = Date.parse(b!.at) - Date.parse(a!.at);
    expect(gap).toBeGreaterThan(1_500);
    expect(gap).toBeLessThan(5_000);
    expect(a!.services.map((s) => s.service).sort()).toEqual(["store", "web"]);
    expect(a!.services.every((s) => s.cpuPercent !== null && s.memoryBytes > 0)).toBe(true);

    for (const proc of ["apps.logs", "apps.stats"]) {
      const refused = await sse(pcc, proc, { id: "chatty" }, undefined, (ev) => ev.some((e) => e.event === "serialized-error"), 10_000);
      expect(dataEvents(refused.events)).toEqual([]);
      expect(refused.events.find((e) => e.event === "serialized-error")?.data).toMatchObject({ data: { code: "UNAUTHORIZED" } });
    }
    const unknown = await sse(pcc, "apps.logs", { id: "chatty", service: "db" }, session, (ev) => ev.some((e) => e.event === "serialized-error"), 10_000);
    expect(unknown.events.find((e) => e.event === "serialized-error")?.data).toMatchObject({ data: { code: "NOT_FOUND" } });
  });

  it("closes its Podman streams when the reader goes away", async () => {
    // PCC's own ends of its connections to Podman's socket: what it opened and must close. (Podman's ends,
    // which the socket's path names, close only once Podman notices; counting those measured Podman.)
    const sockets = () => {
      const rows = spawnSync("ss", ["-x", "-n", "-p", "state", "established"], { encoding: "utf8" }).stdout.split("\n").map((l) => l.trim().split(/\s+/));
      // Columns: Netid Recv-Q Send-Q Local-address Local-inode Peer-address Peer-inode Process.
      const podmanEnds = rows.filter((c) => c[3] === path.join(pcc.dataDir, "run/podman.sock"));
      const pccEnds = new Set(podmanEnds.map((c) => c[6]));
      return { pcc: rows.filter((c) => pccEnds.has(c[4]) && c.slice(7).join(" ").includes(`pid=${pcc.proc!.pid},`)).length, podman: podmanEnds.length };
    };
    const podmanSide = () => sockets().pcc;
    const baseline = podmanSide();
    const readers = Array.from({ length: 4 }, () => new AbortController());
    const opened = readers.map((ac) =>
      request(`${pcc.shellUrl}/api/trpc/apps.logs?input=${encodeURIComponent(JSON.stringify({ id: "kv", tail: 0, follow: true }))}`, {
        headers: { accept: "text/event-stream", cookie: session },
        dispatcher: agentFor("127.0.0.1"),
        signal: ac.signal,
      }),
    );
    await Promise.all(opened);
    // Two services each: eight follows on Podman's socket, each on a connection of its own.
    const during = await waitFor("the follows to open", async () => (podmanSide() >= baseline + 8 ? podmanSide() : null), 15_000);
    for (const ac of readers) ac.abort();
    await Promise.allSettled(opened);
    await waitFor("the follows to close", async () => podmanSide() <= during - 8, 15_000).catch((e: Error) => {
      // Which side held on: PCC's ends, or only Podman's (which close once Podman notices).
      throw new Error(`${e.message}: ${JSON.stringify(sockets())} connections (PCC's ends, Podman's ends), ${during} of PCC's while following`);
    });
  });
});

