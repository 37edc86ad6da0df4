import type { AppsRepository } from "../../../adapters/db/apps-repository";
import type { ContainerEngine } from "../../../adapters/podman/container-engine";
import type { ContainerObserver, ContainerSample, LogLine, LogStream } from "../../../adapters/podman/container-observer";
import { DomainError } from "../../../errors";
import type { Logger } from "../../../logger";
import { isBroken, readRecord, type AppRecord } from "../../apps/app-record";
import { plainSettings, secretContext } from "../../apps/install-request";
import type { SecretBox } from "../../secrets/secret-box";
import { serviceStats, totalOf, type AppStats } from "./app-stats";
import { interleave, lastN, mergeByTime } from "./log-merge";
import { MAX_TAIL, parseSince } from "./log-query";
import { secretMasker } from "./secret-mask";

export type AppLogLine = { service: string; stream: LogStream; time: string | null; text: string };

export type LogsQuery = {
  /** One service; all of the app's, interleaved by time, when absent. */
  service?: string;
  /** The last N lines (over all the services shown) before following; all when absent. */
  tail?: number;
  /** A duration back from now ("10m") or an instant (ISO 8601). */
  since?: string;
  /** Keep delivering new lines (across restarts of the app) until `signal` aborts. */
  follow?: boolean;
  signal?: AbortSignal;
};

export type ObserveDeps = {
  repo: Pick<AppsRepository, "get" | "secrets">;
  box: SecretBox;
  observer: ContainerObserver;
  engine: Pick<ContainerEngine, "inspectContainer">;
  log: Logger;
  now?: () => number;
  /** How long a followed, stopped service is left before looking again whether it runs. */
  followPollMs?: number;
};

/** How often the secrets to mask are re-read while following (a changed password setting). */
const MASK_REFRESH_MS = 10_000;
const RERUN_MARGIN_MS = 1_000;
const DISK_TTL_MS = 30_000;
const DISK_TIMEOUT_MS = 5_000;
const FIRST_INTERVAL_MS = 1_000;

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });

/**
 * What an app prints and what it uses: its services' logs, one or all interleaved by time, and their
 * CPU, memory, network and disk. Every line that leaves here has the app's secrets masked (generated
 * secrets and password settings, which PCC knows because it made or sealed them).
 */
export class AppObserve {
  private readonly now: () => number;
  private readonly disk = new Map<string, { bytes: number | null; at: number; refreshing?: Promise<void> }>();

  constructor(private readonly d: ObserveDeps) {
    this.now = d.now ?? Date.now;
  }

  /**
   * An app's logs. Checks the request at once (unknown app or service, bad `since`: a DomainError here,
   * before anything streams), then reads lazily as the caller iterates.
   */
  async logs(id: string, q: LogsQuery = {}): Promise<AsyncGenerator<AppLogLine>> {
    const rec = await this.record(id);
    const services = this.servicesOf(rec, q.service);
    const tail = q.tail === undefined ? undefined : Math.max(0, Math.min(MAX_TAIL, Math.floor(q.tail)));
    const since = q.since ? parseSince(q.since, this.now()) : undefined;
    const mask = await this.masker(rec);
    return this.read(rec, services, { tail, since, follow: q.follow ?? false, signal: q.signal }, mask);
  }

  /** The services a logs request shows (one, or all of the app's), checked like `logs` checks them. */
  async serviceNames(id: string, service?: string): Promise<string[]> {
    return this.servicesOf(await this.record(id), service).map(([s]) => s);
  }

