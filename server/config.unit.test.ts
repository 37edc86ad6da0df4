import { describe, expect, it } from "vitest";
import { autoDomain, loadConfig } from "./config";

describe("loadConfig", () => {
  it("runs on embedded defaults", () => {
    const c = loadConfig({}, "/srv/pcc");
    expect(c.dataDir).toBe("/var/lib/pcc");
    expect(c.domain).toBe("pcc.localhost");
    expect(c.shellOrigin).toBe("https://pcc.localhost:8443");
    expect(c.appOrigin("hello")).toBe("https://hello.pcc.localhost:8443");
    expect(c.bindAddress).toBe("127.0.0.1");
    expect(c.paths.podmanSocket).toBe("/var/lib/pcc/run/podman.sock");
    expect(c.paths.cliSocket).toBe("/var/lib/pcc/run/pcc.sock");
    expect(loadConfig({ PCC_DATA_DIR: "./data" }, "/srv/pcc").dataDir).toBe("/srv/pcc/data");
  });

  it("listens on every interface for a real domain and drops :443 from URLs", () => {
    const c = loadConfig({ PCC_DOMAIN: "box.example.org", PCC_HTTPS_PORT: "443", PCC_HTTP_PORT: "80" }, "/");
    expect(c.bindAddress).toBe("0.0.0.0");
    expect(c.shellOrigin).toBe("https://box.example.org");
  });

  it("names every bad setting in one clear error", () => {
    expect(() => loadConfig({ PCC_HTTPS_PORT: "99999", PCC_DOMAIN: "Not A Domain" })).toThrow(/PCC_DOMAIN[\s\S]*PCC_HTTPS_PORT|PCC_HTTPS_PORT[\s\S]*PCC_DOMAIN/);
    expect(() => loadConfig({ PCC_HTTPS_PORT: "9000", PCC_HTTP_PORT: "9000" })).toThrow(/must differ/);
    expect(() => loadConfig({ PCC_BIND_ADDRESS: "everywhere" })).toThrow(/PCC_BIND_ADDRESS/);
  });
});

describe("the real first run", () => {
  it("a public domain gets certificates from a public CA on every interface; a private name from Caddy's own CA", () => {
    const pub = loadConfig({ PCC_DOMAIN: "box.example.org", PCC_ACME_EMAIL: "me@example.org" }, "/");
    expect(pub).toMatchObject({ tls: "acme", acmeEmail: "me@example.org", bindAddress: "0.0.0.0" });
    expect(loadConfig({ PCC_DOMAIN: "pcc.localhost" }, "/").tls).toBe("internal");
    expect(loadConfig({ PCC_DOMAIN: "pcc.home.arpa" }, "/").tls).toBe("internal");
    expect(loadConfig({ PCC_DOMAIN: "box.example.org", PCC_TLS: "internal" }, "/").tls).toBe("internal");
  });

  it("without a domain, names the box after its public address on sslip.io", () => {
    const ifs = { lo: [{ family: "IPv4", address: "127.0.0.1", internal: true }], eth0: [{ family: "IPv4", address: "10.0.0.5", internal: false }, { family: "IPv4", address: "203.0.113.7", internal: false }] };
    expect(autoDomain(ifs as never)).toBe("203-0-113-7.sslip.io");
    expect(() => autoDomain({ eth0: [{ family: "IPv4", address: "192.168.1.2", internal: false }] } as never)).toThrow(/behind NAT/);
  });
});
