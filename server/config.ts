import os from "node:os";
import path from "node:path";
import { z } from "zod";

const port = z.coerce.number().int().min(1).max(65535);

// Every setting comes from the environment and is validated once, at boot: a typo fails loudly here
// instead of surfacing later as a half-working box.
const envSchema = z.object({
  // A system service's state lives under /var/lib: Caddy (an unprivileged user) must be able to pass
  // through every folder above it, which a clone under /root (0700) would not allow.
  PCC_DATA_DIR: z.string().min(1).default("/var/lib/pcc"),
  // "auto": no domain of your own; PCC names itself <public-ip>.sslip.io, a public wildcard DNS service.
  PCC_DOMAIN: z
    .string()
    .regex(/^(auto|(?=.{1,200}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*)$/, "must be a lower-case DNS name, or auto")
    .default("pcc.localhost"),
  // Certificates: from Caddy's own CA (internal), or from Let's Encrypt/ZeroSSL (acme) for a public name.
  PCC_TLS: z.enum(["internal", "acme"]).optional(),
  PCC_ACME_EMAIL: z.email().optional(),
  PCC_HTTPS_PORT: port.default(8443),
  PCC_HTTP_PORT: port.default(8080),
  // Where Caddy listens for browsers. Defaults to loopback for *.localhost, every interface otherwise.
  PCC_BIND_ADDRESS: z.union([z.ipv4(), z.literal("::")]).optional(),
  PCC_CATALOG_DIR: z.string().min(1).default("./apps-catalog"),
  PCC_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  // Where the Next shell was built; tests and the CLI-only mode can skip it.
  PCC_WEB: z.enum(["on", "off"]).default("on"),
  // Development setting: the store also lists offline test apps (catalog entries with `test: true`).
  PCC_SHOW_TEST_APPS: z.enum(["on", "off"]).default("off"),
  // Registries reached over plain HTTP (comma-separated host:port). Only for a registry on this
  // machine, such as the one the tests run; never for anything across a network.
  PCC_INSECURE_REGISTRIES: z
    .string()
    .default("")
    .transform((v) => v.split(",").map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^(127\.0\.0\.1|localhost|\[::1\]):\d{1,5}$/, "only registries on this machine (127.0.0.1:PORT) may be insecure"))),
  // Test-only: a PEM file of one more CA trusted for HTTPS catalog sources (the tests' own HTTPS server).
  PCC_SOURCES_EXTRA_CA: z.string().min(1).optional(),
  /** How often the system overview samples the machine's and the apps' use. */
  PCC_USAGE_SAMPLE_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  // Test-only: a PEM file of one more CA trusted for push services (the tests' push-service stand-in).
  PCC_PUSH_EXTRA_CA: z.string().min(1).optional(),
  // Test-only: a PEM file of one more CA trusted for friends' cards (another PCC's Caddy CA); it also
  // lets a contact be a PCC on this machine (*.localhost, loopback), which is refused otherwise.
  PCC_CONTACTS_EXTRA_CA: z.string().min(1).optional(),
});

export type Config = ReturnType<typeof loadConfig>;

/** Names no public certificate authority will certify: Caddy's own CA covers them. */
export const isPrivateName = (d: string) => /(^|\.)(localhost|local|internal|lan|home\.arpa|test)$/.test(d);

/** <public IPv4, dashed>.sslip.io: a name for a box without a domain, resolving to its own address. */
export function autoDomain(interfaces = os.networkInterfaces()): string {
  const ip = Object.values(interfaces)
    .flat()
    .find((a) => a && a.family === "IPv4" && !a.internal && !/^(10\.|127\.|169\.254\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\.)/.test(a.address))?.address;
  if (!ip) throw new Error("Invalid PCC configuration:\n  PCC_DOMAIN=auto needs a public IPv4 address on this machine and found none (behind NAT?): set PCC_DOMAIN to a name that points here");
  return `${ip.replace(/\./g, "-")}.sslip.io`;
}

export function loadConfig(env: Record<string, string | undefined> = process.env, root = process.cwd()) {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid PCC configuration:\n${lines.join("\n")}`);
  }
  const e = { ...parsed.data, PCC_DOMAIN: parsed.data.PCC_DOMAIN === "auto" ? autoDomain() : parsed.data.PCC_DOMAIN };
  if (e.PCC_HTTP_PORT === e.PCC_HTTPS_PORT) throw new Error("Invalid PCC configuration:\n  PCC_HTTP_PORT and PCC_HTTPS_PORT must differ");
  const dataDir = path.resolve(root, e.PCC_DATA_DIR);
  const run = path.join(dataDir, "run");
  const bindAddress = e.PCC_BIND_ADDRESS ?? (e.PCC_DOMAIN === "localhost" || e.PCC_DOMAIN.endsWith(".localhost") ? "127.0.0.1" : "0.0.0.0");
  const portSuffix = e.PCC_HTTPS_PORT === 443 ? "" : `:${e.PCC_HTTPS_PORT}`;
  return {
    root,
    dataDir,
    domain: e.PCC_DOMAIN,
    tls: e.PCC_TLS ?? (isPrivateName(e.PCC_DOMAIN) ? ("internal" as const) : ("acme" as const)),
    acmeEmail: e.PCC_ACME_EMAIL ?? null,
    httpsPort: e.PCC_HTTPS_PORT,
    httpPort: e.PCC_HTTP_PORT,
    bindAddress,
    catalogDir: path.resolve(root, e.PCC_CATALOG_DIR),
    logLevel: e.PCC_LOG_LEVEL,
    web: e.PCC_WEB === "on",
    showTestApps: e.PCC_SHOW_TEST_APPS === "on",
    insecureRegistries: e.PCC_INSECURE_REGISTRIES,
    usageSampleMs: e.PCC_USAGE_SAMPLE_SECONDS * 1000,
    sourcesExtraCa: e.PCC_SOURCES_EXTRA_CA ? path.resolve(root, e.PCC_SOURCES_EXTRA_CA) : null,
    pushExtraCa: e.PCC_PUSH_EXTRA_CA ? path.resolve(root, e.PCC_PUSH_EXTRA_CA) : null,
    contactsExtraCa: e.PCC_CONTACTS_EXTRA_CA ? path.resolve(root, e.PCC_CONTACTS_EXTRA_CA) : null,
    shellOrigin: `https://${e.PCC_DOMAIN}${portSuffix}`,
    appOrigin: (appId: string) => `https://${appId}.${e.PCC_DOMAIN}${portSuffix}`,
    paths: {
      run,
      etc: path.join(dataDir, "etc"),
      db: path.join(dataDir, "pcc.db"),
      // Seals app secrets at rest; apart from the database, readable only by root.
      secretsKey: path.join(dataDir, "secrets.key"),
      // The OpenID Connect provider's signing key and cookie keys (0600, made at first boot).
      oidcKeys: path.join(dataDir, "oidc-keys.json"),
      podmanSocket: path.join(run, "podman.sock"),
      // Caddy's own folder (it runs as pcc-caddy): its admin socket and start-up config.
      caddyRun: path.join(run, "caddy"),
      caddyAdminSocket: path.join(run, "caddy", "admin.sock"),
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
      // Verified apps of the catalog sources the owner added, one folder per source.
      catalogSources: path.join(dataDir, "catalog-sources"),
      // Copies of an app's volumes taken just before an update, until it is known to work.
      snapshots: path.join(dataDir, "snapshots"),
    },
  };
}
