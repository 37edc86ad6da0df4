import fs from "node:fs";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTestCa, startTestHttpsServer, type TestCa, type TestHttpsServer } from "../../testing/test-https";
import { HttpsGetError, httpsGet, type HttpsGetFailure, type HttpsGetOptions } from "./https-get";

// A real HTTPS server on 127.0.0.1 with a throwaway CA that only this test's agent trusts.
let ca: TestCa;
let server: TestHttpsServer;
let root: string;
let agent: https.Agent;

beforeAll(async () => {
  ca = makeTestCa();
  root = fs.mkdtempSync(path.join(os.tmpdir(), "pcc-https-get-"));
  server = await startTestHttpsServer(ca, root);
  agent = new https.Agent({ keepAlive: false, ca: [...tls.rootCertificates, ca.caPem] });
  const r = server.routes;
  r.set("/ok", (_req, res) => res.end("hello"));
  r.set("/hop", (_req, res) => res.writeHead(302, { location: "/ok" }).end());
  r.set("/no-location", (_req, res) => res.writeHead(301).end());
  r.set("/away", (_req, res) => res.writeHead(307, { location: `https://localhost:${server.port}/ok` }).end());
  r.set("/loop", (_req, res) => res.writeHead(302, { location: "/loop" }).end());
  r.set("/gone", (_req, res) => res.writeHead(410).end());
  r.set("/stream", (_req, res) => {
    res.writeHead(200);
    res.write("x".repeat(600));
    res.end("x".repeat(600));
  });
  r.set("/cut", (req, res) => {
    res.writeHead(200, { "content-length": "1000" });
    res.write("partial");
    setTimeout(() => req.socket.destroy(), 20);
  });
  r.set("/slow", () => undefined);
});
afterAll(async () => {
  agent?.destroy();
  await server?.close();
  fs.rmSync(root, { recursive: true, force: true });
  fs.rmSync(ca.dir, { recursive: true, force: true });
});

const url = (p: string) => new URL(`https://127.0.0.1:${server.port}${p}`);
const opts = (o: Partial<HttpsGetOptions> = {}): HttpsGetOptions => ({ agent, timeoutMs: 2000, maxBytes: 1000, maxRedirects: 2, headers: {}, ...o });

async function failure(p: Promise<unknown>): Promise<HttpsGetFailure> {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(HttpsGetError);
  return (e as HttpsGetError).failure;
}

describe("httpsGet", () => {
  it("reads a body, following a redirect within the origin", async () => {
    expect((await httpsGet(url("/hop"), opts())).toString()).toBe("hello");
  });

  it("names each way it can fail", async () => {
    expect(await failure(httpsGet(url("/no-location"), opts()))).toEqual({ kind: "redirect-broken" });
    expect(await failure(httpsGet(url("/away"), opts()))).toEqual({ kind: "redirect-elsewhere", to: `https://localhost:${server.port}` });
    expect(await failure(httpsGet(url("/loop"), opts()))).toEqual({ kind: "redirect-loop" });
    expect(await failure(httpsGet(url("/gone"), opts()))).toEqual({ kind: "status", status: 410 });
    expect(await failure(httpsGet(url("/stream"), opts()))).toEqual({ kind: "too-big", maxBytes: 1000, declared: null });
    expect(await failure(httpsGet(url("/cut"), opts()))).toMatchObject({ kind: expect.stringMatching(/^(cut-off|network)$/) });
    expect(await failure(httpsGet(url("/slow"), opts({ timeoutMs: 200 })))).toEqual({ kind: "timeout", timeoutMs: 200 });
  });

  it("refuses a certificate the agent does not trust", async () => {
    const plain = new https.Agent({ keepAlive: false });
    const f = await failure(httpsGet(url("/ok"), opts({ agent: plain })));
    plain.destroy();
    expect(f).toMatchObject({ kind: "network" });
  });
});