  private async *read(
    rec: AppRecord,
    services: [string, string][],
    q: { tail?: number; since?: Date; follow: boolean; signal?: AbortSignal },
    initialMask: (text: string) => string,
  ): AsyncGenerator<AppLogLine> {
    const { tail, since } = q;
    // Following needs an end: the caller's signal, or this generator being closed.
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    q.signal?.addEventListener("abort", onAbort, { once: true });
    if (q.signal?.aborted) stop.abort();
    const signal = stop.signal;
    let mask = initialMask;
    let maskedAt = this.now();
    const out = (l: AppLogLine): AppLogLine => ({ ...l, text: mask(l.text) });
    try {
      // History up to now, merged by time; then, when following, what comes after, as it comes.
      const t0 = new Date(this.now());
      const history = services.map(([service, container]) => this.lines(service, container, { since, until: q.follow ? t0 : undefined, tail, signal }));
      const merged = mergeByTime(history);
      for await (const l of tail === undefined ? merged : lastN(merged, tail)) yield out(l);
      if (!q.follow || signal.aborted) return;
      const live = interleave(services.map(([service, container]) => this.follow(service, container, t0, signal)));
      for await (const l of live) {
        if (this.now() - maskedAt > MASK_REFRESH_MS) {
          mask = await this.record(rec.spec.id)
            .then((r) => this.masker(r))
            .catch(() => mask);
          maskedAt = this.now();
        }
        yield out(l);
      }
    } finally {
      q.signal?.removeEventListener("abort", onAbort);
      stop.abort();
    }
  }

  /** One service's lines; a container that does not exist (yet, or any more) has none. */
  private async *lines(service: string, container: string, opts: Parameters<ContainerObserver["logs"]>[1]): AsyncGenerator<AppLogLine> {
    try {
      for await (const l of this.d.observer.logs(container, opts)) yield withService(service, l);
    } catch (e) {
      if (!(e instanceof DomainError && e.code === "NOT_FOUND")) throw e;
    }
  }

  /**
   * A service's new lines from `from` on, for as long as `signal` allows: Podman ends a follow when the
   * container stops, so a stopped service is looked at again every few seconds and followed from where
   * its last stream ended once it runs again (a crash and the health monitor's restart both show).
   */
  private async *follow(service: string, container: string, from: Date, signal: AbortSignal): AsyncGenerator<AppLogLine> {
    let since = from;
    let run: string | null = null;
    // The last lines the stream gave: some may be the next run's, which a re-read from its start must not repeat.
    let recent: string[] = [];
    while (!signal.aborted) {
      const info = await this.d.engine.inspectContainer(container).catch(() => null);
      if (info?.state === "running") {
        const started = info.startedAt ?? null;
        let skip = new Map<string, number>();
        if (run !== null && started && started !== run) {
          // A new run: all of it, from its start. Podman ends a follow only once it has seen the container
          // die, and that end can reach PCC after a quick restart has written its first lines, so "from
          // when the last stream ended" would lose them. And Podman notes the start time only once the
          // runtime has started the process, which may have written its first lines by then: read from a
          // little earlier (the last run's lines in that margin were given already, and are skipped).
          since = new Date(Date.parse(started) - RERUN_MARGIN_MS);
          for (const k of recent) skip.set(k, (skip.get(k) ?? 0) + 1);
        }
        run = started;
        recent = [];
        try {
          for await (const l of this.lines(service, container, { follow: true, since, signal })) {
            const key = `${l.stream}\n${l.time}\n${l.text}`;
            const n = skip.get(key) ?? 0;
            if (n > 0) {
              skip.set(key, n - 1);
              continue;
            }
            recent.push(key);
            if (recent.length > 200) recent.shift();
            yield l;
          }
        } catch (err) {
          if (!signal.aborted) this.d.log.warn({ container, err }, "following logs failed; retrying");
        }
        since = new Date(this.now());
      }
      await sleep(this.d.followPollMs ?? 2_000, signal);
    }
  }

  /** One sample of the app's use, CPU over a one-second window. */
  async stats(id: string): Promise<AppStats> {
    const sampler = await this.sampler(id);
    await sampler.next();
    await sleep(FIRST_INTERVAL_MS);
    return sampler.next();
  }

  /** A sample after a second, then one every `intervalMs`, until `signal` aborts (NOT_FOUND at once for an unknown app). */
  async statsStream(id: string, opts: { signal?: AbortSignal; intervalMs?: number } = {}): Promise<AsyncGenerator<AppStats>> {
    return this.samples(await this.sampler(id), opts);
  }

