import { z } from "zod";
import { API_VERSION } from "./api-version";
import { CATEGORIES, isSemver } from "./spec-fields";

// Stored format 0: the one-container manifest of PCC before pcc.app/v1 (server/modules/apps/manifest.ts), as
// installed apps hold it in the database. Frozen here, leniently, so the migration outlives that file.

const legacySchema = z.object({
  id: z.string(),
  name: z.string(),
  version: z.string(),
  tagline: z.string().default(""),
  description: z.string().default(""),
  category: z.string().default("utilities"),
  icon: z.string().optional(),
  image: z.union([
    z.object({ ref: z.string() }),
    z.object({ build: z.object({ context: z.string().default("."), containerfile: z.string().default("Containerfile") }).loose() }),
  ]),
  port: z.number(),
  user: z.string().optional(),
  command: z.array(z.string()).optional(),
  env: z.record(z.string(), z.string()).default({}),
  volumes: z.array(z.object({ name: z.string(), path: z.string() })).default([]),
  tmpfs: z.array(z.string()).default([]),
  limits: z.object({ memoryMb: z.number().default(256), pids: z.number().default(128) }).prefault({}),
  healthPath: z.string().default("/"),
});

/** Legacy versions were free text; v1 wants semver. "1.2" becomes "1.2.0", anything else keeps its text as build metadata. */
function toSemver(v: string): string {
  if (isSemver(v)) return v;
  const short = /^(\d+)(?:\.(\d+))?$/.exec(v);
  if (short) return `${Number(short[1])}.${Number(short[2] ?? 0)}.0`;
  const meta = v.replace(/[^0-9A-Za-z-]+/g, ".").replace(/^\.+|\.+$/g, "").replace(/\.{2,}/g, ".");
  return meta ? `0.0.0+${meta}` : "0.0.0";
}

/** Legacy refs could be short ("nginx:1"), which v1 refuses as ambiguous; Podman resolved them on Docker Hub. */
function qualify(ref: string): string {
  const first = ref.split("/")[0];
  if (ref.includes("/") && (first === "localhost" || first.includes(".") || first.includes(":"))) return ref;
  return ref.includes("/") ? `docker.io/${ref}` : `docker.io/library/${ref}`;
}

/**
 * Format 0 → format 1 (a pcc.app/v1 document). Behaviour is kept: legacy apps could reach the internet and
 * the LAN, so they keep both permissions. Dropped: build.hostFiles (host files copied into a build), which
 * v1 refuses; the app keeps running from its already-built image.
 */
export function migrateLegacyManifest(doc: unknown): unknown {
  const m = legacySchema.parse(doc);
  const tagline = m.tagline.trim() || m.name;
  return {
    apiVersion: API_VERSION,
    id: m.id,
    name: m.name,
    version: toSemver(m.version),
    tagline,
    description: m.description.trim() || tagline,
    ...(m.icon ? { icon: m.icon } : {}),
    category: (CATEGORIES as readonly string[]).includes(m.category) ? m.category : "other",
    developer: { name: "Unknown" },
    services: {
      app: {
        ...("ref" in m.image ? { image: qualify(m.image.ref) } : { build: { context: m.image.build.context, containerfile: m.image.build.containerfile } }),
        ...(m.command ? { command: m.command } : {}),
        ...(m.user ? { user: m.user } : {}),
        // "${" means a reference in v1; legacy values meant it literally. (A function, as "$$" in a replacement string means "$".)
        env: Object.fromEntries(Object.entries(m.env).map(([k, v]) => [k, v.replaceAll("${", () => "$${")])),
        volumes: m.volumes.map((v) => ({ volume: v.name, path: v.path })),
        tmpfs: m.tmpfs,
        healthcheck: { http: { port: m.port, path: m.healthPath } },
        resources: { memoryMb: m.limits.memoryMb, pids: m.limits.pids },
      },
    },
    ingress: [{ name: "main", service: "app", port: m.port, subdomain: m.id }],
    volumes: Object.fromEntries(m.volumes.map((v) => [v.name, {}])),
    permissions: { internet: true, lan: true },
  };
}
