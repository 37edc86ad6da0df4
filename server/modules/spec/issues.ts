import type { z } from "zod";

/** One problem in an app spec, at a field path such as "services.web.healthcheck.http.port". */
export type Issue = { path: string; message: string };
export type PathSegment = string | number;

/** "ingress[0].service"; odd keys are quoted so a path never reads as two different fields. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const seg of path) {
    const s = String(seg);
    if (typeof seg === "number") out += `[${seg}]`;
    else if (/^[A-Za-z0-9_-]{1,80}$/.test(s)) out += out ? `.${s}` : s;
    else out += `[${JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}…` : s)}]`;
  }
  return out;
}

/** True when `inner` is `outer` or a field inside it. */
export const isWithin = (inner: string, outer: string) =>
  inner === outer || inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[`);

const EXPECTED: Record<string, string> = {
  string: "text",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  object: "a mapping (key: value)",
  record: "a mapping (key: value)",
  array: "a list",
  null: "empty",
};

function describe(v: unknown): string {
  if (v === null) return "empty (null)";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  if (typeof v === "string") return "text";
  if (typeof v === "number") return Number.isInteger(v) ? "a whole number" : "a number";
  if (typeof v === "boolean") return `${v}`;
  return `a ${typeof v}`;
}

const list = (values: readonly unknown[]) => values.map((v) => JSON.stringify(v)).join(", ");

/** Per-parse zod error map: messages for app authors, not for TypeScript developers. */
export const humanError: z.core.$ZodErrorMap = (iss) => {
  switch (iss.code) {
    case "invalid_type": {
      if (iss.input === undefined) return "is required";
      const hint = iss.expected === "string" && (typeof iss.input === "number" || typeof iss.input === "boolean") ? " (put it in quotes)" : "";
      return `must be ${EXPECTED[iss.expected] ?? iss.expected}, not ${describe(iss.input)}${hint}`;
    }
    case "too_big":
    case "too_small": {
      const big = iss.code === "too_big";
      const bound = Number(big ? iss.maximum : iss.minimum);
      const word = big ? (iss.inclusive ? "at most" : "below") : iss.inclusive ? "at least" : "above";
      if (iss.origin === "string") return !big && bound === 1 ? "must not be empty" : `must be ${word} ${bound} characters long`;
      if (iss.origin === "array" || iss.origin === "set") return !big && bound === 1 ? "must not be empty" : `must have ${word} ${bound} items`;
      return `must be ${word} ${bound}`;
    }
    case "invalid_value":
      return iss.values.length === 1 ? `must be ${list(iss.values)}` : `must be one of: ${list(iss.values)}`;
    case "invalid_union":
      if ("options" in iss && Array.isArray(iss.options)) return `must be one of: ${list(iss.options as unknown[])}`;
      return undefined;
    case "invalid_format":
      return "is not in the expected format";
    case "not_multiple_of":
      return `must be a multiple of ${String(iss.divisor)}`;
    default:
      return undefined;
  }
};

export type RawIssue = { path: PropertyKey[]; message: string; unknownKey?: boolean };

/**
 * Flattens zod's issues: one entry per unknown key, and a union's issues replaced by those of the one branch
 * the input was evidently meant for (the one that failed below its top level), when there is exactly one.
 */
export function flattenZodIssues(issues: readonly z.core.$ZodIssue[], base: PropertyKey[] = []): RawIssue[] {
  const out: RawIssue[] = [];
  for (const iss of issues) {
    const path = [...base, ...iss.path];
    if (iss.code === "unrecognized_keys") {
      for (const k of iss.keys) out.push({ path: [...path, k], message: "is not a field", unknownKey: true });
    } else if (iss.code === "invalid_union" && iss.errors.length) {
      const meant = iss.errors.filter((branch) => !branch.every((b) => b.path.length === 0 && b.code === "invalid_type"));
      if (meant.length === 1) out.push(...flattenZodIssues(meant[0], path));
      else out.push({ path, message: iss.message });
    } else if (iss.code === "invalid_key") {
      out.push({ path, message: `is not a valid name: ${iss.issues.map((i) => i.message).join("; ")}` });
    } else {
      out.push({ path, message: iss.message });
    }
  }
  return out;
}

function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/** "did you mean healthcheck?" for a misspelt field: case, - and _ ignored, or one or two edits away. */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  if (word.length > 40) return undefined;
  // Short words are a couple of edits away from too many others.
  const max = word.length <= 4 ? 1 : 2;
  const flat = (s: string) => s.toLowerCase().replace(/[-_]/g, "");
  let best: { c: string; d: number } | undefined;
  for (const c of candidates) {
    const d = flat(c) === flat(word) ? 0 : distance(word.toLowerCase(), c.toLowerCase());
    if (d <= max && (!best || d < best.d)) best = { c, d };
  }
  return best?.c;
}
