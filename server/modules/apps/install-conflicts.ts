import { DomainError } from "../../errors";
import { hostPortHolder } from "../runtime/port-check";
import type { AppSpec } from "../spec";
import type { AppRecord } from "./app-record";

/** Another app already serving at one of this app's addresses would be shadowed or shadow it. */
export function checkSubdomains(spec: AppSpec, others: AppRecord[], appUrl: (subdomain: string) => string) {
  for (const g of spec.ingress) {
    const owner = others.find((o) => o.spec.ingress.some((x) => x.subdomain === g.subdomain));
    if (owner) throw new DomainError("CONFLICT", `${spec.name} wants the address ${appUrl(g.subdomain)}, which ${owner.spec.name} already uses.`);
  }
}

/** Before anything is created: a port another app or a program on this machine holds is refused, naming both. */
export async function checkPorts(spec: AppSpec, ports: Record<string, number>, others: AppRecord[], hostIp: string) {
  for (const [name, hostPort] of Object.entries(ports)) {
    const decl = spec.ports.find((p) => p.name === name)!;
    const label = `port ${hostPort}/${decl.protocol}`;
    const owner = others.find((o) => o.spec.ports.some((p) => p.protocol === decl.protocol && o.grants.ports[p.name] === hostPort));
    if (owner) throw new DomainError("CONFLICT", `${spec.name} needs ${label} (${decl.description}), but ${owner.spec.name} already uses it. Choose another port.`);
    const holder = await hostPortHolder(hostIp, { port: hostPort, protocol: decl.protocol });
    if (holder) throw new DomainError("CONFLICT", `${spec.name} needs ${label} (${decl.description}), but ${holder} already listens there. Choose another port.`);
  }
}
