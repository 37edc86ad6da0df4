import { z } from "zod";

export const appIdSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,29}$/, "An app id is 1-30 lower-case letters, digits or dashes, starting with a letter.");

const relPath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith("/") && !p.split("/").includes(".."), "must stay inside the app's catalog folder");
const absPath = z.string().regex(/^\/[^\0]*$/, "must be an absolute path");

const imageSchema = z.union([
  z.object({ ref: z.string().min(3).regex(/^[a-z0-9][a-z0-9._\-/:@]*$/i, "not an image reference") }).strict(),
  z
    .object({
      build: z
        .object({
          context: relPath.default("."),
          containerfile: z.string().default("Containerfile"),
          // Files copied from the host into the build context (e.g. Debian's static busybox).
          hostFiles: z.record(z.string().regex(/^[\w.-]+$/), absPath).default({}),
        })
        .strict(),
    })
    .strict(),
]);

/** apps-catalog/<id>/app.yaml */
export const manifestSchema = z
  .object({
    id: appIdSchema,
    name: z.string().min(1).max(60),
    version: z.string().min(1).max(40),
    tagline: z.string().max(120).default(""),
    description: z.string().max(4000).default(""),
    category: z.string().max(40).default("utilities"),
    icon: relPath.optional(),
    image: imageSchema,
    /** The HTTP port inside the container that Caddy proxies to. */
    port: z.number().int().min(1024, "apps run without privileges: use a port of 1024 or more").max(65535),
    user: z.string().regex(/^\d+(:\d+)?$/, "a numeric uid[:gid]").optional(),
    command: z.array(z.string()).optional(),
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string()).default({}),
    volumes: z
      .array(z.object({ name: z.string().regex(/^[a-z][a-z0-9-]{0,30}$/), path: absPath }).strict())
      .default([]),
    tmpfs: z.array(absPath).default([]),
    limits: z
      .object({ memoryMb: z.number().int().min(16).max(16384).default(256), pids: z.number().int().min(8).max(4096).default(128) })
      .strict()
      .default({ memoryMb: 256, pids: 128 }),
    /** Path probed over HTTP to decide the app is up. */
    healthPath: z.string().startsWith("/").default("/"),
  })
  .strict();

export type Manifest = z.infer<typeof manifestSchema>;

export const isLocalBuild = (m: Manifest): m is Manifest & { image: { build: { context: string; containerfile: string; hostFiles: Record<string, string> } } } =>
  "build" in m.image;

/** The image reference an app runs, built locally or pulled. */
export const imageRef = (m: Manifest) => ("ref" in m.image ? m.image.ref : `localhost/pcc-${m.id}:${m.version}`);
