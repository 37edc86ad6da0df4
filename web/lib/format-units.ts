const UNITS = ["B", "KB", "MB", "GB", "TB"];

/** 1536 → "1.5 KB" (binary steps, as Podman and most file managers count). */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "—";
  let v = Math.max(0, n);
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? Math.round(v) : v < 10 ? v.toFixed(1) : Math.round(v)} ${UNITS[u]}`;
}

export const formatRate = (n: number | null | undefined) => (n === null || n === undefined ? "—" : `${formatBytes(n)}/s`);

export const formatPercent = (n: number | null | undefined) => (n === null || n === undefined || !Number.isFinite(n) ? "—" : `${n < 10 ? n.toFixed(1) : Math.round(n)}%`);
