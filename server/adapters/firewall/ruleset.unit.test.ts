import { describe, expect, it } from "vitest";
import { DomainError } from "../../errors";
import type { AppNetRule } from "./firewall";
import { fullRestore } from "./restore-plan";
import { ALWAYS_BLOCKED, blockedBy, buildV4, buildV6, chainNames, chainPrefix, classifyHost, LAN_RANGES, validateApps, type ResolvedApp } from "./ruleset";

const P = "PCC-0a1b2c3d";
const app = (over: Partial<ResolvedApp> = {}): ResolvedApp => ({
  appId: "notes",
  bridge: "pccab12c",
  subnet: "10.131.7.0/24",
  egress: "none",
  lan: false,
  allow: [],
  ...over,
});
const rules = (r: ReturnType<typeof buildV4>, chain: string) => r.chains.get(chain) ?? [];
const n = chainNames(P);

describe("fullRestore(buildV4): the exact script for one app without egress", () => {
  it("matches iptables-save's own spelling, line for line", () => {
    const E = n.egress("pccab12c");
    expect(fullRestore(P, buildV4(P, [app()]))).toBe(
      [
        "*filter",
        `:${P}-IN - [0:0]`,
        `:${P}-FWD - [0:0]`,
        `:${P}-OUT - [0:0]`,
        `:${E} - [0:0]`,
        `-A ${P}-IN -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN`,
        `-A ${P}-IN -i pccab12c -m comment --comment "pcc app notes" -j REJECT --reject-with icmp-admin-prohibited`,
        `-A ${P}-FWD -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN`,
        `-A ${P}-FWD -i pccab12c -o pccab12c -j RETURN`,
        `-A ${P}-FWD -i pccab12c -m comment --comment "pcc app notes" -j ${E}`,
        `-A ${P}-FWD -o pccab12c -m conntrack ! --ctstate DNAT -m comment --comment "pcc app notes" -j DROP`,
        `-A ${P}-OUT -m conntrack --ctstate RELATED,ESTABLISHED,DNAT -j RETURN`,
        `-A ${P}-OUT -m owner --uid-owner 0 -j RETURN`,
        `-A ${P}-OUT -d 10.131.7.0/24 -m comment --comment "pcc app notes" -j REJECT --reject-with icmp-admin-prohibited`,
        `-A ${E} -j REJECT --reject-with icmp-admin-prohibited`,
        `-I INPUT 1 -j ${P}-IN`,
        `-I FORWARD 1 -j ${P}-FWD`,
        `-I OUTPUT 1 -j ${P}-OUT`,
        "COMMIT",
        "",
      ].join("\n"),
    );
  });

  it("keeps every chain name within iptables' 28 characters", () => {
    const r = buildV4(chainPrefix("/var/lib/pcc"), [app({ bridge: "abcdefghijklmno" })]);
    for (const c of r.chains.keys()) expect(c.length).toBeLessThanOrEqual(28);
    expect(chainPrefix("/var/lib/pcc")).toMatch(/^PCC-[0-9a-f]{8}$/);
    expect(chainPrefix("a")).not.toBe(chainPrefix("b"));
  });
});

