import path from "node:path";
import { z } from "zod";

const port = z.coerce.number().int().min(1).max(65535);

// Every setting comes from the environment and is validated once, at boot: a typo fails loudly here
// instead of surfacing later as a half-working box.
const envSchema = z.object({
  PCC_DATA_DIR: z.string().min(1).default("./data"),
  PCC_DOMAIN: z
    .string()
    .regex(/^(?=.{1,200}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/, "must be a lower-case DNS name")
    .default("pcc.localhost"),
  PCC_HTTPS_PORT: port.default(8443),
  PCC_HTTP_PORT: port.default(8080),
  // Where Caddy listens for browsers. Defaults to loopback for *.localhost, every interface otherwise.
  PCC_BIND_ADDRESS: z.union([z.ipv4(), z.literal("::")]).optional(),
  PCC_CATALOG_DIR: z.string().min(1).default("./apps-catalog"),
  PCC_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  // Where the Next shell was built; tests and the CLI-only mode can skip it.
  PCC_WEB: z.enum(["on", "off"]).default("on"),
  // Registries reached over plain HTTP (comma-separated host:port). Only for a registry on this
  // machine, such as the one the tests run; never for anything across a network.
  PCC_INSECURE_REGISTRIES: z
    .string()
    .default("")
    .transform((v) => v.split(",").map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^(127\.0\.0\.1|localhost|\[::1\]):\d{1,5}$/, "only registries on this machine (127.0.0.1:PORT) may be insecure"))),
});

export type Config = ReturnType<typeof loadConfig>;

export function loadConfig(env: Record<string, string | undefined> = process.env, root = process.cwd()) {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid PCC configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  if (e.PCC_HTTP_PORT === e.PCC_HTTPS_PORT) throw new Error("Invalid PCC configuration:\n  PCC_HTTP_PORT and PCC_HTTPS_PORT must differ");
  const dataDir = path.resolve(root, e.PCC_DATA_DIR);
  const run = path.join(dataDir, "run");
  const bindAddress = e.PCC_BIND_ADDRESS ?? (e.PCC_DOMAIN === "localhost" || e.PCC_DOMAIN.endsWith(".localhost") ? "127.0.0.1" : "0.0.0.0");
  const portSuffix = e.PCC_HTTPS_PORT === 443 ? "" : `:${e.PCC_HTTPS_PORT}`;
  return {
    root,
    dataDir,
    domain: e.PCC_DOMAIN,
    httpsPort: e.PCC_HTTPS_PORT,
    httpPort: e.PCC_HTTP_PORT,
    bindAddress,
    catalogDir: path.resolve(root, e.PCC_CATALOG_DIR),
    logLevel: e.PCC_LOG_LEVEL,
    web: e.PCC_WEB === "on",
    insecureRegistries: e.PCC_INSECURE_REGISTRIES,
    shellOrigin: `https://${e.PCC_DOMAIN}${portSuffix}`,
    appOrigin: (appId: string) => `https://${appId}.${e.PCC_DOMAIN}${portSuffix}`,
    paths: {
      run,
      etc: path.join(dataDir, "etc"),
      db: path.join(dataDir, "pcc.db"),
      podmanSocket: path.join(run, "podman.sock"),
      caddyAdminSocket: path.join(run, "caddy-admin.sock"),
      cliSocket: path.join(run, "pcc.sock"),
      // The shell listens on a unix socket only Caddy and root can reach.
      webSocket: path.join(run, "web.sock"),
      // Caddy asks PCC here about app requests that carry no credential (public paths, sign-in).
      gateSocket: path.join(run, "gate.sock"),
      // Per-app state Caddy reads on each request: credentials, stopped markers, app sockets.
      gateway: path.join(dataDir, "gateway"),
      podmanRoot: path.join(dataDir, "podman"),
      caddyData: path.join(dataDir, "caddy"),
      logs: path.join(dataDir, "logs"),
    },
  };
}
