import type { ContainerSample } from "../../../adapters/podman/container-observer";

export type ServiceStats = {
  service: string;
  container: string;
  running: boolean;
  /** Share of one CPU core over the last interval (200 = two cores busy); null until two samples exist. */
  cpuPercent: number | null;
  memoryBytes: number;
  memoryLimitBytes: number;
  /** Since the container started. */
  netRxBytes: number;
  netTxBytes: number;
  /** Over the last interval; null until two samples exist. */
  netRxBytesPerSec: number | null;
  netTxBytesPerSec: number | null;
  blockReadBytes: number;
  blockWriteBytes: number;
  pids: number;
};

export type VolumeStats = { volume: string; name: string; bytes: number | null };

export type AppStats = {
  appId: string;
  /** When the sample was taken (ISO). */
  at: string;
  services: ServiceStats[];
  total: Omit<ServiceStats, "service" | "container" | "running"> & { running: number };
  /** The app's volumes on disk (re-measured every half minute at most); bytes null when unknown. */
  disk: { bytes: number | null; volumes: VolumeStats[] };
};

const perSec = (now: number, before: number, dtNs: number) => (dtNs > 0 && now >= before ? ((now - before) * 1e9) / dtNs : null);

/** One service's figures from its latest sample and the one before it (same container run). */
export function serviceStats(service: string, container: string, cur: ContainerSample | undefined, prev: ContainerSample | undefined): ServiceStats {
  if (!cur) {
    return {
      service,
      container,
      running: false,
      cpuPercent: null,
      memoryBytes: 0,
      memoryLimitBytes: 0,
      netRxBytes: 0,
      netTxBytes: 0,
      netRxBytesPerSec: null,
      netTxBytesPerSec: null,
      blockReadBytes: 0,
      blockWriteBytes: 0,
      pids: 0,
    };
  }
  // A restart resets the counters: the previous sample then says nothing about this run.
  const same = prev && prev.cpuNs <= cur.cpuNs && prev.atNs < cur.atNs ? prev : undefined;
  const dt = same ? cur.atNs - same.atNs : 0;
  const cpu = same ? perSec(cur.cpuNs, same.cpuNs, dt) : null;
  return {
    service,
    container,
    running: true,
    cpuPercent: cpu === null ? null : round(cpu / 1e7, 2),
    memoryBytes: cur.memoryBytes,
    memoryLimitBytes: cur.memoryLimitBytes,
    netRxBytes: cur.netRxBytes,
    netTxBytes: cur.netTxBytes,
    netRxBytesPerSec: same ? roundOrNull(perSec(cur.netRxBytes, same.netRxBytes, dt)) : null,
    netTxBytesPerSec: same ? roundOrNull(perSec(cur.netTxBytes, same.netTxBytes, dt)) : null,
    blockReadBytes: cur.blockReadBytes,
    blockWriteBytes: cur.blockWriteBytes,
    pids: cur.pids,
  };
}

const round = (n: number, digits = 0) => Math.round(n * 10 ** digits) / 10 ** digits;
const roundOrNull = (n: number | null) => (n === null ? null : round(n));

/** Sums over services; a per-interval figure is null only if no running service has one. */
export function totalOf(services: ServiceStats[]): AppStats["total"] {
  const sum = (f: (s: ServiceStats) => number) => services.reduce((a, s) => a + f(s), 0);
  const sumOrNull = (f: (s: ServiceStats) => number | null) => {
    const known = services.filter((s) => s.running && f(s) !== null);
    return known.length ? round(known.reduce((a, s) => a + f(s)!, 0), 2) : null;
  };
  return {
    running: services.filter((s) => s.running).length,
    cpuPercent: sumOrNull((s) => s.cpuPercent),
    memoryBytes: sum((s) => s.memoryBytes),
    memoryLimitBytes: sum((s) => s.memoryLimitBytes),
    netRxBytes: sum((s) => s.netRxBytes),
    netTxBytes: sum((s) => s.netTxBytes),
    netRxBytesPerSec: sumOrNull((s) => s.netRxBytesPerSec),
    netTxBytesPerSec: sumOrNull((s) => s.netTxBytesPerSec),
    blockReadBytes: sum((s) => s.blockReadBytes),
    blockWriteBytes: sum((s) => s.blockWriteBytes),
    pids: sum((s) => s.pids),
  };
}
