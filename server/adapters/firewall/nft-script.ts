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

/** The rules of each chain, before any table syntax: what both the full script and an append write. */
type Rules = { input: string[]; forward: string[]; output: string[] };
type AppRules4 = Rules & { egress: { name: string; rules: string[] } };

const REPLIES = "ct state established,related accept";
// Only root (PCC's probes and forwarder) dials containers; published ports arrive DNATed.
const BASE4: Rules = { input: [REPLIES], forward: [REPLIES], output: [REPLIES, "ct status dnat accept", "meta skuid 0 accept"] };

/**
 * IPv4, one app: what it, the host and other networks may reach of each other. Every rule names the app's
 * bridge or subnet, so apps' groups are independent of each other and of their order: a new app's group
 * can be appended to the chains as they are (the only accepts are replies and the app's own same-bridge
 * traffic; everything else a packet meets can only drop, reject, or return to go on).
 */
function appRules4(a: ResolvedApp, others: string[]): AppRules4 {
  const gw = formatIpv4(parseCidr(a.subnet)!.base + 1);
  const from = `iifname ${dev(a.bridge)} ip daddr ${gw}`;
  const input: string[] = [];
  // An app that may reach the internet may ask aardvark-dns on its gateway (which forwards to the host's
  // resolvers); one that may not gets no DNS at all: forwarded queries would be a way out. Its services
  // find each other through /etc/hosts.
  if (a.egress !== "none") input.push(`${from} udp dport 53 accept`, `${from} tcp dport 53 accept`);
  // An OIDC app reaches the issuer's back channel on its own gateway, that port only (oidc-back-channel.ts).
  if (a.issuerPort) input.push(`${from} tcp dport ${a.issuerPort} accept`);
  input.push(`iifname ${dev(a.bridge)} ${REJECT4} ${note(a.appId)}`);
  return {
    egress: { name: egressChain(a.appId), rules: egressRules(a, others.filter((s) => s !== a.subnet)) },
    input,
    forward: [
      // Same-bridge traffic only shows up here when br_netfilter is loaded; it is the app's own business.
      `iifname ${dev(a.bridge)} oifname ${dev(a.bridge)} accept`,
      // Leaving the app: its egress grant. A packet between two app bridges meets the sender's grant and
      // the receiver's door, in whichever order their groups come; either stops it.
      `iifname ${dev(a.bridge)} jump ${egressChain(a.appId)} ${note(a.appId)}`,
      // Into the app's bridge from anywhere else: only published ports (DNAT) open a connection.
      `oifname ${dev(a.bridge)} ct status & dnat == 0 drop ${note(a.appId)}`,
    ],
    output: [`ip daddr ${a.subnet} ${REJECT4} ${note(a.appId)}`],
  };
}

/**
 * IPv6, one app: apps have no IPv6, so nothing enters or leaves its bridge over IPv6, link-local included
 * (without this a container reaches every host service listening on [::] through the bridge's fe80::
 * address). Same-bridge traffic is left alone, as for IPv4.
 */
function appRules6(a: AppNetRule): Rules {
  return {
    input: [`iifname ${dev(a.bridge)} drop ${note(a.appId)}`],
    forward: [
      `iifname ${dev(a.bridge)} oifname ${dev(a.bridge)} accept`,
      `iifname ${dev(a.bridge)} drop ${note(a.appId)}`,
      `oifname ${dev(a.bridge)} drop ${note(a.appId)}`,
    ],
    output: [`oifname ${dev(a.bridge)} drop ${note(a.appId)}`],
  };
}

function ipv4Body(apps: ResolvedApp[]) {
  const others = extraAppSubnets(apps);
  const groups = apps.map((a) => appRules4(a, others));
  const all = (k: keyof Rules) => [...BASE4[k], ...groups.flatMap((g) => g[k])];
  return [...groups.flatMap((g) => chain(g.egress.name, g.egress.rules)), ...base("input", all("input")), ...base("forward", all("forward")), ...base("output", all("output"))];
}

