import { instanceTag } from "../../lib/instance-tag";
import type { AppNetRule } from "./firewall";
import { formatIpv4, parseCidr, parseIpv4 } from "./ipv4";
import { ALWAYS_BLOCKED, extraAppSubnets, invalid, LAN_RANGES, validateApps, type ResolvedApp } from "./ruleset";

/**
 * Pure rule generation: the apps → one `nft -f` script that replaces this PCC's tables whole.
 *
 * Design:
 * - PCC's rules live in tables of their own (`ip` and `ip6`, named per instance), hooked at priority
 *   `filter - 5`: before iptables' filter chains, where netavark keeps its rules. Netfilter runs every
 *   base chain of a hook in priority order, and a drop (or reject) in any of them is final, while an
 *   accept only ends that chain. PCC's chains therefore only drop, reject or accept-to-continue: they
 *   narrow what the host allows and can never widen it, and no rule netavark inserts can get above them.
 * - A script declares the table, deletes it and defines it again: one transaction, so the kernel holds
 *   the old rules or the new ones, never a mix, and nothing stale survives a rewrite.
 * - Every value that reaches a rule is validated first (app ids, bridge names, subnets, addresses);
 *   nothing is ever quoted from input beyond those plain words.
 */

/** `pcc-<8 hex>`: one table name per PCC instance, so two PCCs on one machine never touch each other's. */
export const tableName = (instanceId: string) => `pcc-${instanceTag(instanceId, 8)}`;

const TABLE = /^pcc-[0-9a-f]{8}$/;
const PRIORITY = "filter - 5";
const REJECT4 = "reject with icmp type admin-prohibited";
const note = (appId: string) => `comment "pcc app ${appId}"`;
const dev = (bridge: string) => `"${bridge}"`;
const egressChain = (appId: string) => `egress-${appId}`;

const base = (hook: "input" | "forward" | "output", rules: string[]) => [
  `  chain ${hook} {`,
  `    type filter hook ${hook} priority ${PRIORITY}; policy accept;`,
  ...rules.map((r) => `    ${r}`),
  "  }",
];

const chain = (name: string, rules: string[]) => [`  chain ${name} {`, ...rules.map((r) => `    ${r}`), "  }"];

/** Declare, delete, define: replaces the table in the same transaction (declaring first makes delete safe). */
const replaceTable = (family: "ip" | "ip6", table: string, body: string[]) => [`table ${family} ${table}`, `delete table ${family} ${table}`, `table ${family} ${table} {`, ...body, "}"];

function egressRules(app: ResolvedApp, others: string[]) {
  if (app.egress === "none") return [REJECT4];
  const out = [...ALWAYS_BLOCKED, ...others, ...(app.lan ? [] : LAN_RANGES)].map((dst) => `ip daddr ${dst} ${REJECT4}`);
  if (app.egress === "all") return out;
  for (const ip of [...new Set(app.allow)].sort()) {
    if (parseIpv4(ip) === null) invalid(`App ${app.appId} has an invalid resolved address ${JSON.stringify(ip)}.`);
    out.push(`ip daddr ${ip} return`);
  }
  return [...out, REJECT4];
}

/** IPv4: what the host, other networks and the apps themselves may reach. */
function ipv4Body(apps: ResolvedApp[]) {
  const replies = "ct state established,related accept";
  const input = [replies];
  // Only root (PCC's probes and forwarder) dials containers; published ports arrive DNATed.
  const output = [replies, "ct status dnat accept", "meta skuid 0 accept"];
  const forward = [replies];
  const egress: string[] = [];
  const others = extraAppSubnets(apps);

  for (const a of apps) {
    const gw = formatIpv4(parseCidr(a.subnet)!.base + 1);
    const from = `iifname ${dev(a.bridge)} ip daddr ${gw}`;
    // An app that may reach the internet may ask aardvark-dns on its gateway (which forwards to the host's
    // resolvers); one that may not gets no DNS at all: forwarded queries would be a way out. Its services
    // find each other through /etc/hosts.
    if (a.egress !== "none") input.push(`${from} udp dport 53 accept`, `${from} tcp dport 53 accept`);
    // An OIDC app reaches the issuer's back channel on its own gateway, that port only (oidc-back-channel.ts).
    if (a.issuerPort) input.push(`${from} tcp dport ${a.issuerPort} accept`);
    input.push(`iifname ${dev(a.bridge)} ${REJECT4} ${note(a.appId)}`);
    output.push(`ip daddr ${a.subnet} ${REJECT4} ${note(a.appId)}`);
    egress.push(...chain(egressChain(a.appId), egressRules(a, others.filter((s) => s !== a.subnet))));
  }
  // Same-bridge traffic only shows up here when br_netfilter is loaded; it is the app's own business.
  for (const a of apps) forward.push(`iifname ${dev(a.bridge)} oifname ${dev(a.bridge)} accept`);
  // Egress first: a packet between two app bridges must pass the sender's grant and the receiver's door.
  for (const a of apps) forward.push(`iifname ${dev(a.bridge)} jump ${egressChain(a.appId)} ${note(a.appId)}`);
  // Into an app bridge from anywhere else: only published ports (DNAT) open a connection.
  for (const a of apps) forward.push(`oifname ${dev(a.bridge)} ct status & dnat == 0 drop ${note(a.appId)}`);

  return [...egress, ...base("input", input), ...base("forward", forward), ...base("output", output)];
}

/**
 * Apps have no IPv6: nothing enters or leaves an app bridge over IPv6, link-local included (without this a
 * container reaches every host service listening on [::] through the bridge's fe80:: address).
 * Same-bridge traffic is left alone, as for IPv4.
 */
function ipv6Body(apps: AppNetRule[]) {
  return [
    ...base("input", apps.map((a) => `iifname ${dev(a.bridge)} drop ${note(a.appId)}`)),
    ...base("forward", [
      ...apps.map((a) => `iifname ${dev(a.bridge)} oifname ${dev(a.bridge)} accept`),
      ...apps.flatMap((a) => [`iifname ${dev(a.bridge)} drop ${note(a.appId)}`, `oifname ${dev(a.bridge)} drop ${note(a.appId)}`]),
    ]),
    ...base("output", apps.map((a) => `oifname ${dev(a.bridge)} drop ${note(a.appId)}`)),
  ];
}

/**
 * The whole script for these apps (validated here too, so no caller can skip it). With no app, the
 * tables are removed: nothing of PCC's stays in the kernel.
 */
export function buildScript(table: string, apps: ResolvedApp[], opts: { ipv6: boolean }): string {
  if (!TABLE.test(table)) invalid(`The firewall refuses the table name ${JSON.stringify(table)}.`);
  validateApps(apps);
  if (!apps.length) return removeScript(table, opts);
  const out = replaceTable("ip", table, ipv4Body(apps));
  if (opts.ipv6) out.push(...replaceTable("ip6", table, ipv6Body(apps)));
  return out.join("\n") + "\n";
}

/** Removes this instance's tables, whether or not they exist, and nothing else. */
export function removeScript(table: string, opts: { ipv6: boolean }): string {
  if (!TABLE.test(table)) invalid(`The firewall refuses the table name ${JSON.stringify(table)}.`);
  const families = opts.ipv6 ? (["ip", "ip6"] as const) : (["ip"] as const);
  return families.flatMap((f) => [`table ${f} ${table}`, `delete table ${f} ${table}`]).join("\n") + "\n";
}
