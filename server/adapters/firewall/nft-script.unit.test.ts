import { describe, expect, it } from "vitest";
import { DomainError } from "../../errors";
import { appendable, buildAppendScript, buildScript, removeScript, tableName } from "./nft-script";
import { ALWAYS_BLOCKED, LAN_RANGES, type ResolvedApp } from "./ruleset";

const T = "pcc-0a1b2c3d";
const app = (over: Partial<ResolvedApp> = {}): ResolvedApp => ({
  appId: "notes",
  bridge: "pccab12c",
  subnet: "10.131.7.0/24",
  egress: "none",
  lan: false,
  allow: [],
  ...over,
});
const v4 = (apps: ResolvedApp[]) => buildScript(T, apps, { ipv6: false });

/** The rules of one chain of the ip table, trimmed, without its hook line. */
function chainOf(script: string, name: string, family = "ip") {
  const table = script.slice(script.indexOf(`table ${family} ${T} {`));
  const start = table.indexOf(`chain ${name} {`);
  if (start < 0) return null;
  return table
    .slice(start, table.indexOf("\n  }", start))
    .split("\n")
    .slice(1)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("type filter"));
}

describe("buildScript: the exact script for one app without egress", () => {
  it("replaces both tables in one transaction, hooked before iptables' filter chains", () => {
    expect(buildScript(T, [app()], { ipv6: true })).toBe(
      [
        `table ip ${T}`,
        `delete table ip ${T}`,
        `table ip ${T} {`,
        "  chain egress-notes {",
        "    reject with icmp type admin-prohibited",
        "  }",
        "  chain input {",
        "    type filter hook input priority filter - 5; policy accept;",
        "    ct state established,related accept",
        '    iifname "pccab12c" reject with icmp type admin-prohibited comment "pcc app notes"',
        "  }",
        "  chain forward {",
        "    type filter hook forward priority filter - 5; policy accept;",
        "    ct state established,related accept",
        '    iifname "pccab12c" oifname "pccab12c" accept',
        '    iifname "pccab12c" jump egress-notes comment "pcc app notes"',
        '    oifname "pccab12c" ct status & dnat == 0 drop comment "pcc app notes"',
        "  }",
        "  chain output {",
        "    type filter hook output priority filter - 5; policy accept;",
        "    ct state established,related accept",
        "    ct status dnat accept",
        "    meta skuid 0 accept",
        '    ip daddr 10.131.7.0/24 reject with icmp type admin-prohibited comment "pcc app notes"',
        "  }",
        "}",
        `table ip6 ${T}`,
        `delete table ip6 ${T}`,
        `table ip6 ${T} {`,
        "  chain input {",
        "    type filter hook input priority filter - 5; policy accept;",
        '    iifname "pccab12c" drop comment "pcc app notes"',
        "  }",
        "  chain forward {",
        "    type filter hook forward priority filter - 5; policy accept;",
        '    iifname "pccab12c" oifname "pccab12c" accept',
        '    iifname "pccab12c" drop comment "pcc app notes"',
        '    oifname "pccab12c" drop comment "pcc app notes"',
        "  }",
        "  chain output {",
        "    type filter hook output priority filter - 5; policy accept;",
        '    oifname "pccab12c" drop comment "pcc app notes"',
        "  }",
        "}",
        "",
      ].join("\n"),
    );
  });

  it("names one table per instance", () => {
    expect(tableName("/var/lib/pcc")).toMatch(/^pcc-[0-9a-f]{8}$/);
    expect(tableName("a")).not.toBe(tableName("b"));
  });

  it("never accepts anything for good: only drops, rejects, returns and accept-to-continue in its own hooks", () => {
    const script = v4([app({ egress: "all" }), app({ appId: "b", bridge: "pccb", subnet: "10.140.0.0/24", egress: { hosts: ["x"] }, allow: ["1.2.3.4"] })]);
    // No jump to anything but PCC's own egress chains, no goto, no policy drop, no change to other tables.
    expect(script).not.toMatch(/goto|policy drop|table inet|table bridge|flush ruleset/);
    for (const m of script.matchAll(/jump (\S+)/g)) expect(m[1]).toMatch(/^egress-/);
  });

  it("removes the tables, and only them, when there is no app", () => {
    expect(buildScript(T, [], { ipv6: true })).toBe(removeScript(T, { ipv6: true }));
    expect(removeScript(T, { ipv6: false })).toBe(`table ip ${T}\ndelete table ip ${T}\n`);
  });
});

