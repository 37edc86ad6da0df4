import { describe, expect, it } from "vitest";
import type { ContainerObserver, ContainerSample, LogLine, LogOptions } from "../../../adapters/podman/container-observer";
import { DomainError } from "../../../errors";
import { MemoryAppsRepository, rejection, silentLogger } from "../../../testing/fakes";
import { secretContext } from "../../apps/install-request";
import { SecretBox } from "../../secrets/secret-box";
import { parseAppSpec, toStored } from "../../spec";
import { DIGEST } from "../../spec/spec-fixtures";
import { resourcesFor } from "../app-resources";
import { AppObserve, type AppLogLine } from "./app-observe";
import { MASK } from "./secret-mask";

const SECRET = "Zq4rT8mWc2LpX9vBn3KdH7sYf6GjA1eU";
const PASSWORD = "correct-horse-battery";

const spec = parseAppSpec({
  apiVersion: "pcc.app/v1",
  id: "kv",
  name: "KV",
  version: "1.0.0",
  tagline: "t",
  description: "d",
  category: "utilities",
  developer: { name: "dev" },
  services: {
    web: { image: `registry.example/web:1@${DIGEST}`, env: { PASS: "${secrets.pass}", ADMIN: "${settings.admin-password}" } },
    store: { image: `registry.example/store:1@${DIGEST}`, env: { PASS: "${secrets.pass}" }, volumes: [{ volume: "data", path: "/data" }] },
  },
  ingress: [{ service: "web", port: 8080 }],
  volumes: { data: {} },
  secrets: { pass: { length: 32 } },
  settings: [
    { key: "admin-password", type: "password", label: "Admin password" },
    { key: "greeting", type: "text", label: "Greeting", default: "hello" },
  ],
}).spec!;

const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString().replace(".000", "");

/** Containers' logs in memory; a followed container gets new lines through `write`. */
class FakeObserver implements ContainerObserver {
  readonly lines = new Map<string, LogLine[]>();
  readonly samples = new Map<string, ContainerSample>();
  readonly calls: { container: string; opts: LogOptions }[] = [];
  private readonly waiting = new Set<() => void>();
  /** Containers whose follow streams end now (as Podman's do once it sees the container die). */
  private readonly ending = new Set<string>();
  volumeBytes: number | null = 4096;

  end(container: string) {
    this.ending.add(container);
    for (const w of this.waiting) w();
  }

  write(container: string, line: LogLine) {
    this.lines.set(container, [...(this.lines.get(container) ?? []), line]);
    for (const w of this.waiting) w();
  }

  async *logs(container: string, opts: LogOptions = {}): AsyncGenerator<LogLine> {
    this.calls.push({ container, opts });
    if (!this.lines.has(container)) throw new DomainError("NOT_FOUND", `no ${container}`);
    const inWindow = (l: LogLine) =>
      (!opts.since || Date.parse(l.time!) >= opts.since.getTime()) && (!opts.until || Date.parse(l.time!) < opts.until.getTime());
    const all = this.lines.get(container)!.filter(inWindow);
    let sent = this.lines.get(container)!.length;
    yield* opts.tail === undefined ? all : opts.tail === 0 ? [] : all.slice(-opts.tail);
    if (!opts.follow) return;
    this.ending.delete(container);
    while (!opts.signal?.aborted && !this.ending.has(container)) {
      await new Promise<void>((r) => {
        const wake = () => (this.waiting.delete(wake), r());
        this.waiting.add(wake);
        opts.signal?.addEventListener("abort", wake, { once: true });
      });
      if (this.ending.has(container)) return;
      const now = this.lines.get(container)!;
      yield* now.slice(sent);
      sent = now.length;
    }
  }

  async stats(containers: string[]) {
    return containers.flatMap((c) => (this.samples.has(c) ? [this.samples.get(c)!] : []));
  }

  async volumeUsage(name: string) {
    return { name, bytes: this.volumeBytes };
  }
}

async function setup(now = () => Date.UTC(2026, 0, 1, 0, 1, 0)) {
  const box = SecretBox.forTests();
  const repo = new MemoryAppsRepository();
  const resources = resourcesFor(spec);
  const stored = toStored(spec);
  await repo.create(
    {
      id: "kv",
      name: "KV",
      version: "1.0.0",
      manifest: stored.json,
      specVersion: stored.version,
      desiredState: "running",
      phase: "installed",
      subnet: "10.0.0.0/24",
      bridge: "pcc0",
      resources: JSON.stringify(resources),
      grants: "{}",
      settings: JSON.stringify({ "admin-password": box.seal(PASSWORD, "kv/setting/admin-password"), greeting: "hello" }),
    },
    { pass: box.seal(SECRET, secretContext("kv", "pass")) },
  );
  const observer = new FakeObserver();
  const running = new Set(Object.values(resources.containers));
  const startedAt = new Map<string, string>();
  const engine = {
    inspectContainer: async (name: string) => ({ name, state: running.has(name) ? ("running" as const) : ("exited" as const), ip: null, labels: {}, exitCode: null, startedAt: startedAt.get(name) ?? null }),
  };
  const observe = new AppObserve({ repo, box, observer, engine, log: silentLogger(), now, followPollMs: 10 });
  return { observe, observer, web: resources.containers.web!, store: resources.containers.store!, volume: resources.volumes.data!, running, startedAt };
}

