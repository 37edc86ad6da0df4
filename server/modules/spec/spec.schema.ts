import { z } from "zod";
import { API_MINOR, API_VERSION, checkApiVersion } from "./api-version";
import { makeFieldHints } from "./field-hints";
import { flattenZodIssues, formatPath, humanError, isWithin, type Issue } from "./issues";
import { scanSandbox } from "./sandbox-rules";
import { crossChecks, resolveSubdomain, specWarnings } from "./spec-checks";
import { appId, CATEGORIES, DIGEST, dnsLabel, hostname, httpsUrl, key, name, namedMap, port, relPath, semver, text, uniqueList } from "./spec-fields";
import { serviceSchema } from "./spec-service";
import { settingSchema } from "./spec-settings";
import { publishesSchema, subscribesSchema } from "./spec-social";

// apps-catalog/<id>/app.yaml, format pcc.app/v1. The one definition of the format: the JSON Schema, the
// reference in apps-catalog/README.md and the runtime's AppSpec type all come from here.

export const DEVICES = ["gpu"] as const;

/** `name:` with nothing after it is null in YAML; let it mean "all defaults". */
const orDefaults = <T extends z.ZodType>(obj: T) => obj.nullable().transform((v): z.output<T> => v ?? (obj.parse({}) as z.output<T>));

