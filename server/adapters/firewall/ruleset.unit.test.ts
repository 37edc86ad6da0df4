import { describe, expect, it } from "vitest";
import { DomainError } from "../../errors";
import type { AppNetRule } from "./firewall";
import { blockedBy, classifyHost, validateApps } from "./ruleset";

const app = (over: Partial<AppNetRule> = {}): AppNetRule => ({
  appId: "notes",
  bridge: "pccab12c",
  subnet: "10.131.7.0/24",
  egress: "none",
  lan: false,
  ...over,
});

describe("the issuer's back channel port", () => {
  it.each([0, 70000, 1.5, "8443 -j ACCEPT"])("refuses the port %j", (issuerPort) => {
    expect(() => validateApps([app({ issuerPort: issuerPort as number })])).toThrow(DomainError);
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
    'br0" accept',
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

  it.each([
    ["evil.com -j ACCEPT", "invalid"],
    ['evil.com" accept', "invalid"],
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
