import { z } from "zod";
import { absPath, duration, imageRef, key, name, namedMap, port, relPath, uniqueList } from "./spec-fields";

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const args = z.array(z.string().max(4096)).max(100);

const build = z.strictObject({
  context: relPath.prefault(".").meta({ description: "Folder inside the app folder sent to the build." }),
  containerfile: relPath.prefault("Containerfile").meta({ description: "Relative to the context." }),
});

const healthcheck = z
  .strictObject({
    http: z.strictObject({ port, path: z.string().max(1024).regex(/^\/[^\s]*$/, "must be a URL path starting with /") }).optional(),
    tcp: z.strictObject({ port }).optional(),
    command: args.min(1).optional(),
    interval: duration(1000, 3_600_000, "10s"),
    timeout: duration(100, 600_000, "3s"),
    retries: z.number().int().min(1).max(100).default(3),
    startPeriod: duration(0, 3_600_000, "60s"),
  })
  .superRefine((h, ctx) => {
    const probes = (["http", "tcp", "command"] as const).filter((p) => h[p] !== undefined);
    if (probes.length !== 1) {
      ctx.addIssue({
        code: "custom",
        message: probes.length ? `has ${probes.join(" and ")}: give exactly one probe` : "needs exactly one probe: http, tcp or command",
      });
    }
  })
  .meta({ description: "Exactly one of http, tcp or command. Durations: 500ms, 10s, 2m." });

const mount = z.strictObject({ volume: name, path: absPath, readOnly: z.boolean().default(false) });

export const serviceSchema = z.strictObject({
  image: imageRef.optional().meta({ description: "Registry image, pinned by @sha256 digest (or build)." }),
  build: build.optional().meta({ description: "Build the image from a folder of the app (or image)." }),
  command: args.optional(),
  entrypoint: args.optional(),
  workingDir: absPath.optional(),
  user: z.string().regex(/^\d{1,10}(:\d{1,10})?$/, 'must be a numeric uid or uid:gid, e.g. "1000:1000"').optional(),
  env: namedMap(
    z.string().regex(ENV_NAME, "is not a valid variable name (letters, digits, _; not starting with a digit)"),
    z.string().max(8192),
    200,
    "variables",
  ).default({}),
  volumes: z.array(mount).max(50).default([]),
  tmpfs: uniqueList(absPath, 20).default([]),
  secretFiles: z.array(z.strictObject({ secret: key, path: absPath })).max(50).default([]),
  healthcheck: healthcheck.optional(),
  dependsOn: namedMap(name, z.strictObject({ condition: z.enum(["healthy", "started"]) }), 20, "services").default({}),
  resources: z
    .strictObject({
      memoryMb: z.number().int().min(16).max(65536).default(256),
      cpus: z.number().min(0.1).max(64).default(1),
      pids: z.number().int().min(8).max(32768).default(256),
    })
    .prefault({}),
});

export type Service = z.output<typeof serviceSchema>;
export type Healthcheck = NonNullable<Service["healthcheck"]>;