const collect = async (g: AsyncIterable<AppLogLine>) => {
  const out: AppLogLine[] = [];
  for await (const l of g) out.push(l);
  return out;
};

describe("AppObserve.logs", () => {
  it("interleaves every service's lines by time and masks the app's secret and password settings in each", async () => {
    const { observe, observer, web, store } = await setup();
    observer.lines.set(web, [
      { stream: "stdout", time: t(1), text: `web up, pass=${SECRET}` },
      { stream: "stderr", time: t(4), text: `admin password is ${PASSWORD} (greeting hello)` },
    ]);
    observer.lines.set(store, [{ stream: "stdout", time: t(2), text: `redis://:${SECRET}@store` }]);
    const lines = await collect(await observe.logs("kv"));
    expect(lines).toEqual([
      { service: "web", stream: "stdout", time: t(1), text: `web up, pass=${MASK}` },
      { service: "store", stream: "stdout", time: t(2), text: `redis://:${MASK}@store` },
      { service: "web", stream: "stderr", time: t(4), text: `admin password is ${MASK} (greeting hello)` },
    ]);
  });

  it("gives the last N lines over all services, one service alone, and the lines since a time", async () => {
    const { observe, observer, web, store } = await setup();
    observer.lines.set(web, [1, 3, 5, 7].map((s) => ({ stream: "stdout" as const, time: t(s), text: `w${s}` })));
    observer.lines.set(store, [2, 4, 6].map((s) => ({ stream: "stdout" as const, time: t(s), text: `s${s}` })));
    expect((await collect(await observe.logs("kv", { tail: 3 }))).map((l) => l.text)).toEqual(["w5", "s6", "w7"]);
    expect((await collect(await observe.logs("kv", { service: "store" }))).map((l) => l.text)).toEqual(["s2", "s4", "s6"]);
    // now is 00:01:00; 56 s back is 00:00:04.
    expect((await collect(await observe.logs("kv", { since: "56s" }))).map((l) => l.text)).toEqual(["s4", "w5", "s6", "w7"]);
  });

  it("refuses an unknown app, an unknown service and a bad since, saying what exists", async () => {
    const { observe } = await setup();
    expect((await rejection(observe.logs("nope"), DomainError)).code).toBe("NOT_FOUND");
    const e = await rejection(observe.logs("kv", { service: "db" }), DomainError);
    expect(e.message).toMatch(/no service "db"; it has web, store/);
    expect((await rejection(observe.logs("kv", { since: "yesterday" }), DomainError)).code).toBe("INVALID_INPUT");
  });

  it("shows a service whose container does not exist yet as having no lines", async () => {
    const { observe, observer, web } = await setup();
    observer.lines.set(web, [{ stream: "stdout", time: t(1), text: "only web" }]);
    expect((await collect(await observe.logs("kv"))).map((l) => l.text)).toEqual(["only web"]);
  });

  it("follows: history first, then new lines of any service as they come, masked, until the signal aborts", async () => {
    const { observe, observer, web, store } = await setup();
    observer.lines.set(web, [{ stream: "stdout", time: t(1), text: "old" }]);
    observer.lines.set(store, []);
    const ac = new AbortController();
    const it = await observe.logs("kv", { follow: true, tail: 10, signal: ac.signal });
    expect((await it.next()).value?.text).toBe("old");
    const next = it.next();
    setTimeout(() => observer.write(store, { stream: "stdout", time: t(61), text: `new ${SECRET}` }), 20);
    expect((await next).value).toEqual({ service: "store", stream: "stdout", time: t(61), text: `new ${MASK}` });
    // The live part starts where the history ended (until = since = now).
    const follows = observer.calls.filter((c) => c.opts.follow);
    expect(follows.map((c) => c.opts.since?.toISOString())).toEqual([new Date(Date.UTC(2026, 0, 1, 0, 1, 0)).toISOString(), new Date(Date.UTC(2026, 0, 1, 0, 1, 0)).toISOString()]);
    const end = it.next();
    ac.abort();
    expect((await end).done).toBe(true);
  });

  it("keeps following a service that stopped, from where its stream ended, once it runs again", async () => {
    const { observe, observer, web, store, running } = await setup();
    observer.lines.set(web, []);
    observer.lines.set(store, []);
    running.delete(store);
    const ac = new AbortController();
    const it = await observe.logs("kv", { follow: true, signal: ac.signal });
    const next = it.next();
    await new Promise((r) => setTimeout(r, 50));
    expect(observer.calls.filter((c) => c.container === store && c.opts.follow)).toEqual([]);
    running.add(store);
    await new Promise((r) => setTimeout(r, 50));
    observer.write(store, { stream: "stderr", time: t(70), text: "store is back" });
    expect((await next).value?.text).toBe("store is back");
    ac.abort();
    await it.return(undefined);
  });
});