const publicPath = z
  .string()
  .max(200)
  .refine(
    (p) => p.startsWith("/") && !/[*?#%\\\s]/.test(p) && !p.split("/").some((s) => s === ".." || s === "."),
    "must be a path prefix starting with / (no *, ., .., ?, #, % or spaces)",
  );

// Headers Caddy or HTTP itself owns; handing the user's name to the app in one of them would break the request.
const HOP_BY_HOP = new Set([
  "host",
  "cookie",
  "set-cookie",
  "connection",
  "upgrade",
  "te",
  "trailer",
  "keep-alive",
  "transfer-encoding",
  "content-length",
  "content-type",
]);
const authSchema = z.discriminatedUnion("method", [
  z.strictObject({ method: z.literal("none") }),
  z.strictObject({ method: z.literal("oidc"), redirectPath: z.string().max(200).regex(/^\/[^\s?#]*$/, "must be a URL path starting with /") }),
  z.strictObject({
    method: z.literal("header"),
    header: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9-]{0,63}$/, "must be an HTTP header name such as Remote-User")
      .refine((h) => !HOP_BY_HOP.has(h.toLowerCase()) && !h.toLowerCase().startsWith("proxy-"), "is a header PCC cannot hand to an app"),
  }),
]);

const ingressSchema = z.strictObject({
  name: name.default("main"),
  service: name,
  port: port.meta({ description: "The HTTP port inside the container." }),
  subdomain: dnsLabel.optional().meta({ description: 'Default: the app id for the first ingress, "<name>-<id>" for others.' }),
  public: z.array(publicPath).max(50).default([]).meta({ description: "Path prefixes anyone may open without signing in." }),
  auth: authSchema.prefault({ method: "none" }),
});

const portSchema = z.strictObject({
  name,
  service: name,
  containerPort: port,
  protocol: z.enum(["tcp", "udp"]).default("tcp"),
  hostPort: port.optional().meta({ description: "Suggested host port (default: containerPort); the owner may change it." }),
  description: text(200).meta({ description: "Why the app needs a port on the host." }),
});

const secretSchema = z.strictObject({
  length: z.number().int().min(8).max(256).default(32),
  alphabet: z.enum(["alphanumeric", "hex", "base64url", "numeric"]).default("alphanumeric"),
  show: z.boolean().default(false).meta({ description: "Show it to the owner (e.g. a first admin password)." }),
  description: z.string().max(500).optional(),
});

const licenseSchema = z.strictObject({
  price: z.strictObject({
    amount: z.number().positive().max(1_000_000),
    currency: z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 currency code such as EUR"),
  }),
  purchaseUrl: httpsUrl,
  publicKey: z
    .string()
    .regex(/^[A-Za-z0-9+/]{43}=?$/, { message: "must be a base64 Ed25519 public key (32 bytes)", abort: true })
    .refine((k) => Buffer.from(k, "base64").length === 32, "must be a base64 Ed25519 public key (32 bytes)"),
});

const permissionsSchema = z.strictObject({
  internet: z
    .union([z.boolean(), z.strictObject({ hosts: uniqueList(hostname, 100).min(1) })], { error: "must be false, true or { hosts: [...] }" })
    .default(false),
  lan: z.boolean().default(false).meta({ description: "Reach private and LAN addresses." }),
  devices: uniqueList(z.enum(DEVICES), 10).default([]),
});

const imageFile = (exts: RegExp, what: string) => relPath.refine((p) => exts.test(p), `must be ${what}`);

export const specObject = z.strictObject({
  apiVersion: z.string().regex(/^pcc\.app\/v1(\.\d{1,6})?$/, `must be "${API_VERSION}"`),
  id: appId.meta({ description: "Must equal the app's folder name." }),
  name: text(60),
  version: semver,
  tagline: text(120),
  description: text(4000),
  icon: imageFile(/\.(svg|png)$/i, "an .svg or .png file").optional(),
  screenshots: z.array(imageFile(/\.(png|jpe?g|webp)$/i, "a .png, .jpg or .webp file")).max(10).default([]),
  category: z.enum(CATEGORIES),
  developer: z.strictObject({ name: text(100), url: httpsUrl.optional() }),
  website: httpsUrl.optional(),
  releaseNotes: z.string().max(4000).optional(),
  test: z.boolean().default(false).meta({ description: "Offline test app: hidden from owners unless a developer setting is on." }),
  license: licenseSchema.optional(),
  services: namedMap(name, serviceSchema, 20, "services").refine((m) => Object.keys(m).length > 0, "must declare at least one service"),
  ingress: z.array(ingressSchema).max(20).default([]),
  ports: z.array(portSchema).max(50).default([]),
  volumes: namedMap(name, orDefaults(z.strictObject({ description: z.string().max(500).optional() })), 50, "volumes").default({}),
  secrets: namedMap(key, orDefaults(secretSchema), 50, "secrets").default({}),
  settings: z.array(settingSchema).max(100).default([]),
  permissions: permissionsSchema.prefault({}),
  publishes: publishesSchema,
  subscribes: subscribesSchema,
});

export type SpecDraft = z.output<typeof specObject>;

/** The schema of app.yaml: shape, defaults and cross-field checks. Prefer parseAppSpec, which adds the rest. */
export const appSpecSchema = specObject.superRefine(crossChecks).transform((s) => ({
  ...s,
  ingress: s.ingress.map((g, i) => ({ ...g, subdomain: resolveSubdomain(s, i, g) })),
  ports: s.ports.map((p) => ({ ...p, hostPort: p.hostPort ?? p.containerPort })),
}));

/** What the runtime consumes: defaults filled, subdomains and host ports resolved, durations in milliseconds. */
export type AppSpec = z.output<typeof appSpecSchema>;
export type SpecResult = { errors: Issue[]; warnings: Issue[]; spec?: AppSpec };
export type ParseMode = {
  /**
   * "catalog" (default) applies every rule. "installed" re-reads a spec PCC accepted earlier and skips the
   * publishing policy (digest pinning), so a rule added later never breaks an app that is already installed.
   */
  mode?: "catalog" | "installed";
};

const fieldHint = makeFieldHints(() => z.toJSONSchema(specObject, { io: "input" }));

const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Removes the fields at `paths` (each [..., key]) from a copy of doc; the original is left alone. */
function withoutFields(doc: unknown, paths: PropertyKey[][]): unknown {
  const copy = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(copy) : isMapping(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copy(x)])) : v;
  const out = copy(doc);
  for (const p of paths) {
    let node: unknown = out;
    for (const seg of p.slice(0, -1)) node = isMapping(node) || Array.isArray(node) ? (node as Record<PropertyKey, unknown>)[seg] : undefined;
    if (isMapping(node)) delete node[p[p.length - 1] as string];
  }
  return out;
}

/**
 * Validates a parsed app.yaml (any value) against pcc.app/v1: version rule, sandbox rules, shape, cross-field
 * checks and, in catalog mode, the publishing policy. `spec` is set only when there are no errors.
 */
export function parseAppSpec(raw: unknown, options: ParseMode = {}): SpecResult {
  const errors: Issue[] = [];
  const warnings: Issue[] = [];
  if (!isMapping(raw)) {
    const got = raw === null || raw === undefined ? "empty" : Array.isArray(raw) ? "a list" : `a single ${typeof raw}`;
    return { errors: [{ path: "", message: `app.yaml must be a mapping of fields (key: value), but it is ${got}` }], warnings };
  }
  const version = checkApiVersion(raw.apiVersion);
  if (!version.ok) {
    errors.push({ path: "apiVersion", message: version.message });
    if (version.fatal) return { errors, warnings };
  }
  const newer = version.ok && version.newer;
  const sandbox = scanSandbox(raw);
  errors.push(...sandbox.issues);
  const flagged = [...sandbox.flagged];
  const isFlagged = (p: string) => flagged.some((f) => isWithin(p, f));

  let result = appSpecSchema.safeParse(raw, { error: humanError });
  let issues = result.success ? [] : flattenZodIssues(result.error.issues);
  const unknownFields = issues.filter((i) => i.unknownKey && !isFlagged(formatPath(i.path)));
  if (newer && unknownFields.length) {
    const message = `is not a field of ${API_VERSION}.${API_MINOR}; ignored (this file is written for ${String(raw.apiVersion)}, newer than this PCC)`;
    for (const u of unknownFields) warnings.push({ path: formatPath(u.path), message });
    result = appSpecSchema.safeParse(withoutFields(raw, unknownFields.map((u) => u.path)), { error: humanError });
    issues = result.success ? [] : flattenZodIssues(result.error.issues);
  }
  const seen = new Set<string>();
  for (const i of issues) {
    const path = formatPath(i.path);
    // One failure can trip several checks of a field with the same words (a URL's protocol and host).
    const once = `${path}\0${i.message}`;
    if (seen.has(once) || isFlagged(path) || (path === "apiVersion" && !version.ok)) continue;
    seen.add(once);
    if (!i.unknownKey) errors.push({ path, message: i.message });
    else {
      const hint = fieldHint(i.path);
      errors.push({ path, message: `is not a field of ${API_VERSION}${hint ? ` here (${hint})` : ""}` });
    }
  }
  if (!result.success || errors.length) return { errors, warnings };
  const spec = result.data;
  if (options.mode !== "installed") errors.push(...publishingPolicy(spec));
  warnings.push(...specWarnings(spec));
  return errors.length ? { errors, warnings } : { errors, warnings, spec };
}

/** Registry images are pinned by digest so an app runs exactly the image that was reviewed, not whatever a tag points to today. */
function publishingPolicy(spec: AppSpec): Issue[] {
  if (spec.test) return [];
  return Object.entries(spec.services)
    .filter(([, s]) => s.image && !DIGEST.test(s.image) && !s.image.startsWith("localhost/"))
    .map(([id]) => ({
      path: formatPath(["services", id, "image"]),
      message: "must be pinned by digest: append @sha256:<64 hex> so the app always runs the image that was reviewed (only test apps may omit it)",
    }));
}
