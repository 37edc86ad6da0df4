import type { AppSpec } from "../spec";
import { OIDC_CA_SECRET, usesOidc } from "../oidc/oidc-client";

/** Names of the Podman objects of one app, fixed at install and stored with it. */
export type AppResources = {
  network: string;
  /** service → container name */
  containers: Record<string, string>;
  /** spec volume → Podman volume name */
  volumes: Record<string, string>;
  /** secret → Podman secret name (for secrets mounted as files) */
  secrets: Record<string, string>;
  /**
   * First host uid/gid of the app's own user-namespace range (65536 ids), shared by all its services so
   * they can share volumes, and by no other app: one app, one identity, as on a phone. Absent for apps
   * installed before app spec v1, whose containers each get an automatic range.
   */
  uidBase?: number;
};

/** The `containers` range ./pcc writes to /etc/subuid and /etc/subgid: 2^31 ids from 2^31 - 1. */
export const ID_RANGE = { start: 2_147_483_647, size: 2_147_483_648, perApp: 65_536 };

/** A free slot of the id range, at random so that two PCCs on one machine (the tests) rarely meet. */
export function pickUidBase(taken: Set<number>, random = Math.random): number {
  const slots = Math.floor(ID_RANGE.size / ID_RANGE.perApp);
  for (let i = 0; i < 10_000; i++) {
    const base = ID_RANGE.start + Math.floor(random() * slots) * ID_RANGE.perApp;
    if (!taken.has(base)) return base;
  }
  throw new Error("No free user-namespace range left for a new app.");
}

export const MANAGED = { "pcc.managed": "true" } as const;
export const labelsFor = (appId: string) => ({ ...MANAGED, "pcc.app": appId });

// "_" never appears in app, service or volume names (they are [a-z0-9-]), so these names cannot collide
// across apps: app "actual" with volume "budget-data" is pcc_actual_budget-data, never pcc_actual-budget_data.
const join = (...parts: string[]) => ["pcc", ...parts].join("_");

/**
 * Names for a new install (uidBase is picked by the caller, who knows which ranges are taken). The
 * network's name also carries this PCC's instance tag: rootful Podman keeps one aardvark-dns and one IPAM
 * database for the whole machine, keyed by network name, so two PCCs' "pcc_kv" would answer each other's
 * DNS. Containers and volumes live in each PCC's own storage and need no tag.
 */
export function resourcesFor(spec: AppSpec, uidBase?: number, instanceTag?: string): AppResources {
  const secretFiles = new Set(Object.values(spec.services).flatMap((s) => s.secretFiles.map((f) => f.secret)));
  return {
    network: instanceTag ? join(spec.id, instanceTag) : join(spec.id),
    containers: Object.fromEntries(Object.keys(spec.services).map((s) => [s, join(spec.id, s)])),
    volumes: Object.fromEntries(Object.keys(spec.volumes).map((v) => [v, join(spec.id, v)])),
    secrets: {
      ...Object.fromEntries([...secretFiles].map((s) => [s, join(spec.id, "secret", s)])),
      // The CA certificate an OIDC app verifies the issuer with ("_oidc-ca" never matches "_secret_<name>").
      ...(usesOidc(spec) ? { [OIDC_CA_SECRET]: join(spec.id, "oidc-ca") } : {}),
    },
    ...(uidBase !== undefined ? { uidBase } : {}),
  };
}

/** Apps installed before app spec v1 used dashes: one container and network "pcc-<id>", volumes "pcc-<id>-<vol>". */
export function legacyResources(spec: AppSpec): AppResources {
  return {
    network: `pcc-${spec.id}`,
    containers: Object.fromEntries(Object.keys(spec.services).map((s) => [s, `pcc-${spec.id}`])),
    volumes: Object.fromEntries(Object.keys(spec.volumes).map((v) => [v, `pcc-${spec.id}-${v}`])),
    secrets: {},
  };
}

/** The resources stored with an app row, or the legacy names when the row predates them. */
export function storedResources(json: string, spec: AppSpec): AppResources {
  const r = JSON.parse(json || "{}") as Partial<AppResources>;
  if (!r.network || !r.containers) return legacyResources(spec);
  const fresh = resourcesFor(spec);
  // An update may add services, volumes or secret files: new ones get fresh names, existing keep theirs.
  return {
    network: r.network,
    containers: { ...fresh.containers, ...pick(r.containers, Object.keys(spec.services)) },
    volumes: { ...fresh.volumes, ...pick(r.volumes ?? {}, Object.keys(spec.volumes)) },
    secrets: { ...fresh.secrets, ...pick(r.secrets ?? {}, Object.keys(fresh.secrets)) },
    ...(typeof r.uidBase === "number" ? { uidBase: r.uidBase } : {}),
  };
}

const pick = (m: Record<string, string>, keys: string[]) => Object.fromEntries(Object.entries(m).filter(([k]) => keys.includes(k)));
