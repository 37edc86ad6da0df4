import fs from "node:fs/promises";

/** Cumulative CPU time of the whole machine, in jiffies (first line of /proc/stat). */
export type CpuTimes = { busy: number; total: number };
export type HostReading = { cpu: CpuTimes; cores: number; memory: { totalBytes: number; usedBytes: number }; disk: { totalBytes: number; usedBytes: number } | null };

/** `cpu  user nice system idle iowait irq softirq steal ...`: idle and iowait are the machine waiting. */
export function parseProcStat(text: string): { cpu: CpuTimes; cores: number } {
  const lines = text.split("\n");
  const first = lines.find((l) => l.startsWith("cpu "));
  if (!first) throw new Error("/proc/stat has no cpu line");
  const n = first.trim().split(/\s+/).slice(1, 9).map(Number);
  if (n.length < 4 || n.some((v) => !Number.isFinite(v))) throw new Error("/proc/stat's cpu line is not numbers");
  const idle = n[3]! + (n[4] ?? 0);
  const total = n.reduce((a, v) => a + v, 0);
  return { cpu: { busy: total - idle, total }, cores: Math.max(1, lines.filter((l) => /^cpu\d+ /.test(l)).length) };
}

/** Used = total - available: what programs hold, page cache that can be dropped not counted. */
export function parseMeminfo(text: string): { totalBytes: number; usedBytes: number } {
  const kb = (key: string) => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(text);
    if (!m) throw new Error(`/proc/meminfo has no ${key}`);
    return Number(m[1]) * 1024;
  };
  const total = kb("MemTotal");
  return { totalBytes: total, usedBytes: total - kb("MemAvailable") };
}

/** Busy share of all cores between two readings, 0 to 100. */
export function cpuPercent(before: CpuTimes, after: CpuTimes): number | null {
  const total = after.total - before.total;
  if (total <= 0 || after.busy < before.busy) return null;
  return Math.min(100, Math.max(0, ((after.busy - before.busy) / total) * 100));
}

/** The machine's CPU counters, memory, and the disk that holds PCC's data (where apps' volumes live). */
export async function readHost(dataDir: string): Promise<HostReading> {
  const [stat, meminfo, disk] = await Promise.all([
    fs.readFile("/proc/stat", "utf8"),
    fs.readFile("/proc/meminfo", "utf8"),
    fs.statfs(dataDir).catch(() => null),
  ]);
  const { cpu, cores } = parseProcStat(stat);
  return {
    cpu,
    cores,
    memory: parseMeminfo(meminfo),
    // Used as df counts it: blocks minus free (bfree), including what only root may still use.
    disk: disk ? { totalBytes: disk.blocks * disk.bsize, usedBytes: (disk.blocks - disk.bfree) * disk.bsize } : null,
  };
}
