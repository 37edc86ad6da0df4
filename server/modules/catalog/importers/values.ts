import { APP_ID, isSemver } from "../../spec/spec-fields";

// Small conversions from what other stores write to what pcc.app/v1 accepts: names, versions, durations,
// sizes and command lines.

/** Lower-case letters, digits and single dashes, starting with a letter, at most `max` characters. */
function slug(raw: string, max: number, fallback: string): string {
  let s = raw
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^[^a-z]+/, "")
    .replace(/-+$/, "");
  if (!s) s = fallback;
  return s.slice(0, max).replace(/-+$/, "") || fallback;
}

/** A name of a service, volume, ingress or port (`^[a-z][a-z0-9-]{0,30}$`). */
export const toName = (raw: string, fallback = "x") => slug(raw, 31, fallback);
/** A key of a secret or setting (`^[a-z][a-z0-9-]{0,40}$`). */
export const toKey = (raw: string, fallback = "value") => slug(raw, 41, fallback);
/** An app id (`^[a-z][a-z0-9-]{0,29}$`). */
export const toAppId = (raw: string, fallback = "app") => slug(raw, 30, fallback);

/** `base`, or `base-2`, `base-3`… whichever is free; the result is added to `taken`. */
export function unique(base: string, taken: Set<string>, max = 31): string {
  let name = base;
  for (let i = 2; taken.has(name); i++) {
    const suffix = `-${i}`;
    name = `${base.slice(0, max - suffix.length).replace(/-+$/, "")}${suffix}`;
  }
  taken.add(name);
  return name;
}

export const isAppId = (s: string) => APP_ID.test(s);

export const titleCase = (id: string) =>
  id
    .split(/[-_\s]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join(" ");

/**
 * A semantic version from what stores write: "v1.85.0" → 1.85.0, "33-apache" → 33.0.0+apache,
 * "4.0.17.2952" → 4.0.17+2952, "2.0.0-rc.1" kept. Null when there is no number to start from ("latest").
 */
export function semverise(raw: string): string | null {
  const v = raw.trim().replace(/^v(?=\d)/i, "");
  if (isSemver(v)) return v;
  const m = /^(\d{1,9})(?:\.(\d{1,9}))?(?:\.(\d{1,9}))?(.*)$/.exec(v);
  if (!m) return null;
  const core = [m[1], m[2] ?? "0", m[3] ?? "0"].map((n) => String(Number(n))).join(".");
  const rest = m[4]!;
  if (!rest) return core;
  const ids = (s: string) =>
    s
      .replace(/^[^0-9A-Za-z]+/, "")
      .split(/[^0-9A-Za-z-]+/)
      .filter(Boolean)
      .join(".");
  // A real pre-release ("-rc.1", "-beta2") stays one; anything else ("-apache", ".2952") is build metadata,
  // which does not change how versions sort.
  if (/^-(alpha|beta|rc|pre|preview|dev)/i.test(rest)) {
    const pre = `${core}-${ids(rest).replace(/(^|\.)0+(\d)/g, "$1$2")}`;
    if (isSemver(pre)) return pre;
  }
  const build = `${core}+${ids(rest)}`;
  return isSemver(build) ? build : core;
}

const DURATION_PART = /(\d+(?:\.\d+)?)(us|µs|ms|s|m|h)/g;
const UNIT_MS: Record<string, number> = { us: 0.001, µs: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A compose / Go duration ("1m30s", "500ms", "10s") or a number of seconds, in milliseconds; null if unreadable. */
export function parseDurationMs(v: unknown): number | null {
  if (typeof v === "number" && Number.isFinite(v) && v >= 0) return Math.round(v * 1000);
  if (typeof v !== "string" || v.length > 40) return null;
  const s = v.trim();
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  let total = 0;
  let matched = "";
  for (const m of s.matchAll(DURATION_PART)) {
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    matched += m[0];
  }
  return matched === s && matched ? Math.round(total) : null;
}

/** "512M", "1g", "1.5GB", "256mb", 268435456 → bytes; null if unreadable. */
export function parseBytes(v: unknown): number | null {
  if (typeof v === "number" && Number.isFinite(v) && v >= 0) return v;
  if (typeof v !== "string" || v.length > 30) return null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b)?\s*$/i.exec(v);
  if (!m) return null;
  const mult: Record<string, number> = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };
  return Math.round(Number(m[1]) * mult[m[2]!.toLowerCase()]!);
}

/**
 * Splits a command line the way compose does for `command: "a 'b c'"` (shell-like words, no expansion).
 * Null when quotes are unbalanced.
 */
export function splitWords(s: string): string[] | null {
  const out: string[] = [];
  let cur = "";
  let has = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === "\\" && quote === '"' && i + 1 < s.length && '"\\$`'.includes(s[i + 1]!)) cur += s[++i];
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      has = true;
    } else if (c === "\\" && i + 1 < s.length) {
      cur += s[++i];
      has = true;
    } else if (/\s/.test(c)) {
      if (has || cur) out.push(cur);
      cur = "";
      has = false;
    } else cur += c;
  }
  if (quote) return null;
  if (has || cur) out.push(cur);
  return out;
}

/** Splits "a:b:c" on colons that are not inside ${…} (a default such as ${DIR:-/srv} has one). */
export function splitColons(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === "$" && s[i + 1] === "{") {
      depth++;
      cur += "${";
      i++;
    } else if (c === "}" && depth > 0) {
      depth--;
      cur += c;
    } else if (c === ":" && depth === 0) {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out;
}

export const clamp = (n: number, min: number, max: number) => Math.min(max, Math.max(min, n));
export const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1).trimEnd()}…` : s);
