import { DomainError } from "../../../errors";

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * The start of a log window: a duration back from now ("90s", "10m", "2h", "1h30m", "7d") or an
 * instant (ISO 8601, "2026-01-31T12:00:00Z", or a date "2026-01-31").
 */
export function parseSince(value: string, now: number): Date {
  const v = value.trim();
  if (/^(\d+[smhd])+$/.test(v)) {
    let ms = 0;
    for (const [, n, unit] of v.matchAll(/(\d+)([smhd])/g)) ms += Number(n) * UNITS[unit!]!;
    return new Date(now - ms);
  }
  if (/^\d{4}-\d\d-\d\d([T ][\d:.]+(Z|[+-]\d\d:?\d\d)?)?$/.test(v)) {
    const t = Date.parse(v.replace(" ", "T"));
    if (Number.isFinite(t)) return new Date(t);
  }
  throw new DomainError("INVALID_INPUT", `"${value}" is not a time: give a duration back from now (30s, 10m, 2h, 1d) or a date and time (2026-01-31T12:00:00Z).`);
}

export const MAX_TAIL = 100_000;
