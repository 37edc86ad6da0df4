import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTestCa, startTestHttpsServer, type TestCa, type TestHttpsServer } from "../../testing/test-https";
import { FetchError, HttpsReader, readOptional, sourceUrl } from "./source-fetch";

// A real HTTPS server on 127.0.0.1 with a throwaway CA: the reader trusts it only when told to.
let ca: TestCa;
let server: TestHttpsServer;
let root: string;

beforeAll(async () => {
  ca = makeTestCa();
  root = fs.mkdtempSync(path.join(os.tmpdir(), "pcc-fetch-"));
  fs.mkdirSync(path.join(root, "src/apps/a b"), { recursive: true });
  fs.writeFileSync(path.join(root, "src/index.json"), '{"ok":true}');
  fs.writeFileSync(path.join(root, "src/apps/a b/x.txt"), "x");
  server = await startTestHttpsServer(ca, root);
  server.routes.set("/src/moved.json", (_req, res) => res.writeHead(302, { location: "/src/index.json" }).end());
  server.routes.set("/src/away.json", (_req, res) => res.writeHead(301, { location: `https://localhost:${server.port}/src/index.json` }).end());
  server.routes.set("/src/loop.json", (_req, res) => res.writeHead(307, { location: "/src/loop.json" }).end());
  server.routes.set("/src/plain.json", (_req, res) => res.writeHead(302, { location: `http://127.0.0.1:${server.port}/src/index.json` }).end());
  server.routes.set("/src/big.json", (_req, res) => res.writeHead(200, { "content-length": String(10_000) }).end("x".repeat(10_000)));
  server.routes.set("/src/chunked.json", (_req, res) => {
    res.writeHead(200);
    const timer = setInterval(() => res.write("y".repeat(1000)), 5);
    res.on("close", () => clearInterval(timer));
  });
  server.routes.set("/src/slow.json", (_req, res) => {
    res.writeHead(200);
    res.write("{");
  });
  server.routes.set("/src/broken.json", (_req, res) => res.writeHead(500).end());
});
afterAll(async () => {
  await server?.close();
  fs.rmSync(root, { recursive: true, force: true });
  fs.rmSync(ca.dir, { recursive: true, force: true });
});

const reader = (opts: { extraCa?: string | null; timeoutMs?: number } = {}) => new HttpsReader(`${server.origin}/src`, { extraCa: ca.caPem, ...opts });

async function failure(p: Promise<unknown>): Promise<FetchError> {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(FetchError);
  return e as FetchError;
}

describe("HttpsReader", () => {
  it("reads files under the source's folder URL, names escaped", async () => {
    const r = reader();
    expect(r.where).toBe(`${server.origin}/src/`);
    expect((await r.read("index.json", 100)).toString()).toBe('{"ok":true}');
    expect((await r.read("apps/a b/x.txt", 1)).toString()).toBe("x");
    expect(server.hits).toContain("/src/apps/a b/x.txt");
    r.close();
  });

  it("refuses a server whose certificate it was not told to trust (no global TLS switch)", async () => {
    const r = reader({ extraCa: null });
    expect((await failure(r.read("index.json", 100))).message).toMatch(/HTTPS certificate is not trusted/);
    r.close();
  });

  it("follows redirects within the origin only; never to another host, never to plain HTTP, not forever", async () => {
    const r = reader();
    expect((await r.read("moved.json", 100)).toString()).toBe('{"ok":true}');
    expect((await failure(r.read("away.json", 100))).message).toMatch(/redirects to https:\/\/localhost:\d+; PCC follows redirects only within https:\/\/127\.0\.0\.1:\d+/);
    expect((await failure(r.read("plain.json", 100))).message).toMatch(/redirects to http:\/\/127\.0\.0\.1/);
    expect((await failure(r.read("loop.json", 100))).message).toMatch(/redirects too many times/);
    r.close();
  });

  it("stops at the size limit, whether the server says the length or streams without end", async () => {
    const r = reader();
    const big = await failure(r.read("big.json", 1000));
    expect(big.tooBig).toBe(true);
    expect(big.message).toMatch(/is 10000 bytes; the limit is 1000/);
    const endless = await failure(r.read("chunked.json", 50_000));
    expect(endless.tooBig).toBe(true);
    r.close();
  });

  it("gives up on a server that stops answering", async () => {
    const r = reader({ timeoutMs: 300 });
    const t0 = Date.now();
    expect((await failure(r.read("slow.json", 100))).message).toMatch(/did not answer within 0.3 s/);
    expect(Date.now() - t0).toBeLessThan(3000);
    r.close();
  });

  it("tells a missing file (an unsigned source's index.json.sig) from a failing server", async () => {
    const r = reader();
    expect(await readOptional(r, "index.json.sig", 100)).toBeNull();
    expect((await failure(r.read("broken.json", 100))).message).toMatch(/answered HTTP 500/);
    await expect(readOptional(r, "broken.json", 100)).rejects.toThrow(/HTTP 500/);
    r.close();
  });

  it.each([
    ["http://example.test/", /must start with https:\/\//],
    ["ftp://example.test/", /must start with https:\/\//],
    ["https://me:pw@example.test/", /user name or password/],
    ["https://example.test/?a=1", /query or #fragment/],
    ["not a url", /is not a URL/],
  ])("refuses the location %s", (location, message) => {
    expect(() => sourceUrl(location)).toThrow(message);
  });
});
