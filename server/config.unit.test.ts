import { describe, expect, it } from "vitest";
import { loadConfig } from "./config";

describe("loadConfig", () => {
  it("runs on embedded defaults", () => {
    const c = loadConfig({}, "/srv/pcc");
    expect(c.dataDir).toBe("/srv/pcc/data");
    expect(c.domain).toBe("pcc.localhost");
    expect(c.shellOrigin).toBe("https://pcc.localhost:8443");
    expect(c.appOrigin("hello")).toBe("https://hello.pcc.localhost:8443");
    expect(c.bindAddress).toBe("127.0.0.1");
    expect(c.paths.podmanSocket).toBe("/srv/pcc/data/run/podman.sock");
    expect(c.paths.cliSocket).toBe("/srv/pcc/data/run/pcc.sock");
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
