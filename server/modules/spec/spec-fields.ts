import { z } from "zod";

// Building blocks shared by the sections of the app spec. Every regex carries its own message: zod's
// defaults ("must match pattern /…/") mean nothing to an app author.

export const APP_ID = /^[a-z][a-z0-9-]{0,29}$/;
export const NAME = /^[a-z][a-z0-9-]{0,30}$/;
export const KEY = /^[a-z][a-z0-9-]{0,40}$/;

export const appId = z.string().regex(APP_ID, "must be 1-30 lower-case letters, digits or dashes, starting with a letter");
/** Names of services, ingresses, ports and volumes. */
export const name = z.string().regex(NAME, "must be 1-31 lower-case letters, digits or dashes, starting with a letter");
/** Keys of secrets and settings. */
export const key = z.string().regex(KEY, "must be 1-41 lower-case letters, digits or dashes, starting with a letter");

export const CATEGORIES = [
  "files",
  "photos",
  "media",
  "social",
  "blog",
  "finance",
  "productivity",
  "developer",
  "networking",
  "home",
  "security",
  "games",
  "communication",
  "utilities",
  "ai",
  "other",
] as const;
export type Category = (typeof CATEGORIES)[number];

// semver.org's own regex: versions are compared and shown to owners, so "latest" or "1.4" will not do.
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
export const isSemver = (v: string) => v.length <= 64 && SEMVER.test(v);
export const semver = z
  .string()
  .max(64)
  .regex(SEMVER, "must be a semantic version such as 1.4.2 (quote it if YAML reads it as a number)");

export const text = (max: number) => z.string().trim().min(1).max(max);

/** A file inside the app folder. lint also resolves symlinks; this only rules out the obvious escapes. */
export const relPath = z
  .string()
  .min(1)
  .max(255)
  .refine(
    (p) => !p.startsWith("/") && !p.includes("\\") && !p.includes("\0") && !p.split("/").includes(".."),
    "must be a relative path that stays inside the app folder (no leading /, no ..)",
  );

/** A path inside the container. */
export const absPath = z
  .string()
  .max(255)
  .refine(
    (p) => p.startsWith("/") && p !== "/" && !p.includes("\0") && !p.split("/").includes(".."),
    "must be an absolute path inside the container, other than / and without ..",
  );

export const httpsUrl = z.url({ protocol: /^https$/, hostname: z.regexes.domain, error: "must be an https:// URL with a public host name" }).max(2048);

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
export const hostname = z.string().regex(HOSTNAME, "must be a lower-case host name such as api.example.com");

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
export const dnsLabel = z.string().regex(DNS_LABEL, "must be a DNS label: 1-63 lower-case letters, digits or dashes, not starting or ending with a dash");

export const port = z.number().int().min(1).max(65535);

// Docker's reference grammar, written out: registry host[:port], path components, optional tag and digest.
const DOMAIN_PART = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const PATH_PART = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const IMAGE_REF = new RegExp(
  `^(?:${DOMAIN_PART}(?:\\.${DOMAIN_PART})*(?::[0-9]+)?/)?${PATH_PART}(?:/${PATH_PART})*(?::[\\w][\\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$`,
);
export const DIGEST = /@sha256:[a-f0-9]{64}$/;
/** An image named without a registry would be resolved through the host's search list: ambiguous, spoofable. */
const namesRegistry = (ref: string) => {
  const first = ref.split("/")[0];
  return ref.includes("/") && (first === "localhost" || first.includes(".") || first.includes(":"));
};
export const imageRef = z
  .string()
  .max(512)
  .regex(IMAGE_REF, { message: "is not an image reference (e.g. ghcr.io/owner/app:1.2@sha256:<64 hex>)", abort: true })
  .refine(namesRegistry, "must name its registry, e.g. docker.io/library/postgres:16 rather than postgres:16");

const DURATION = /^(\d{1,7})(ms|s|m|h)$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
export const formatDuration = (ms: number) =>
  ms % 3_600_000 === 0 && ms > 0 ? `${ms / 3_600_000}h` : ms % 60_000 === 0 && ms > 0 ? `${ms / 60_000}m` : ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;

/** "500ms", "10s", "2m", "1h" in, milliseconds out. */
export const duration = (minMs: number, maxMs: number, dflt: string) =>
  z
    .string()
    .regex(DURATION, { message: 'must be a duration such as "500ms", "10s" or "2m"', abort: true })
    .transform((s, ctx) => {
      const [, n, unit] = DURATION.exec(s)!;
      const ms = Number(n) * UNIT_MS[unit as keyof typeof UNIT_MS];
      if (ms < minMs) ctx.addIssue({ code: "custom", message: `must be at least ${formatDuration(minMs)}` });
      if (ms > maxMs) ctx.addIssue({ code: "custom", message: `must be at most ${formatDuration(maxMs)}` });
      return ms;
    })
    .prefault(dflt);

/** A map with named entries. The cap keeps a hostile file from making every later check slow. */
export const namedMap = <K extends z.ZodString, V extends z.ZodType>(k: K, v: V, max: number, what: string) =>
  z.record(k, v).refine((m) => Object.keys(m).length <= max, `may hold at most ${max} ${what}`);

export const uniqueList = <T extends z.ZodType>(item: T, max: number) =>
  z
    .array(item)
    .max(max)
    .refine((a) => new Set(a.map((x) => JSON.stringify(x))).size === a.length, "lists the same entry twice");
