import type { ContainerObserver, ContainerSample } from "../../adapters/podman/container-observer";
import { toMessage } from "../../errors";
import type { Logger } from "../../logger";
import { cpuPercent, type HostReading } from "./host-metrics";

/** CPU as a share of the whole machine (all cores), 0 to 100; null for the first sample. */
export type AppUsage = { cpuPercent: number | null; memoryBytes: number };
export type UsagePoint = { at: string; cpuPercent: number | null; memoryBytes: number; diskUsedBytes: number | null; apps: Record<string, AppUsage> };
export type UsageOverview = {
  cores: number;
  memoryTotalBytes: number;
  diskTotalBytes: number | null;
  intervalMs: number;
  /** Oldest first, at most a day of them. */
  points: UsagePoint[];
  /** The latest sample per installed app, biggest memory first. */
  apps: ({ appId: string; name: string } & AppUsage)[];
};

export type UsageDeps = {
  readHost: () => Promise<HostReading>;
  observer: Pick<ContainerObserver, "stats">;
  /** Installed apps and the containers of each. */
  apps: () => Promise<{ appId: string; name: string; containers: string[] }[]>;
  log: Logger;
  intervalMs?: number;
  now?: () => number;
};

const DAY_MS = 24 * 3600_000;

/**
 * The machine's and each app's use over the last day, sampled in the background (one /proc read and one
 * libpod stats call per sample), so the overview can show a trend, not only this second. Kept in memory:
 * a restart starts a new day of history, which costs nothing on disk and holds nothing sensitive.
 */
export class UsageHistory {
  private readonly points: UsagePoint[] = [];
  private readonly intervalMs: number;
  private readonly max: number;
  private last: { host: HostReading; containers: Map<string, ContainerSample> } | null = null;
  private names = new Map<string, string>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly d: UsageDeps) {
    this.intervalMs = d.intervalMs ?? 30_000;
    this.max = Math.max(2, Math.ceil(DAY_MS / this.intervalMs));
  }

  start() {
    void this.sample();
    this.timer = setInterval(() => void this.sample(), this.intervalMs);
    this.timer.unref();
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One sample now; a sample still running is waited for instead of doubled. Never throws. */
  sample(): Promise<void> {
    this.running ??= this.take()
      .catch((err) => this.d.log.warn({ err: toMessage(err) }, "could not sample the machine's use"))
      .finally(() => (this.running = null));
    return this.running;
  }

  overview(): UsageOverview {
    const host = this.last?.host;
    const latest = this.points.at(-1);
    const apps = Object.entries(latest?.apps ?? {})
      .map(([appId, u]) => ({ appId, name: this.names.get(appId) ?? appId, ...u }))
      .sort((a, b) => b.memoryBytes - a.memoryBytes);
    return {
      cores: host?.cores ?? 1,
      memoryTotalBytes: host?.memory.totalBytes ?? 0,
      diskTotalBytes: host?.disk?.totalBytes ?? null,
      intervalMs: this.intervalMs,
      points: [...this.points],
      apps,
    };
  }

  private async take() {
    // When the sample was asked for: the samples' spacing stays the interval, however long Podman takes to answer.
    const at = new Date((this.d.now ?? Date.now)()).toISOString();
    const [host, apps] = await Promise.all([this.d.readHost(), this.d.apps()]);
    const samples = await this.d.observer.stats(apps.flatMap((a) => a.containers)).catch(() => [] as ContainerSample[]);
    const containers = new Map(samples.map((s) => [s.name.replace(/^\//, ""), s]));
    const usage: Record<string, AppUsage> = {};
    for (const app of apps) {
      let memoryBytes = 0;
      let cpuNs = 0;
      let dtNs = 0;
      let measured = true;
      for (const c of app.containers) {
        const cur = containers.get(c);
        if (!cur) continue;
        memoryBytes += cur.memoryBytes;
        const before = this.last?.containers.get(c);
        // A restart resets a container's counters: that container says nothing about this interval.
        if (!before || before.cpuNs > cur.cpuNs || before.atNs >= cur.atNs) measured = false;
        else {
          cpuNs += cur.cpuNs - before.cpuNs;
          dtNs = Math.max(dtNs, cur.atNs - before.atNs);
        }
      }
      usage[app.appId] = { memoryBytes, cpuPercent: measured && dtNs > 0 ? Math.min(100, (cpuNs / dtNs / host.cores) * 100) : null };
    }
    this.names = new Map(apps.map((a) => [a.appId, a.name]));
    this.points.push({
      at,
      cpuPercent: this.last ? cpuPercent(this.last.host.cpu, host.cpu) : null,
      memoryBytes: host.memory.usedBytes,
      diskUsedBytes: host.disk?.usedBytes ?? null,
      apps: usage,
    });
    if (this.points.length > this.max) this.points.splice(0, this.points.length - this.max);
    this.last = { host, containers };
  }
}