describe("egress chains", () => {
  const egressOf = (a: ResolvedApp, others: ResolvedApp[] = []) => rules(buildV4(P, [a, ...others]), n.egress(a.bridge));

  it("`all` rejects metadata, other apps and LAN ranges, then lets the rest fall through", () => {
    const r = egressOf(app({ egress: "all" }));
    const rejected = r.map((l) => / -d (\S+) -j REJECT/.exec(l)?.[1]).filter(Boolean);
    expect(rejected).toEqual([...ALWAYS_BLOCKED, ...LAN_RANGES]);
    expect(r.some((l) => l.includes("198.18."))).toBe(false);
    expect(r.at(-1)).toContain("203.0.113.0/24"); // no catch-all reject
  });

  it("`all` with lan keeps metadata and app networks blocked but opens RFC 1918", () => {
    const r = egressOf(app({ egress: "all", lan: true })).join("\n");
    expect(r).toContain("-d 169.254.0.0/16 -j REJECT");
    expect(r).toContain("-d 10.128.0.0/9 -j REJECT");
    expect(r).not.toContain("192.168.0.0/16");
  });

  it("`hosts` returns only for the resolved addresses, after the blocked ranges, then rejects", () => {
    const r = egressOf(app({ egress: { hosts: ["x"] }, allow: ["198.18.0.9", "1.2.3.4", "198.18.0.9"] }));
    expect(r.slice(-3)).toEqual([
      `-A ${n.egress("pccab12c")} -d 1.2.3.4/32 -j RETURN`,
      `-A ${n.egress("pccab12c")} -d 198.18.0.9/32 -j RETURN`,
      `-A ${n.egress("pccab12c")} -j REJECT --reject-with icmp-admin-prohibited`,
    ]);
    expect(r.findIndex((l) => l.includes("169.254.0.0/16"))).toBeLessThan(r.findIndex((l) => l.includes("1.2.3.4")));
  });

  it("blocks an app subnet outside 10.128.0.0/9 for the other apps", () => {
    const odd = app({ appId: "odd", bridge: "pccodd", subnet: "172.31.5.0/24" });
    expect(egressOf(app({ egress: "all", lan: true }), [odd]).join("\n")).toContain("-d 172.31.5.0/24 -j REJECT");
    expect(egressOf({ ...odd, egress: "all", lan: true }, [app()]).join("\n")).not.toContain("-d 172.31.5.0/24");
  });

  it("checks every egress jump before any ingress rule can leave the chain", () => {
    const fwd = rules(buildV4(P, [app(), app({ appId: "b", bridge: "pccb", subnet: "10.140.0.0/24" })]), n.forward);
    const lastEgress = fwd.map((l) => l.includes(`-j ${P}-E-`)).lastIndexOf(true);
    const firstIngress = fwd.findIndex((l) => l.includes("! --ctstate DNAT"));
    expect(lastEgress).toBeLessThan(firstIngress);
  });
});

describe("the issuer's back channel", () => {
  it("lets an OIDC app reach exactly that port on its own gateway, before the reject", () => {
    const input = rules(buildV4(P, [app({ issuerPort: 8443 }), app({ appId: "other", bridge: "pccff00", subnet: "10.131.8.0/24" })]), n.input);
    const open = `-A ${n.input} -d 10.131.7.1/32 -i pccab12c -p tcp -m tcp --dport 8443 -j RETURN`;
    expect(input).toContain(open);
    expect(input.indexOf(open)).toBeLessThan(input.findIndex((r) => r.includes("-i pccab12c") && r.includes("REJECT")));
    expect(input.filter((r) => r.includes("--dport 8443"))).toEqual([open]);
  });

  it.each([0, 70000, 1.5, "8443 -j ACCEPT"])("refuses the port %j", (issuerPort) => {
    expect(() => validateApps([app({ issuerPort: issuerPort as number })])).toThrow(DomainError);
  });
});

describe("buildV6", () => {
  it("drops IPv6 into, out of and through app bridges, but not within one", () => {
    const r = buildV6(P, [app()]);
    expect(r.chains.get(n.input)).toEqual([`-A ${n.input} -i pccab12c -m comment --comment "pcc app notes" -j DROP`]);
    expect(r.chains.get(n.forward)).toEqual([
      `-A ${n.forward} -i pccab12c -o pccab12c -j RETURN`,
      `-A ${n.forward} -i pccab12c -m comment --comment "pcc app notes" -j DROP`,
      `-A ${n.forward} -o pccab12c -m comment --comment "pcc app notes" -j DROP`,
    ]);
    expect(r.chains.get(n.output)).toEqual([`-A ${n.output} -o pccab12c -m comment --comment "pcc app notes" -j DROP`]);
  });
});