  private async *samples(sampler: Awaited<ReturnType<AppObserve["sampler"]>>, opts: { signal?: AbortSignal; intervalMs?: number }): AsyncGenerator<AppStats> {
    await sampler.next();
    await sleep(FIRST_INTERVAL_MS, opts.signal);
    while (!opts.signal?.aborted) {
      const started = this.now();
      yield await sampler.next();
      await sleep(Math.max(0, (opts.intervalMs ?? 2_000) - (this.now() - started)), opts.signal);
    }
  }

  /** Takes samples of one app; each compares with the one before (CPU and network rates). */
  private async sampler(id: string) {
    const rec = await this.record(id);
    const containers = Object.entries(rec.resources.containers);
    const volumes = Object.entries(rec.resources.volumes);
    let prev = new Map<string, ContainerSample>();
    return {
      next: async (): Promise<AppStats> => {
        const [samples, disk] = await Promise.all([this.d.observer.stats(containers.map(([, c]) => c)), this.volumes(volumes)]);
        const cur = new Map(samples.map((s) => [s.name.replace(/^\//, ""), s]));
        const services = containers.map(([service, c]) => serviceStats(service, c, cur.get(c), prev.get(c)));
        prev = cur;
        const known = disk.filter((v) => v.bytes !== null);
        return {
          appId: id,
          at: new Date(this.now()).toISOString(),
          services,
          total: totalOf(services),
          disk: { bytes: known.length || !disk.length ? known.reduce((a, v) => a + v.bytes!, 0) : null, volumes: disk },
        };
      },
    };
  }

  /** Volume sizes from a cache refreshed in the background: du on a big volume must not delay a sample. */
  private async volumes(volumes: [string, string][]) {
    return Promise.all(
      volumes.map(async ([volume, name]) => {
        let c = this.disk.get(name);
        if (!c || this.now() - c.at > DISK_TTL_MS) {
          if (!c?.refreshing) {
            const refreshing = this.d.observer
              .volumeUsage(name, DISK_TIMEOUT_MS)
              .then((u) => void this.disk.set(name, { bytes: u.bytes ?? c?.bytes ?? null, at: this.now() }))
              .catch(() => void this.disk.set(name, { bytes: c?.bytes ?? null, at: this.now() }));
            if (c) c.refreshing = refreshing;
            else await refreshing;
          }
          c = this.disk.get(name);
        }
        return { volume, name, bytes: c?.bytes ?? null };
      }),
    );
  }

  /** Masks the app's generated secrets and its password settings. */
  private async masker(rec: AppRecord) {
    const id = rec.spec.id;
    const sealed = await this.d.repo.secrets(id);
    const values = Object.entries(sealed).map(([k, v]) => this.d.box.open(v, secretContext(id, k)));
    const passwords = new Set(rec.spec.settings.filter((s) => s.type === "password").map((s) => s.key));
    const plain = plainSettings(rec.spec, Object.fromEntries(Object.entries(rec.settings).filter(([k]) => passwords.has(k))), this.d.box);
    return secretMasker([...values, ...Object.values(plain)]);
  }

  private servicesOf(rec: AppRecord, service?: string): [string, string][] {
    const all = Object.entries(rec.resources.containers);
    if (!service) return all;
    const one = all.find(([s]) => s === service);
    if (!one) throw new DomainError("NOT_FOUND", `${rec.spec.name} has no service "${service}"; it has ${all.map(([s]) => s).join(", ")}.`);
    return [one];
  }

  private async record(id: string): Promise<AppRecord> {
    const row = await this.d.repo.get(id);
    if (!row) throw new DomainError("NOT_FOUND", `The app "${id}" is not installed.`);
    const rec = readRecord(row);
    if (isBroken(rec)) throw new DomainError("CONFLICT", `${row.name} cannot be read by this PCC: ${rec.error}`);
    return rec;
  }
}

const withService = (service: string, l: LogLine): AppLogLine => ({ service, stream: l.stream, time: l.time, text: l.text });