function ipv6Body(apps: AppNetRule[]) {
  const groups = apps.map(appRules6);
  return (["input", "forward", "output"] as const).flatMap((k) => base(k, groups.flatMap((g) => g[k])));
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

/**
 * Adds apps to tables this PCC wrote with `buildScript(table, before)` (with `before` empty: to no tables,
 * which that wrote by removing them): their egress chains and their groups at the end of each chain, and
 * nothing else. Only additions, because an nftables transaction that deletes anything waits for the
 * kernel's RCU grace period when its socket closes (~10 to 20 ms here), while one that only adds does not.
 * The result is the ruleset `buildScript(table, [...before, ...added])` writes (a unit test holds them
 * equal), and only valid when the other apps' rules do not change: the caller checks `appendable` first and
 * writes the whole tables otherwise.
 */
export function buildAppendScript(table: string, before: ResolvedApp[], added: ResolvedApp[], opts: { ipv6: boolean }): string {
  if (!TABLE.test(table)) invalid(`The firewall refuses the table name ${JSON.stringify(table)}.`);
  const apps = [...before, ...added];
  validateApps(apps);
  if (!appendable(before, apps)) invalid("These apps cannot be added to the firewall without rewriting it.");
  const others = extraAppSubnets(apps);
  const out: string[] = [];
  // Onto no tables at all (this PCC removed them with its last app): the tables and their hooks first.
  if (before.length === 0) {
    for (const family of opts.ipv6 ? (["ip", "ip6"] as const) : (["ip"] as const)) {
      out.push(`add table ${family} ${table}`);
      for (const k of ["input", "forward", "output"] as const) {
        out.push(`add chain ${family} ${table} ${k} { type filter hook ${k} priority ${PRIORITY}; policy accept; }`);
        if (family === "ip") out.push(...BASE4[k].map((r) => `add rule ip ${table} ${k} ${r}`));
      }
    }
  }
  const addRules = (family: "ip" | "ip6", rules: Rules) =>
    (["input", "forward", "output"] as const).forEach((k) => rules[k].forEach((r) => out.push(`add rule ${family} ${table} ${k} ${r}`)));
  for (const a of added) {
    const g = appRules4(a, others);
    out.push(`add chain ip ${table} ${g.egress.name}`, ...g.egress.rules.map((r) => `add rule ip ${table} ${g.egress.name} ${r}`));
    addRules("ip", g);
  }
  if (opts.ipv6) for (const a of added) addRules("ip6", appRules6(a));
  return out.join("\n") + "\n";
}

/**
 * Whether `after` is `before` plus apps that can be appended: every earlier app unchanged, at least one
 * new, and no new app whose subnet other apps' egress chains would have to block by name (outside
 * 10.128.0.0/9, which every egress chain blocks already).
 */
export function appendable(before: ResolvedApp[], after: ResolvedApp[]): boolean {
  const key = (a: ResolvedApp) => JSON.stringify([a.appId, a.bridge, a.subnet, a.egress, a.lan, a.issuerPort ?? null, [...new Set(a.allow)].sort()]);
  const now = new Map(after.map((a) => [a.appId, key(a)]));
  if (after.length <= before.length) return false;
  if (!before.every((a) => now.get(a.appId) === key(a))) return false;
  return extraAppSubnets(after).join() === extraAppSubnets(before).join();
}

/** Removes this instance's tables, whether or not they exist, and nothing else. */
export function removeScript(table: string, opts: { ipv6: boolean }): string {
  if (!TABLE.test(table)) invalid(`The firewall refuses the table name ${JSON.stringify(table)}.`);
  const families = opts.ipv6 ? (["ip", "ip6"] as const) : (["ip"] as const);
  return families.flatMap((f) => [`table ${f} ${table}`, `delete table ${f} ${table}`]).join("\n") + "\n";
}