describe("hostile input is refused, never interpolated", () => {
  const refused = (over: Partial<AppNetRule>) => {
    let err: unknown;
    try {
      validateApps([app(over)]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe("INVALID_INPUT");
  };

  it.each([
    "br0 -j ACCEPT",
    'br"0',
    "br'0",
    "br0\n-A INPUT",
    "",
    "-jACCEPT",
    "abcdefghijklmnop",
    "br.0",
    "br$(id)",
  ])("bridge %j", (bridge) => refused({ bridge }));

  it.each(["10.131.7.0/24 -j ACCEPT", "10.131.7.5/24", "10.131.7.0", "10.131.7.0/33", "0.0.0.0/0", "010.1.2.0/24", "10.1.2.0/ 24", "::/0", "10.1.2.0/31"])(
    "subnet %j",
    (subnet) => refused({ subnet }),
  );

  it.each(["Notes", "no tes", 'a"b', "a\nb", "-x", "a".repeat(31)])("app id %j", (appId) => refused({ appId }));

  it("refuses a bad egress or lan value, duplicates and overlaps", () => {
    refused({ egress: "everything" as never });
    refused({ egress: { hosts: "x" } as never });
    refused({ lan: "yes" as never });
    expect(() => validateApps([app(), app()])).toThrow(DomainError);
    expect(() => validateApps([app(), app({ appId: "b", bridge: "pccb", subnet: "10.131.0.0/16" })])).toThrow(/overlaps/);
    expect(() => validateApps([app(), app({ appId: "b", subnet: "10.140.0.0/24" })])).toThrow(/Bridge/);
  });

  it("refuses a resolved address that is not a plain IPv4 address", () => {
    expect(() => buildV4(P, [app({ egress: { hosts: ["x"] }, allow: ["1.2.3.4 -j ACCEPT"] })])).toThrow(DomainError);
    expect(() => buildV4(P, [app({ egress: { hosts: ["x"] }, allow: ["1.2.3.4/0"] })])).toThrow(DomainError);
  });

  it.each([
    ["evil.com -j ACCEPT", "invalid"],
    ['a"b.com', "invalid"],
    ["a'b.com", "invalid"],
    ["a;rm -rf /", "invalid"],
    ["$(id).com", "invalid"],
    ["", "invalid"],
    ["::1", "invalid"],
    ["1.2.3.4/0", "invalid"],
    ["999.1.1.1", "invalid"],
    ["-x.com", "invalid"],
    ["a..b", "invalid"],
    ["198.18.0.9", "ip"],
    ["Example.COM.", "name"],
    ["api.example.com", "name"],
  ])("host %j is %s", (host, kind) => {
    expect(classifyHost(host).kind).toBe(kind);
  });

  it("lower-cases names and drops the root dot", () => {
    expect(classifyHost("Example.COM.")).toEqual({ kind: "name", name: "example.com" });
    expect(classifyHost(42)).toEqual({ kind: "invalid", reason: "is not a host name" });
  });
});

describe("blockedBy", () => {
  it.each([
    ["169.254.169.254", true, "169.254.0.0/16"],
    ["100.100.100.200", true, "100.100.100.200/32"],
    ["10.200.3.4", true, "10.128.0.0/9"],
    ["224.0.0.251", true, "224.0.0.0/4"],
    ["255.255.255.255", true, "240.0.0.0/4"],
    ["192.168.1.1", false, "192.168.0.0/16"],
    ["192.168.1.1", true, null],
    ["100.64.1.1", true, null],
    ["10.1.2.3", true, null],
    ["198.18.0.9", false, null],
    ["1.1.1.1", false, null],
  ] as const)("%s (lan %s) → %s", (ip, lan, range) => {
    expect(blockedBy(ip, lan)).toBe(range);
  });
});
