import { createHash } from "node:crypto";
import { DomainError } from "../../errors";
import type { AppNetRule } from "./firewall";
import { cidrWithin, formatCidr, formatIpv4, parseCidr, parseIpv4, type Cidr } from "./ipv4";

/**
 * Pure rule generation: AppNetRule[] → the exact chains, in iptables-save's canonical spelling, so the
 * adapter can both write them with iptables-restore and tell whether what the kernel holds already
 * matches. Every value that reaches a rule is validated first; nothing is ever quoted or escaped.
 *
 * Design: PCC's chains only ever DROP/REJECT or RETURN, never ACCEPT. Allowed traffic falls through to
 * whatever the host already had (netavark's own ACCEPTs), so PCC can narrow but never widen the host's
 * policy. That is also why the egress jumps come before any RETURN that leaves the FORWARD chain.
 */

export type Builtin = "INPUT" | "FORWARD" | "OUTPUT";

/** An app whose `hosts` grant has been resolved to IPv4 addresses (empty for `none`/`all`). */
export type ResolvedApp = AppNetRule & { allow: string[] };

/** Chains keyed by name, each with its rules as full `-A CHAIN …` lines, plus one jump per builtin. */
export type Ruleset = { chains: Map<string, string[]>; hooks: { builtin: Builtin; chain: string }[] };

const APP_ID = /^[a-z][a-z0-9-]{0,29}$/;
// Linux allows 15 bytes; a narrow alphabet keeps it a single, unquoted iptables word.
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

const REJECT4 = "-j REJECT --reject-with icmp-admin-prohibited";
// Replies and related ICMP of connections that were allowed when they opened.
const REPLIES = "-m conntrack --ctstate RELATED,ESTABLISHED -j RETURN";
const note = (appId: string) => `-m comment --comment "pcc app ${appId}"`;
const short = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 8);

/** `PCC-<8 hex>`: one prefix per PCC instance, so two PCCs on one machine never touch each other's chains. */
export const chainPrefix = (instanceId: string) => `PCC-${short(instanceId)}`;

export const chainNames = (prefix: string) => ({
  input: `${prefix}-IN`,
  forward: `${prefix}-FWD`,
  output: `${prefix}-OUT`,
  // Bridge names are ≤15 characters but the chain limit is 28: a hash keeps every name at 23.
  egress: (bridge: string) => `${prefix}-E-${short(bridge)}`,
});

const hooksFor = (n: ReturnType<typeof chainNames>): Ruleset["hooks"] => [
  { builtin: "INPUT", chain: n.input },
  { builtin: "FORWARD", chain: n.forward },
  { builtin: "OUTPUT", chain: n.output },
];

/** Any PCC instance's hook chain; PCC jumps may sit above each other but above nobody else's rules. */
export const PCC_HOOK = /^PCC-[0-9a-f]{8}-(IN|FWD|OUT)$/;

