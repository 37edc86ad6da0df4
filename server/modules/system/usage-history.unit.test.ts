import { describe, expect, it } from "vitest";
import type { ContainerSample } from "../../adapters/podman/container-observer";
import { silentLogger } from "../../testing/fakes";
import { cpuPercent, parseMeminfo, parseProcStat, type HostReading } from "./host-metrics";
import { UsageHistory } from "./usage-history";

const STAT = `cpu  100 0 50 800 50 0 0 0 0 0
cpu0 50 0 25 400 25 0 0 0 0 0
cpu1 50 0 25 400 25 0 0 0 0 0
intr 12345
`;

describe("host metrics", () => {
  it("reads /proc/stat: busy is everything but idle and iowait, cores from the per-cpu lines", () => {
    expect(parseProcStat(STAT)).toEqual({ cpu: { busy: 150, total: 1000 }, cores: 2 });
    expect(() => parseProcStat("intr 1\n")).toThrow(/no cpu line/);
  });
  it("reads /proc/meminfo: used is total minus available", () => {
    expect(parseMeminfo("MemTotal:       2048 kB\nMemFree:         100 kB\nMemAvailable:    1024 kB\n")).toEqual({ totalBytes: 2048 * 1024, usedBytes: 1024 * 1024 });
    expect(() => parseMeminfo("MemTotal: 1 kB\n")).toThrow(/MemAvailable/);
  });
  it("CPU share between two readings, null when the counters went backwards", () => {
    expect(cpuPercent({ busy: 150, total: 1000 }, { busy: 400, total: 2000 })).toBe(25);
    expect(cpuPercent({ busy: 150, total: 1000 }, { busy: 150, total: 1000 })).toBeNull();
    expect(cpuPercent({ busy: 500, total: 1000 }, { busy: 100, total: 2000 })).toBeNull();
  });
});

describe("usage history", () => {
  function setup(intervalMs = 30_000) {
    let t = 0;
    let busy = 0;
    const cpuNs: Record<string, number> = { "pcc-a-web": 0, "pcc-a-db": 0, "pcc-b-web": 0 };
    const readHost = async (): Promise<HostReading> => ({
      cpu: { busy, total: t / 10 },
      cores: 2,
      memory: { totalBytes: 1000, usedBytes: 400 },
      disk: { totalBytes: 5000, usedBytes: 2500 },
    });
    const sample = (name: string): ContainerSample => ({ name, cpuNs: cpuNs[name]!, atNs: t * 1e6, memoryBytes: name.endsWith("db") ? 30 : 10, memoryLimitBytes: 0, netRxBytes: 0, netTxBytes: 0, blockReadBytes: 0, blockWriteBytes: 0, pids: 1 });
    const history = new UsageHistory({
      readHost,
      observer: { stats: async (names) => names.filter((n) => n !== "pcc-b-web").map(sample) },
      apps: async () => [
        { appId: "a", name: "App A", containers: ["pcc-a-web", "pcc-a-db"] },
        { appId: "b", name: "App B", containers: ["pcc-b-web"] },
      ],
      log: silentLogger(),
      intervalMs,
      now: () => t,
    });
    const advance = (ms: number, busyShare: number, appCpuNs: number) => {
      t += ms;
      busy += (ms / 10) * busyShare;
      cpuNs["pcc-a-web"]! += appCpuNs;
    };
    return { history, advance };
  }

  it("keeps the machine's CPU, memory and disk over time, and each app's share of the machine", async () => {
    const { history, advance } = setup();
    await history.sample();
    advance(30_000, 0.5, 15e9); // a's web used 15 s of CPU in 30 s: half a core, a quarter of two cores
    await history.sample();
    const o = history.overview();
    expect(o).toMatchObject({ cores: 2, memoryTotalBytes: 1000, diskTotalBytes: 5000, intervalMs: 30_000 });
    expect(o.points.map((p) => p.cpuPercent)).toEqual([null, 50]);
    expect(o.points[1]).toMatchObject({ memoryBytes: 400, diskUsedBytes: 2500, apps: { a: { cpuPercent: 25, memoryBytes: 40 }, b: { cpuPercent: null, memoryBytes: 0 } } });
    expect(o.apps).toEqual([
      { appId: "a", name: "App A", cpuPercent: 25, memoryBytes: 40 },
      { appId: "b", name: "App B", cpuPercent: null, memoryBytes: 0 },
    ]);
  });

  it("keeps one day of samples and drops the oldest", async () => {
    const { history, advance } = setup(3600_000);
    for (let i = 0; i < 30; i++) {
      await history.sample();
      advance(3600_000, 0.1, 0);
    }
    const points = history.overview().points;
    expect(points).toHaveLength(24);
    expect(points[0]!.at).toBe(new Date(6 * 3600_000).toISOString());
  });

  it("a failing sample is logged, not thrown, and the next one works", async () => {
    let fail = true;
    const history = new UsageHistory({
      readHost: async () => {
        if (fail) throw new Error("no /proc");
        return { cpu: { busy: 1, total: 2 }, cores: 1, memory: { totalBytes: 1, usedBytes: 1 }, disk: null };
      },
      observer: { stats: async () => [] },
      apps: async () => [],
      log: silentLogger(),
    });
    await history.sample();
    expect(history.overview().points).toEqual([]);
    fail = false;
    await history.sample();
    expect(history.overview().points).toHaveLength(1);
  });
});
