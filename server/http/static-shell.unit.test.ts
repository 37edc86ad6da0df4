import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NONCE_PLACEHOLDER } from "../../web/lib/csp";
import { createStaticShell } from "./static-shell";

// A miniature export, as `next build` writes it, served by a real HTTP server on loopback.
let dir: string;
let server: http.Server;
let base = "";
const page = (title: string) => `<!DOCTYPE html><html><head><title>${title}</title><script nonce="${NONCE_PLACEHOLDER}">boot()</script></head><body><script src="/_next/static/chunks/a.js" nonce="${NONCE_PLACEHOLDER}" defer=""></script></body></html>`;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "pcc-static-shell-"));
  const write = (rel: string, body: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), body);
  };
  write("index.html", page("PCC"));
  write("trust.html", page("Trust"));
  write("404.html", page("Not found"));
  write("_next/static/chunks/a.js", `console.log(${JSON.stringify("x".repeat(4000))});`);
  write("sw.js", "self.addEventListener('fetch', () => {});");
  write("offline.html", "<!doctype html><p>Offline</p><script>retry()</script>");
  write("manifest.webmanifest", '{"name":"PCC"}');
  fs.writeFileSync(path.join(os.tmpdir(), "pcc-static-secret.txt"), "secret");
  fs.symlinkSync(path.join(os.tmpdir(), "pcc-static-secret.txt"), path.join(dir, "leak.txt"));
  const shell = createStaticShell(dir);
  server = http.createServer((req, res) => void shell(req, res));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(path.join(os.tmpdir(), "pcc-static-secret.txt"), { force: true });
});

type Res = { status: number; headers: http.IncomingHttpHeaders; body: Buffer };
function get(p: string, headers: Record<string, string> = {}, method = "GET"): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${p}`, { method, headers: { host: "pcc.localhost:8443", ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end();
  });
}
const nonceOf = (r: Res) => /'nonce-([^']+)'/.exec(String(r.headers["content-security-policy"]))?.[1];

describe("the static shell", () => {
  it("serves each page with a fresh nonce, on every script, named by its CSP, never cached", async () => {
    const a = await get("/");
    const b = await get("/");
    expect(a.status).toBe(200);
    expect(a.headers["content-type"]).toBe("text/html; charset=utf-8");
    const nonce = nonceOf(a)!;
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{24}$/);
    expect(nonceOf(b)).not.toBe(nonce);
    const html = a.body.toString();
    expect(html).not.toContain(NONCE_PLACEHOLDER);
    expect(html.match(new RegExp(`nonce="${nonce.replace(/[+/]/g, "\\$&")}"`, "g"))).toHaveLength(2);
    expect(a.headers["cache-control"]).toContain("no-store");
    expect(String(a.headers["content-security-policy"])).toContain("frame-src 'self' https://*.pcc.localhost:8443");
    expect(a.headers["x-content-type-options"]).toBe("nosniff");
    expect((await get("/trust")).body.toString()).toContain("<title>Trust</title>");
  });

  it("answers an unknown address with the 404 page, nonce and all", async () => {
    for (const p of ["/nope", "/index.html", "/404", "/trust.html", "/_next/static/missing.js"]) {
      const r = await get(p);
      expect(r.status, p).toBe(404);
      expect(r.body.toString(), p).toContain("<title>Not found</title>");
      expect(nonceOf(r), p).toBeTruthy();
    }
  });

  it("serves hashed files for good, compressed when asked, and revalidates the rest by ETag", async () => {
    const js = await get("/_next/static/chunks/a.js", { "accept-encoding": "gzip, br" });
    expect(js.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(js.headers["content-encoding"]).toBe("gzip");
    expect(zlib.gunzipSync(js.body).toString()).toContain("console.log");
    expect((await get("/_next/static/chunks/a.js")).headers["content-encoding"]).toBeUndefined();
    const sw = await get("/sw.js");
    expect(sw.headers["cache-control"]).toBe("no-cache");
    expect(sw.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect((await get("/sw.js", { "if-none-match": String(sw.headers.etag) })).status).toBe(304);
    expect((await get("/manifest.webmanifest")).headers["content-type"]).toBe("application/manifest+json");
    expect(String(sw.headers["content-security-policy"])).toBe("frame-ancestors 'self'");
  });

  it("allows the offline page exactly its own script, by hash", async () => {
    const r = await get("/offline.html");
    expect(r.status).toBe(200);
    expect(String(r.headers["content-security-policy"])).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+';/);
  });

  it("serves nothing outside the export, and only GET and HEAD", async () => {
    for (const p of ["/../package.json", "/%2e%2e/package.json", "/_next/../index.html", "/leak.txt", "/%00", "/a\\b", "/%E0%A4%A"]) {
      const r = await get(p);
      expect(r.status, p).toBe(404);
      expect(r.body.toString(), p).not.toContain("secret");
    }
    expect((await get("/", {}, "POST")).status).toBe(405);
    const head = await get("/", {}, "HEAD");
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
  });
});
