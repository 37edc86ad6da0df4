import { OWNER_SIGN_IN_NAME } from "../../adapters/caddy/caddy-config";
import type { AppRuntime } from "../runtime/app-runtime";
import type { HealthMonitor } from "../runtime/health-monitor";
import type { AppSpec } from "../spec";
import { isBroken, type AppRecord, type BrokenRecord } from "./app-record";
import type { AppStatus, CatalogApp, InstalledApp } from "./apps.types";

const iconUrl = (spec: AppSpec) => (spec.icon?.endsWith(".svg") ? `/_pcc/icons/${spec.id}.svg` : null);

/** A catalog entry as the store shows it: what the app is, what it asks for, what it costs. */
export function catalogView(spec: AppSpec, state: Pick<CatalogApp, "installed" | "hasKeptData" | "installError" | "catalogSource">): CatalogApp {
  const services = Object.values(spec.services);
  return {
    id: spec.id,
    name: spec.name,
    version: spec.version,
    tagline: spec.tagline,
    description: spec.description,
    category: spec.category,
    developer: spec.developer.name,
    website: spec.website ?? null,
    iconUrl: iconUrl(spec),
    screenshots: spec.screenshots.length,
    releaseNotes: spec.releaseNotes ?? null,
    source: services.some((s) => s.build) ? "local-build" : "registry",
    images: services.map((s) => s.image).filter((i): i is string => !!i),
    permissions: { internet: spec.permissions.internet, lan: spec.permissions.lan, devices: [...spec.permissions.devices] },
    ports: spec.ports.map((p) => ({ name: p.name, protocol: p.protocol, containerPort: p.containerPort, hostPort: p.hostPort, description: p.description })),
    settings: spec.settings,
    price: spec.license ? { amount: spec.license.price.amount, currency: spec.license.price.currency, purchaseUrl: spec.license.purchaseUrl } : null,
    test: spec.test,
    follows: [...new Set(spec.subscribes.map((s) => s.kind))],
    ...state,
  };
}

type DescribeDeps = {
  runtime: AppRuntime;
  health: HealthMonitor;
  progress: { step: string; percent: number | null } | null;
  transient: "starting" | "stopping" | null;
  appUrl: (subdomain: string) => string;
};

/** An installed app as the shell and the CLI see it, with its live state. */
export async function describeApp(rec: AppRecord | BrokenRecord, d: DescribeDeps): Promise<InstalledApp> {
  const row = rec.row;
  const base = {
    id: row.id,
    name: row.name,
    version: row.version,
    desiredState: row.desiredState,
    progress: d.progress?.step ?? null,
    percent: d.progress?.percent ?? null,
    installedAt: row.installedAt.toISOString(),
  };
  if (isBroken(rec)) {
    return { ...base, iconUrl: null, status: "broken", error: rec.error, url: null, urls: [], ports: [], grants: { internet: false, lan: false, devices: [], ports: {} }, services: [] };
  }
  const { spec, grants } = rec;
  const urls = spec.ingress.map((g) => ({
    name: g.name,
    url: `${d.appUrl(g.subdomain)}/`,
    signIn:
      g.auth.method === "header"
        ? { method: "header" as const, header: g.auth.header, user: OWNER_SIGN_IN_NAME }
        : g.auth.method === "oidc"
          ? { method: "oidc" as const }
          : null,
  }));
  const health = d.health.status(row.id);
  let status: AppStatus;
  let error: string | null = null;
  let services: InstalledApp["services"] = [];
  if (row.phase === "installing") status = "installing";
  else if (row.phase !== "installed") status = "removing";
  else if (d.transient) status = d.transient;
  else if (row.desiredState === "stopped") status = "stopped";
  else if (health) {
    status = health.status;
    services = Object.entries(health.services).map(([name, s]) => ({ name, state: s.state, restarts: s.restarts, reason: s.reason ?? null }));
    const why = services.find((s) => s.reason);
    if (status !== "running" && why) error = `${why.name}: ${why.reason}`;
  } else {
    // Not watched yet (PCC just started and is bringing it up), or a start failed.
    const infos = await d.runtime.inspect(rec.resources);
    const down = Object.entries(infos).filter(([, i]) => i?.state !== "running");
    status = down.length ? "starting" : "running";
    services = Object.entries(infos).map(([name, i]) => ({ name, state: i?.state ?? "missing", restarts: 0, reason: null }));
  }
  return {
    ...base,
    iconUrl: iconUrl(spec),
    status,
    error,
    url: urls[0]?.url ?? null,
    urls,
    ports: spec.ports.filter((p) => grants.ports[p.name] !== undefined).map((p) => ({ name: p.name, protocol: p.protocol, hostPort: grants.ports[p.name]! })),
    grants,
    services,
  };
}
