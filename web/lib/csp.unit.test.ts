import { describe, expect, it } from "vitest";
import { shellCsp } from "./csp";

const directive = (csp: string, name: string) => csp.split("; ").find((d) => d.startsWith(`${name} `))?.split(" ").slice(1);

describe("shellCsp", () => {
  const csp = shellCsp("abc123", "pcc.example.com:8443");

  it("scripts only by nonce and what they load, never inline or eval", () => {
    expect(directive(csp, "script-src")).toEqual(["'self'", "'nonce-abc123'", "'strict-dynamic'"]);
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/);
    expect(directive(csp, "object-src")).toEqual(["'none'"]);
    expect(directive(csp, "base-uri")).toEqual(["'self'"]);
  });

  it("frames and fetches only the shell and its app hosts; framed by the shell only", () => {
    expect(directive(csp, "frame-src")).toEqual(["'self'", "https://*.pcc.example.com:8443"]);
    expect(directive(csp, "connect-src")).toEqual(["'self'", "https://*.pcc.example.com:8443"]);
    expect(directive(csp, "frame-ancestors")).toEqual(["'self'"]);
  });

  it.each([null, "", "evil.com; script-src *", "a b", "host:99999999"])("a Host header it cannot trust (%j) adds no app hosts", (host) => {
    const c = shellCsp("n", host);
    expect(directive(c, "frame-src")).toEqual(["'self'"]);
    expect(directive(c, "connect-src")).toEqual(["'self'"]);
    expect(c.split("; ").filter((d) => d.startsWith("script-src"))).toEqual(["script-src 'self' 'nonce-n' 'strict-dynamic'"]);
  });
});
