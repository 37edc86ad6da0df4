import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BodyTooLarge, HttpTimeout, httpRequest } from "./http-request";

// One real server, reached both on a unix socket (as Podman's and Caddy's APIs are) and on loopback TCP.
let dir: string;
let sock: string;
let tcp: http.Server;
let unix: http.Server;
let port = 0;

const handler: http.RequestListener = (req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const body = Buffer.concat(chunks).toString();
    if (req.url === "/slow") return; // never answers
    if (req.url === "/big") return res.end("x".repeat(5000));
    if (req.url === "/stream") {
      res.write("a\n");
      setTimeout(() => res.end("b\n"), 20);
      return;
    }
    res.setHeader("x-seen-length", req.headers["content-length"] ?? "none");
    res.end(JSON.stringify({ method: req.method, url: req.url, host: req.headers.host, body, custom: req.headers["x-custom"] ?? null }));
  });
};

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "pcc-http-request-"));
  sock = path.join(dir, "api.sock");
  unix = http.createServer(handler);
  tcp = http.createServer(handler);
  await new Promise<void>((r) => unix.listen(sock, r));
  await new Promise<void>((r) => tcp.listen(0, "127.0.0.1", r));
  port = (tcp.address() as AddressInfo).port;
});
afterAll(async () => {
  for (const s of [unix, tcp]) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

const json = (b: Buffer) => JSON.parse(b.toString()) as Record<string, unknown>;

describe("httpRequest", () => {
  it("talks to a service on a unix socket, with the path and query as given", async () => {
    const r = await httpRequest("/v5/libpod/containers/json?all=true&filters=%7B%7D", { socketPath: sock, timeoutMs: 2000, headers: { "x-custom": "1" } });
    expect(r.status).toBe(200);
    expect(json(r.body)).toMatchObject({ method: "GET", url: "/v5/libpod/containers/json?all=true&filters=%7B%7D", host: "", custom: "1" });
  });

  it("sends a buffer with its length, and a stream", async () => {
    const a = await httpRequest("/x", { socketPath: sock, method: "POST", body: Buffer.from('{"a":1}'), timeoutMs: 2000 });
    expect(json(a.body)).toMatchObject({ method: "POST", body: '{"a":1}' });
    expect(a.headers["x-seen-length"]).toBe("7");
    const b = await httpRequest("/y", { socketPath: sock, method: "POST", body: Readable.from([Buffer.from("tar "), Buffer.from("bytes")]), timeoutMs: 2000 });
    expect(json(b.body)).toMatchObject({ body: "tar bytes" });
  });

  it("reaches a TCP server, and hands over each piece of a streamed body as it comes", async () => {
    const pieces: string[] = [];
    const r = await httpRequest(`http://127.0.0.1:${port}/stream`, { timeoutMs: 2000, onChunk: (c) => pieces.push(c.toString()) });
    expect(r.body.toString()).toBe("a\nb\n");
    expect(pieces).toEqual(["a\n", "b\n"]);
  });

  it("gives up at the deadline and at the size cap", async () => {
    const started = Date.now();
    await expect(httpRequest(`http://127.0.0.1:${port}/slow`, { timeoutMs: 150 })).rejects.toBeInstanceOf(HttpTimeout);
    expect(Date.now() - started).toBeLessThan(1500);
    await expect(httpRequest("/big", { socketPath: sock, timeoutMs: 2000, maxBytes: 1000 })).rejects.toBeInstanceOf(BodyTooLarge);
  });

  it("fails with the system's code when nothing listens", async () => {
    await expect(httpRequest("/", { socketPath: path.join(dir, "none.sock"), timeoutMs: 2000 })).rejects.toMatchObject({ code: "ENOENT" });
    await expect(httpRequest("http://127.0.0.1:9/", { timeoutMs: 2000 })).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });
});
