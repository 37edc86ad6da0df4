import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PccInstance } from "../helpers/pcc-instance";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** The directives of a Content-Security-Policy header, by name. */
function directives(csp: unknown): Map<string, string[]> {
  expect(typeof csp, "one Content-Security-Policy header").toBe("string");
  return new Map(
    String(csp)
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name!, values]),
  );
}

// The shell as Caddy serves it (the real Next build behind the real Caddy): run `npx next build` first.
describe("the shell's security headers", () => {
  let pcc: PccInstance;

  beforeAll(async () => {
    if (!fs.existsSync(path.join(ROOT, ".next/BUILD_ID"))) throw new Error("no production build of the shell: run `npx next build` first");
    pcc = await PccInstance.start({ web: true });
  });
  afterAll(async () => {
    await pcc?.stop();
    await pcc?.cleanup();
  });

  it("pages: scripts only by this response's nonce, never 'unsafe-inline'; framed by the shell alone; HSTS", async () => {
    for (const page of ["/", "/trust", "/no-such-page"]) {
      const r = await pcc.http(`${pcc.shellUrl}${page}`);
      expect(String(r.headers["content-type"]), page).toMatch(/text\/html/);
      const csp = directives(r.headers["content-security-policy"]);
      const scripts = csp.get("script-src") ?? [];
      expect(scripts, page).not.toContain("'unsafe-inline'");
      expect(scripts, page).not.toContain("'unsafe-eval'");
      expect(scripts, page).toContain("'strict-dynamic'");
      const nonce = /^'nonce-([A-Za-z0-9+/=]{24,})'$/.exec(scripts.find((s) => s.startsWith("'nonce-")) ?? "")?.[1];
      expect(nonce, page).toBeTruthy();
      expect(csp.get("object-src")).toEqual(["'none'"]);
      expect(csp.get("base-uri")).toEqual(["'self'"]);
      expect(csp.get("frame-ancestors")).toEqual(["'self'"]);
      // App windows: iframes of the app hosts, and the shell's reachability probe of them.
      expect(csp.get("frame-src")).toEqual(["'self'", `https://*.${pcc.domain}:${pcc.httpsPort}`]);
      expect(csp.get("connect-src")).toEqual(["'self'", `https://*.${pcc.domain}:${pcc.httpsPort}`]);
      // Every script in the page carries the nonce; none runs without it.
      const tags = r.text.match(/<script\b[^>]*>/g) ?? [];
      expect(tags.length, page).toBeGreaterThan(0);
      expect(tags.filter((t) => !t.includes(`nonce="${nonce}"`)), page).toEqual([]);
      expect(r.headers["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
      expect(r.headers["x-frame-options"]).toBe("SAMEORIGIN");
      expect(r.headers["x-content-type-options"]).toBe("nosniff");
    }
  });

  it("a fresh nonce for every response", async () => {
    const nonces = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const r = await pcc.http(`${pcc.shellUrl}/`);
      nonces.add(/'nonce-([^']+)'/.exec(String(r.headers["content-security-policy"]))![1]!);
    }
    expect(nonces.size).toBe(5);
  });

  it("the offline page allows exactly its own script, by hash", async () => {
    const r = await pcc.http(`${pcc.shellUrl}/offline.html`);
    expect(r.status).toBe(200);
    const csp = directives(r.headers["content-security-policy"]);
    const inline = [...r.text.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(inline).toHaveLength(1);
    const { createHash } = await import("node:crypto");
    expect(csp.get("script-src")).toEqual([`'sha256-${createHash("sha256").update(inline[0]!).digest("base64")}'`]);
    expect(csp.get("frame-ancestors")).toEqual(["'self'"]);
  });

  it("what else the shell serves cannot be framed by apps either", async () => {
    const r = await pcc.http(`${pcc.shellUrl}/manifest.webmanifest`);
    expect(r.status).toBe(200);
    expect(directives(r.headers["content-security-policy"]).get("frame-ancestors")).toEqual(["'self'"]);
    expect(r.headers["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
  });
});