describe("AppObserve.logs after a quick restart", () => {
  it("gives the new run from its start even when the old stream's end arrives after it began, and repeats nothing", async () => {
    let clock = Date.UTC(2026, 0, 1, 0, 1, 0);
    const { observe, observer, web, store, running, startedAt } = await setup(() => clock);
    observer.lines.set(web, []);
    observer.lines.set(store, []);
    running.delete(store);
    startedAt.set(web, t(30));
    const ac = new AbortController();
    const it = await observe.logs("kv", { follow: true, signal: ac.signal });
    const got: string[] = [];
    const reader = (async () => {
      for await (const l of { [Symbol.asyncIterator]: () => it }) got.push(l.text);
    })();
    const until = async (what: () => boolean) => {
      for (let i = 0; i < 200 && !what(); i++) await new Promise((r) => setTimeout(r, 5));
      expect(what()).toBe(true);
    };
    await until(() => observer.calls.some((c) => c.container === web && c.opts.follow));
    observer.write(web, { stream: "stdout", time: t(65), text: "tick 1" });
    await until(() => got.includes("tick 1"));

    // A restart: the new run starts at 68 and writes two lines; the old stream gave the first one before
    // it ended, and PCC learns of the end only at 70.
    startedAt.set(web, t(68));
    observer.write(web, { stream: "stdout", time: t(68), text: "starting" });
    await until(() => got.includes("starting"));
    observer.end(web);
    observer.lines.set(web, [...observer.lines.get(web)!, { stream: "stdout", time: t(69), text: "listening" }]);
    clock = Date.UTC(2026, 0, 1, 0, 1, 10);
    await until(() => got.includes("listening"));
    expect(got).toEqual(["tick 1", "starting", "listening"]);
    const follows = observer.calls.filter((c) => c.container === web && c.opts.follow);
    // From a second before the new run's start: Podman notes the start only once the process runs, and it
    // may have written its first lines by then.
    expect(follows.at(-1)!.opts.since!.toISOString()).toBe(new Date(Date.parse(t(68)) - 1_000).toISOString());
    ac.abort();
    await reader.catch(() => undefined);
  });
});

describe("AppObserve.stats", () => {
  const sample = (name: string, s: number, cpuNs: number, rx: number): ContainerSample => ({
    name,
    cpuNs,
    atNs: s * 1e9,
    memoryBytes: 10 << 20,
    memoryLimitBytes: 256 << 20,
    netRxBytes: rx,
    netTxBytes: 100,
    blockReadBytes: 0,
    blockWriteBytes: 0,
    pids: 3,
  });

  it("reports CPU and network over the interval per service, totals, stopped services, and the volumes' disk use", async () => {
    const { observe, observer, web, volume } = await setup();
    observer.samples.set(web, sample(web, 100, 1e9, 1000));
    const it = await observe.statsStream("kv", { intervalMs: 10 });
    const first = it.next();
    await new Promise((r) => setTimeout(r, 100));
    // One second later web used half a core and received 2000 bytes.
    observer.samples.set(web, sample(web, 101, 1.5e9, 3000));
    const s = (await first).value!;
    expect(s.services).toEqual([
      expect.objectContaining({ service: "web", running: true, cpuPercent: 50, netRxBytesPerSec: 2000, memoryBytes: 10 << 20, pids: 3 }),
      expect.objectContaining({ service: "store", running: false, cpuPercent: null, memoryBytes: 0 }),
    ]);
    expect(s.total).toEqual(expect.objectContaining({ running: 1, cpuPercent: 50, memoryBytes: 10 << 20, memoryLimitBytes: 256 << 20 }));
    expect(s.disk).toEqual({ bytes: 4096, volumes: [{ volume: "data", name: volume, bytes: 4096 }] });
    await it.return(undefined);
  });
});