describe("egress chains", () => {
  const egressOf = (a: ResolvedApp, others: ResolvedApp[] = []) => chainOf(v4([a, ...others]), `egress-${a.appId}`)!;

  it("`all` rejects metadata, other apps and LAN ranges, then lets the rest fall through", () => {
    const r = egressOf(app({ egress: "all" }));
    expect(r).toEqual([...ALWAYS_BLOCKED, ...LAN_RANGES].map((d) => `ip daddr ${d} reject with icmp type admin-prohibited`));
  });

  it("`all` with lan keeps metadata and app networks blocked but opens RFC 1918", () => {
    const r = egressOf(app({ egress: "all", lan: true })).join("\n");
    expect(r).toContain("ip daddr 169.254.0.0/16 reject");
    expect(r).toContain("ip daddr 10.128.0.0/9 reject");
    expect(r).not.toContain("192.168.0.0/16");
  });

  it("`hosts` returns only for the resolved addresses, after the blocked ranges, then rejects", () => {
    const r = egressOf(app({ egress: { hosts: ["x"] }, allow: ["198.18.0.9", "1.2.3.4", "198.18.0.9"] }));
    expect(r.slice(-3)).toEqual(["ip daddr 1.2.3.4 return", "ip daddr 198.18.0.9 return", "reject with icmp type admin-prohibited"]);
    expect(r.findIndex((l) => l.includes("169.254.0.0/16"))).toBeLessThan(r.findIndex((l) => l.includes("1.2.3.4")));
  });

  it("blocks an app subnet outside 10.128.0.0/9 for the other apps", () => {
    const odd = app({ appId: "odd", bridge: "pccodd", subnet: "172.31.5.0/24" });
    expect(egressOf(app({ egress: "all", lan: true }), [odd]).join("\n")).toContain("ip daddr 172.31.5.0/24 reject");
    expect(egressOf({ ...odd, egress: "all", lan: true }, [app()]).join("\n")).not.toContain("172.31.5.0/24");
  });

  it("keeps each app's forward rules together: its same-bridge traffic, then its grant, then its door", () => {
    const fwd = chainOf(v4([app(), app({ appId: "b", bridge: "pccb", subnet: "10.140.0.0/24" })]), "forward")!;
    expect(fwd.slice(1).map((l) => l.replace(/ comment .*/, ""))).toEqual([
      'iifname "pccab12c" oifname "pccab12c" accept',
      'iifname "pccab12c" jump egress-notes',
      'oifname "pccab12c" ct status & dnat == 0 drop',
      'iifname "pccb" oifname "pccb" accept',
      'iifname "pccb" jump egress-b',
      'oifname "pccb" ct status & dnat == 0 drop',
    ]);
  });

  it("defines every egress chain before the rule that jumps to it", () => {
    const script = v4([app(), app({ appId: "b", bridge: "pccb", subnet: "10.140.0.0/24" })]);
    for (const id of ["notes", "b"]) expect(script.indexOf(`chain egress-${id} {`)).toBeLessThan(script.indexOf(`jump egress-${id}`));
  });
});

describe("DNS and the issuer's back channel", () => {
  it("gives DNS on the gateway only to an app that may reach the internet", () => {
    expect(chainOf(v4([app()]), "input")!.join("\n")).not.toContain("dport 53");
    expect(chainOf(v4([app({ egress: "all" })]), "input")).toEqual([
      "ct state established,related accept",
      'iifname "pccab12c" ip daddr 10.131.7.1 udp dport 53 accept',
      'iifname "pccab12c" ip daddr 10.131.7.1 tcp dport 53 accept',
      'iifname "pccab12c" reject with icmp type admin-prohibited comment "pcc app notes"',
    ]);
  });

  it("lets an OIDC app reach exactly that port on its own gateway, before the reject", () => {
    const input = chainOf(v4([app({ issuerPort: 8443 }), app({ appId: "other", bridge: "pccff00", subnet: "10.131.8.0/24" })]), "input")!;
    const open = 'iifname "pccab12c" ip daddr 10.131.7.1 tcp dport 8443 accept';
    expect(input).toContain(open);
    expect(input.indexOf(open)).toBeLessThan(input.findIndex((r) => r.includes('iifname "pccab12c" reject')));
    expect(input.filter((r) => r.includes("dport 8443"))).toEqual([open]);
  });
});

describe("hostile input is refused, never interpolated", () => {
  it("refuses a resolved address that is not a plain IPv4 address", () => {
    expect(() => v4([app({ egress: { hosts: ["x"] }, allow: ["1.2.3.4 accept"] })])).toThrow(DomainError);
    expect(() => v4([app({ egress: { hosts: ["x"] }, allow: ["1.2.3.4/0"] })])).toThrow(DomainError);
  });

  it.each(["pcc-0a1b2c3d; flush ruleset", "filter", "pcc-0A1B2C3D", ""])("refuses the table name %j", (table) => {
    expect(() => buildScript(table, [app()], { ipv6: false })).toThrow(DomainError);
    expect(() => removeScript(table, { ipv6: false })).toThrow(DomainError);
  });

  it("refuses a bridge that would close its quotes", () => {
    expect(() => v4([app({ bridge: 'br0" accept' })])).toThrow(DomainError);
  });
});

