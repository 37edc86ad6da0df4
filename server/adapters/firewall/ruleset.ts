import { DomainError } from "../../errors";
import type { AppNetRule } from "./firewall";
import { cidrWithin, formatCidr, formatIpv4, parseCidr, parseIpv4, type Cidr } from "./ipv4";

/**
 * What the firewall's rules are made of, before any syntax (nft-script.ts writes them): the ranges no app
 * may reach, validation of everything that will reach a rule, and the sorting of egress grants.
 */

/** An app whose `hosts` grant has been resolved to IPv4 addresses (empty for `none`/`all`). */
export type ResolvedApp = AppNetRule & { allow: string[] };

const APP_ID = /^[a-z][a-z0-9-]{0,29}$/;
// Linux allows 15 bytes; a narrow alphabet keeps it a plain word inside the rule's quotes.
const BRIDGE = /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,14}$/;
// One DNS label (RFC 1123, underscore tolerated as real zones use it), dotted, at most 253 characters.
const HOST_NAME = /^(?=.{1,253}\.?$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/;

/** Never reachable from an app, whatever it was granted. */
export const ALWAYS_BLOCKED = [
  "0.0.0.0/8", // "this network"
  "127.0.0.0/8", // loopback: unroutable anyway, listed so the intent is visible
  "169.254.0.0/16", // link-local: cloud metadata 169.254.169.254, AWS ECS 169.254.170.2, time 169.254.169.123
  "100.100.100.200/32", // Alibaba Cloud metadata (inside CGNAT, so it must precede the LAN exceptions)
  "168.63.129.16/32", // Azure WireServer: a public address that hands VM agent configuration to the guest
  "10.128.0.0/9", // every PCC app network, of this and of any other PCC on the machine
  "224.0.0.0/4", // multicast
  "240.0.0.0/4", // reserved, including the limited broadcast 255.255.255.255
];

/** Private networks an app reaches only with `lan: true`. 198.18.0.0/15 is deliberately absent (public). */
export const LAN_RANGES = [
  "10.0.0.0/8",
  "172.16.0.0/12",
  "192.168.0.0/16",
  "100.64.0.0/10", // CGNAT: carrier NAT, Tailscale and similar overlays
  "192.0.0.0/24", // IETF protocol assignments
  "192.0.2.0/24", // documentation ranges: unrouted on the internet, used by labs and test networks
  "198.51.100.0/24",
  "203.0.113.0/24",
];

export const invalid = (msg: string): never => {
  throw new DomainError("INVALID_INPUT", msg);
};

/** Refuses anything that is not a plain app id, bridge name or IPv4 subnet, and duplicates. */
export function validateApps(apps: AppNetRule[]) {
  const seen = { id: new Set<string>(), bridge: new Set<string>(), subnet: [] as Cidr[] };
  for (const a of apps) {
    if (typeof a.appId !== "string" || !APP_ID.test(a.appId)) invalid(`The firewall refuses the app id ${JSON.stringify(a.appId)}.`);
    if (typeof a.bridge !== "string" || !BRIDGE.test(a.bridge)) invalid(`App ${a.appId} has an invalid bridge name ${JSON.stringify(a.bridge)}.`);
    const subnet = typeof a.subnet === "string" ? parseCidr(a.subnet) : null;
    if (!subnet || subnet.prefix < 8 || subnet.prefix > 30) invalid(`App ${a.appId} has an invalid subnet ${JSON.stringify(a.subnet)}.`);
    const egressOk = a.egress === "none" || a.egress === "all" || (typeof a.egress === "object" && a.egress !== null && Array.isArray(a.egress.hosts));
    if (!egressOk) invalid(`App ${a.appId} has an invalid egress grant.`);
    if (typeof a.lan !== "boolean") invalid(`App ${a.appId} has an invalid lan flag.`);
    const port = a.issuerPort;
    if (port !== undefined && port !== null && !(Number.isInteger(port) && port >= 1 && port <= 65535)) invalid(`App ${a.appId} has an invalid issuer port.`);
    if (seen.id.has(a.appId)) invalid(`App ${a.appId} is listed twice.`);
    if (seen.bridge.has(a.bridge)) invalid(`Bridge ${a.bridge} is used by two apps.`);
    if (seen.subnet.some((s) => cidrWithin(s, subnet!) || cidrWithin(subnet!, s))) invalid(`Subnet ${a.subnet} overlaps another app's.`);
    seen.id.add(a.appId);
    seen.bridge.add(a.bridge);
    seen.subnet.push(subnet!);
  }
}

export type HostKind = { kind: "ip"; ip: string } | { kind: "name"; name: string } | { kind: "invalid"; reason: string };

/** Sorts a grant entry into an IPv4 literal, a host name to resolve, or something refused outright. */
export function classifyHost(host: unknown): HostKind {
  if (typeof host !== "string") return { kind: "invalid", reason: "is not a host name" };
  const h = host.toLowerCase();
  const ip = parseIpv4(h);
  if (ip !== null) return { kind: "ip", ip: formatIpv4(ip) };
  if (h.includes(":")) return { kind: "invalid", reason: "is an IPv6 address; apps have no IPv6" };
  if (/^[0-9.]+$/.test(h)) return { kind: "invalid", reason: "is not a valid IPv4 address" };
  if (!HOST_NAME.test(h)) return { kind: "invalid", reason: "is not a valid host name" };
  return { kind: "name", name: h.replace(/\.$/, "") };
}

/** The first blocked range an address falls in for this app, or null when the grant may reach it. */
export function blockedBy(ip: string, lan: boolean): string | null {
  const n = parseIpv4(ip);
  if (n === null) return "not IPv4";
  const ranges = lan ? ALWAYS_BLOCKED : [...ALWAYS_BLOCKED, ...LAN_RANGES];
  return ranges.find((r) => cidrWithin({ base: n, prefix: 32 }, parseCidr(r)!)) ?? null;
}

/** Subnets that must be blocked on egress beyond ALWAYS_BLOCKED: app networks outside 10.128.0.0/9. */
export function extraAppSubnets(apps: AppNetRule[]) {
  const pccRange = parseCidr("10.128.0.0/9")!;
  return apps.map((a) => parseCidr(a.subnet)!).filter((s) => !cidrWithin(s, pccRange)).map(formatCidr);
}
