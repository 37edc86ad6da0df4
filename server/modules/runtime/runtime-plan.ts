import { posix } from "node:path";
import type { ContainerSpec, NetworkSpec, PortMapping } from "../../adapters/podman/container-engine";
import { substituteReferences, type AppSpec, type Reference } from "../spec";
import { labelsFor, type AppResources } from "./app-resources";
import { OIDC_CA_PATH, OIDC_CA_SECRET, type OidcAppContext } from "../oidc/oidc-client";

/** What the owner decided at install (or later in the app's settings). */
export type Granted = {
  internet: boolean | { hosts: string[] };
  lan: boolean;
  devices: string[];
  /** port name → host port; a declared port is published only if it is here. */
  ports: Record<string, number>;
};

export const NO_GRANTS: Granted = { internet: false, lan: false, devices: [], ports: {} };

export type PlanContext = {
  spec: AppSpec;
  resources: AppResources;
  grants: Granted;
  subnet: string;
  bridge: string;
  /** The image each service runs (pulled reference, or the tag PCC built). */
  images: Record<string, string>;
  secrets: Record<string, string>;
  settings: Record<string, string>;
  /** Public URL of an ingress by name ("https://photos.example.com"). */
  ingressUrl: (name: string) => string;
  /** Where published ports listen on the host. */
  hostIp: string;
  /** For an app that signs the owner in by OpenID Connect: its client and how it reaches the issuer. */
  oidc?: OidcAppContext | null;
};

export type ServicePlan = { service: string; container: ContainerSpec; dependsOn: Record<string, "healthy" | "started"> };

export type RuntimePlan = {
  network: NetworkSpec;
  volumes: { name: string; labels: Record<string, string> }[];
  /** Secrets mounted as files: Podman secret name → value. */
  secretFiles: Record<string, string>;
  /** In an order where each service comes after what it depends on. */
  services: ServicePlan[];
};

/** Services ordered so each comes after its dependencies (the spec refuses cycles). */
export function startOrder(spec: AppSpec): string[] {
  const order: string[] = [];
  const seen = new Set<string>();
  const visit = (s: string) => {
    if (seen.has(s)) return;
    seen.add(s);
    for (const dep of Object.keys(spec.services[s]?.dependsOn ?? {})) visit(dep);
    order.push(s);
  };
  for (const s of Object.keys(spec.services).sort()) visit(s);
  return order;
}

function resolver(ctx: PlanContext) {
  const main = ctx.spec.ingress[0];
  return (ref: Reference): string => {
    switch (ref.kind) {
      case "secret":
        return ctx.secrets[ref.name] ?? "";
      case "setting":
        return ctx.settings[ref.name] ?? "";
      case "app": {
        const url = main ? ctx.ingressUrl(main.name) : "";
        return ref.name === "url" ? url : url.replace(/^https:\/\//, "").replace(/:\d+$/, "");
      }
      case "ingress":
        return ctx.ingressUrl(ref.name);
      case "service":
        return ref.name;
      case "oidc": {
        const o = ctx.oidc;
        if (!o) return "";
        if (ref.name === "caFile") return o.caPem ? OIDC_CA_PATH : "";
        return ref.name === "issuer" ? o.issuer : ref.name === "clientId" ? o.clientId : o.clientSecret;
      }
    }
  };
}

/**
 * /tmp always; the spec's own; and the folder of each secret file: on a read-only root Podman cannot
 * create the file's mount point, so that folder (usually /run/secrets) is a fresh, small tmpfs.
 */
function tmpfsFor(s: AppSpec["services"][string], extraFiles: string[]) {
  const dirs = new Set(["/tmp", ...s.tmpfs, ...[...s.secretFiles.map((f) => f.path), ...extraFiles].map((p) => posix.dirname(p))]);
  return [...dirs].map((path) => ({ path, sizeMb: path.startsWith("/run/secrets") || path === posix.dirname(OIDC_CA_PATH) ? 1 : 64 }));
}

/** Each service's fixed address on the app's /24: .2, .3, … by name (the gateway is .1). */
export function serviceAddresses(spec: AppSpec, subnet: string): Record<string, string> {
  const base = subnet.split("/")[0]!.split(".").slice(0, 3).join(".");
  return Object.fromEntries(Object.keys(spec.services).sort().map((s, i) => [s, `${base}.${i + 2}`]));
}

/** Turns an installed app into the Podman objects it needs. Pure: the runtime executes it. */
export function planApp(ctx: PlanContext): RuntimePlan {
  const { spec, resources } = ctx;
  const labels = labelsFor(spec.id);
  const resolve = resolver(ctx);
  const ips = serviceAddresses(spec, ctx.subnet);
  const oidc = ctx.oidc ?? null;
  const caSecret = oidc?.caPem ? resources.secrets[OIDC_CA_SECRET] : undefined;
  // An OIDC app finds the issuer at its gateway, where PCC serves the back channel (the shell's name
  // resolves there), and verifies it with the CA file PCC mounts.
  const issuerHosts: Record<string, string> = oidc ? { [oidc.shellHost]: oidc.gateway } : {};
  const services = startOrder(spec).map((name): ServicePlan => {
    const s = spec.services[name]!;
    const ports: PortMapping[] = spec.ports
      .filter((p) => p.service === name && ctx.grants.ports[p.name] !== undefined)
      .map((p) => ({ hostIp: ctx.hostIp, hostPort: ctx.grants.ports[p.name]!, containerPort: p.containerPort, protocol: p.protocol }));
    const env = Object.fromEntries(Object.entries(s.env).map(([k, v]) => [k, substituteReferences(v, resolve)]));
    return {
      service: name,
      dependsOn: Object.fromEntries(Object.entries(s.dependsOn).map(([d, c]) => [d, c.condition])),
      container: {
        name: resources.containers[name]!,
        image: ctx.images[name]!,
        labels: { ...labels, "pcc.service": name, "pcc.version": spec.version },
        network: resources.network,
        // Services find each other by name, as in a compose file.
        aliases: [name],
        user: s.user,
        command: s.command,
        entrypoint: s.entrypoint,
        workingDir: s.workingDir,
        env,
        volumes: s.volumes.map((v) => ({ name: resources.volumes[v.volume]!, path: v.path, readOnly: v.readOnly })),
        tmpfs: tmpfsFor(s, caSecret ? [OIDC_CA_PATH] : []),
        secrets: [...s.secretFiles.map((f) => ({ name: resources.secrets[f.secret]!, path: f.path })), ...(caSecret ? [{ name: caSecret, path: OIDC_CA_PATH }] : [])],
        memoryMb: s.resources.memoryMb,
        cpus: s.resources.cpus,
        pids: s.resources.pids,
        ports,
        uidBase: resources.uidBase,
        ip: ips[name],
        hosts: { ...issuerHosts, ...Object.fromEntries(Object.entries(ips).filter(([other]) => other !== name)) },
      },
    };
  });
  const secretFiles = Object.fromEntries(
    Object.entries(resources.secrets)
      .filter(([secret]) => secret !== OIDC_CA_SECRET)
      .map(([secret, podmanName]) => [podmanName, ctx.secrets[secret] ?? ""]),
  );
  if (caSecret && oidc?.caPem) secretFiles[caSecret] = oidc.caPem;
  return {
    // DNS only for an app that may reach the internet: Podman's resolver forwards any name to the host's.
    network: { name: resources.network, subnet: ctx.subnet, bridge: ctx.bridge, labels, dns: ctx.grants.internet !== false },
    volumes: Object.values(resources.volumes).map((name) => ({ name, labels: { ...labels, "pcc.volume": name } })),
    secretFiles,
    services,
  };
}
