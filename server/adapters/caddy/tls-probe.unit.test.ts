import fs from "node:fs";
import net, { type AddressInfo } from "node:net";
import tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTestCa, type TestCa } from "../../testing/test-https";
import { servesCertificate, waitForCertificates } from "./tls-probe";

describe("tls probe", () => {
  let ca: TestCa;
  let server: tls.Server;
  let port = 0;
  // Like Caddy before its certificate is there: a handshake for a name it has none for is refused.
  const known = new Set(["pcc.test"]);

  beforeAll(async () => {
    ca = makeTestCa();
    server = tls.createServer({
      SNICallback: (name, cb) => (known.has(name) ? cb(null, tls.createSecureContext({ cert: ca.cert, key: ca.key })) : cb(new Error("no certificate"))),
    });
    server.on("tlsClientError", () => undefined);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    fs.rmSync(ca.dir, { recursive: true, force: true });
  });

  it("tells a name with a certificate from one without", async () => {
    expect(await servesCertificate("127.0.0.1", port, "pcc.test")).toBe(true);
    expect(await servesCertificate("127.0.0.1", port, "app.pcc.test")).toBe(false);
  });

  it("says no for a closed port and for a server that never answers", async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    expect(await servesCertificate("127.0.0.1", closedPort, "pcc.test")).toBe(false);
    const silent = net.createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    expect(await servesCertificate("127.0.0.1", (silent.address() as AddressInfo).port, "pcc.test", 200)).toBe(false);
    silent.close();
  });

  it("waits until every name is served, or gives up at the deadline", async () => {
    setTimeout(() => known.add("app.pcc.test"), 300);
    expect(await waitForCertificates("127.0.0.1", port, ["pcc.test", "app.pcc.test"], 5_000)).toBe(true);
    expect(await waitForCertificates("127.0.0.1", port, ["other.test"], 300)).toBe(false);
  });
});