const invalid = (msg: string): never => {
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
function extraAppSubnets(apps: AppNetRule[]) {
  const pccRange = parseCidr("10.128.0.0/9")!;
  return apps.map((a) => parseCidr(a.subnet)!).filter((s) => !cidrWithin(s, pccRange)).map(formatCidr);
}

function egressRules(chain: string, app: ResolvedApp, others: string[]) {
  const out: string[] = [];
  const reject = (dst: string) => out.push(`-A ${chain} -d ${dst} ${REJECT4}`);
  if (app.egress === "none") {
    out.push(`-A ${chain} ${REJECT4}`);
    return out;
  }
  [...ALWAYS_BLOCKED, ...others].forEach(reject);
  if (!app.lan) LAN_RANGES.forEach(reject);
  if (app.egress !== "all") {
    for (const ip of [...new Set(app.allow)].sort()) {
      if (parseIpv4(ip) === null) invalid(`App ${app.appId} has an invalid resolved address ${JSON.stringify(ip)}.`);
      out.push(`-A ${chain} -d ${ip}/32 -j RETURN`);
    }
    out.push(`-A ${chain} ${REJECT4}`);
  }
  return out;
}

/** The IPv4 ruleset for these apps (validated here too, so no caller can skip it). */
export function buildV4(prefix: string, apps: ResolvedApp[]): Ruleset {
  validateApps(apps);
  const n = chainNames(prefix);
  const input = [`-A ${n.input} ${REPLIES}`];
  const forward = [`-A ${n.forward} ${REPLIES}`];
  const output = [`-A ${n.output} -m conntrack --ctstate RELATED,ESTABLISHED,DNAT -j RETURN`, `-A ${n.output} -m owner --uid-owner 0 -j RETURN`];
  const chains = new Map<string, string[]>();
  const others = extraAppSubnets(apps);

  for (const a of apps) {
    const gw = formatIpv4(parseCidr(a.subnet)!.base + 1);
    // An app that may reach the internet may ask aardvark-dns on its gateway (which forwards to the host's
    // resolvers); one that may not gets no DNS at all: forwarded queries would be a way out. Its services
    // find each other through /etc/hosts.
    if (a.egress !== "none") {
      input.push(`-A ${n.input} -d ${gw}/32 -i ${a.bridge} -p udp -m udp --dport 53 -j RETURN`);
      input.push(`-A ${n.input} -d ${gw}/32 -i ${a.bridge} -p tcp -m tcp --dport 53 -j RETURN`);
    }
    // An OIDC app reaches the issuer's back channel on its own gateway, that port only (oidc-back-channel.ts).
    if (a.issuerPort) input.push(`-A ${n.input} -d ${gw}/32 -i ${a.bridge} -p tcp -m tcp --dport ${a.issuerPort} -j RETURN`);
    input.push(`-A ${n.input} -i ${a.bridge} ${note(a.appId)} ${REJECT4}`);
    // Only root (PCC's probes and forwarder) dials containers; published ports arrive DNATed.
    output.push(`-A ${n.output} -d ${a.subnet} ${note(a.appId)} ${REJECT4}`);
  }
  // Same-bridge traffic only shows up here when br_netfilter is loaded; it is the app's own business.
  for (const a of apps) forward.push(`-A ${n.forward} -i ${a.bridge} -o ${a.bridge} -j RETURN`);
  // Egress first: a packet between two app bridges must pass the sender's grant and the receiver's door.
  for (const a of apps) {
    const chain = n.egress(a.bridge);
    chains.set(chain, egressRules(chain, a, others.filter((s) => s !== a.subnet)));
    forward.push(`-A ${n.forward} -i ${a.bridge} ${note(a.appId)} -j ${chain}`);
  }
  // Into an app bridge from anywhere else: only published ports (DNAT) open a connection.
  for (const a of apps) forward.push(`-A ${n.forward} -o ${a.bridge} -m conntrack ! --ctstate DNAT ${note(a.appId)} -j DROP`);

  return {
    chains: new Map([[n.input, input], [n.forward, forward], [n.output, output], ...chains]),
    hooks: hooksFor(n),
  };
}

/**
 * Apps have no IPv6: nothing enters or leaves an app bridge over IPv6, link-local included (without this a
 * container reaches every host service listening on [::] through the bridge's fe80:: address).
 * Same-bridge traffic is left alone, as for IPv4.
 */
export function buildV6(prefix: string, apps: AppNetRule[]): Ruleset {
  validateApps(apps);
  const n = chainNames(prefix);
  return {
    chains: new Map([
      [n.input, apps.map((a) => `-A ${n.input} -i ${a.bridge} ${note(a.appId)} -j DROP`)],
      [
        n.forward,
        [
          ...apps.map((a) => `-A ${n.forward} -i ${a.bridge} -o ${a.bridge} -j RETURN`),
          ...apps.flatMap((a) => [`-A ${n.forward} -i ${a.bridge} ${note(a.appId)} -j DROP`, `-A ${n.forward} -o ${a.bridge} ${note(a.appId)} -j DROP`]),
        ],
      ],
      [n.output, apps.map((a) => `-A ${n.output} -o ${a.bridge} ${note(a.appId)} -j DROP`)],
    ]),
    hooks: hooksFor(n),
  };
}
