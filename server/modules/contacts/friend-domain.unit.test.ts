import { describe, expect, it } from "vitest";
import { parseFriendDomain } from "./friend-domain";

const prod = (s: string) => parseFriendDomain(s, { allowLocal: false });
const refused = (s: string, allowLocal = false) => {
  try {
    parseFriendDomain(s, { allowLocal });
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`${s} was accepted`);
};

describe("parseFriendDomain", () => {
  it("takes a DNS name, with a port, or a pasted shell URL", () => {
    expect(prod("Alice.Example")).toEqual({ domain: "alice.example", hostname: "alice.example", port: 443 });
    expect(prod(" pcc.alice.example:8443 ")).toEqual({ domain: "pcc.alice.example:8443", hostname: "pcc.alice.example", port: 8443 });
    expect(prod("https://pcc.alice.example/").domain).toBe("pcc.alice.example");
    expect(prod("pcc.alice.example:443").domain).toBe("pcc.alice.example");
  });

  it("refuses addresses in every spelling", () => {
    for (const s of ["127.0.0.1", "10.0.0.1:8443", "[::1]", "::1", "169.254.169.254", "2130706433", "0x7f.1", "127.1", "https://[::1]:8443/"]) {
      expect(refused(s)).toMatch(/not an IP address|not a domain/);
    }
  });

  it("refuses names of this machine or a private network unless the test setting allows them", () => {
    for (const s of ["localhost", "pcc.localhost:8443", "nas.local", "box.internal", "router.lan", "pi.home.arpa", "intranet"]) {
      expect(refused(s)).toMatch(/private network/);
    }
    expect(parseFriendDomain("pcc.localhost:8443", { allowLocal: true }).domain).toBe("pcc.localhost:8443");
  });

  it("refuses other schemes, paths, user names, bad labels and ports", () => {
    expect(refused("http://alice.example")).toMatch(/over https/);
    expect(refused("file:///etc/passwd")).toMatch(/not a domain|https/);
    expect(refused("https://alice.example/admin")).toMatch(/without a path/);
    expect(refused("me@alice.example")).toMatch(/no user name/);
    expect(refused("alice..example")).toMatch(/not a domain/);
    expect(refused("-alice.example")).toMatch(/not a domain/);
    expect(refused("alice_example.org")).toMatch(/not a domain/);
    expect(refused("alice.example:0")).toMatch(/port/);
    expect(refused("alice.example:70000")).toMatch(/port|not a domain/);
    expect(refused("")).toMatch(/Type your friend/);
  });
});