/** Each chain's rules in a script: a full one (`table … { chain … { … } }`) or an append (`add …` lines). */
function chains(script: string, into = new Map<string, string[]>()) {
  let family = "";
  let current: string | null = null;
  for (const raw of script.split("\n")) {
    const line = raw.trim();
    const table = /^table (ip6?) \S+ \{$/.exec(line);
    const chainStart = /^chain (\S+) \{$/.exec(line);
    const added = /^add (chain|rule) (ip6?) \S+ (\S+)(?: (.*))?$/.exec(line);
    if (table) family = table[1]!;
    else if (chainStart) into.set((current = `${family} ${chainStart[1]}`), into.get(current) ?? []);
    else if (line === "}") current = null;
    else if (added) {
      const key = `${added[2]} ${added[3]}`;
      into.set(key, into.get(key) ?? []);
      if (added[1] === "rule") into.get(key)!.push(added[4]!);
    } else if (current && line && !line.startsWith("type filter")) into.get(current)!.push(line);
  }
  return into;
}

describe("buildAppendScript: adding apps without rewriting the tables", () => {
  const a = app();
  const b = app({ appId: "b", bridge: "pccb", subnet: "10.140.0.0/24", egress: { hosts: ["a.example"] }, allow: ["198.18.0.9"] });
  const c = app({ appId: "c", bridge: "pccc", subnet: "10.140.1.0/24", egress: "all", lan: true, issuerPort: 443 });
  const sorted = (m: Map<string, string[]>) => [...m].sort(([x], [y]) => x.localeCompare(y));

  it("leaves the kernel with exactly the rules a whole rewrite would write", () => {
    for (const ipv6 of [false, true]) {
      const appended = chains(buildAppendScript(T, [a], [b, c], { ipv6 }), chains(buildScript(T, [a], { ipv6 })));
      expect(sorted(appended)).toEqual(sorted(chains(buildScript(T, [a, b, c], { ipv6 }))));
      // Onto no tables (the last app was removed): the tables and their hooks are made too.
      expect(sorted(chains(buildAppendScript(T, [], [a, b], { ipv6 })))).toEqual(sorted(chains(buildScript(T, [a, b], { ipv6 }))));
      const fromNothing = buildAppendScript(T, [], [a], { ipv6 });
      expect(fromNothing).toContain(`add chain ip ${T} forward { type filter hook forward priority filter - 5; policy accept; }\n`);
      expect(fromNothing.includes(`add chain ip6 ${T} output { type filter hook output priority filter - 5; policy accept; }\n`)).toBe(ipv6);
    }
  });

  it("only adds: no delete, no flush, nothing about the apps already there", () => {
    const script = buildAppendScript(T, [a], [b], { ipv6: true });
    expect(script.split("\n").filter(Boolean).every((l) => l.startsWith("add chain ") || l.startsWith("add rule "))).toBe(true);
    expect(script).not.toContain("pccab12c");
    expect(script).toContain(`add chain ip ${T} egress-b`);
    expect(script.indexOf("add chain ip " + T + " egress-b")).toBeLessThan(script.indexOf("jump egress-b"));
  });

  it("is possible only when the earlier apps stay as they were and every new subnet is a PCC one", () => {
    expect(appendable([a], [a, b])).toBe(true);
    expect(appendable([a], [b, a])).toBe(true);
    expect(appendable([], [a])).toBe(true);
    expect(appendable([a], [a])).toBe(false);
    expect(appendable([a, b], [a])).toBe(false);
    expect(appendable([a], [{ ...a, egress: "all" }, b])).toBe(false);
    expect(appendable([b], [{ ...b, allow: ["198.18.0.10"] }, a])).toBe(false);
    // Other apps' egress chains block such a subnet by name: they would change.
    expect(appendable([a], [a, app({ appId: "odd", bridge: "pccodd", subnet: "172.31.5.0/24" })])).toBe(false);
    expect(() => buildAppendScript(T, [a], [{ ...a, appId: "x", bridge: "pccx", subnet: "172.31.5.0/24" }], { ipv6: false })).toThrow(DomainError);
  });

  it("refuses hostile input as the whole script does", () => {
    expect(() => buildAppendScript(T, [a], [app({ appId: "b", bridge: 'x" accept #', subnet: "10.140.0.0/24" })], { ipv6: false })).toThrow(DomainError);
    expect(() => buildAppendScript("pcc-x; flush ruleset", [a], [b], { ipv6: false })).toThrow(DomainError);
  });
});
