import type { IncomingMessage, ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { handleCertificateAsk, handleGate, isPublicPath } from "./gate";

describe("isPublicPath", () => {
  const pub = ["/share/", "/api/shared-link", "/feed.xml"];
  it.each([
    ["/share/abc", true],
    ["/share", true],
    ["/api/shared-link", true],
    ["/api/shared-link/x/y", true],
    ["/feed.xml", true],
    ["/shared", false],
    ["/api/shared-links", false],
    ["/", false],
    ["/admin", false],
    ["/share/../admin", false],
    ["/share/%2e%2e/admin", false],
    ["/share/..%2Fadmin", false],
    ["/share%2F../admin", false],
    ["/share/x\\..\\admin", false],
    ["//share/x", false],
    ["/share/./x", false],
  ])("%s -> %s", (path, ok) => {
    expect(isPublicPath(pub, path)).toBe(ok);
  });

  it("nothing is public by default", () => {
    expect(isPublicPath([], "/")).toBe(false);
  });
});

function call(headers: Record<string, string>) {
  const res = { statusCode: 200, headers: {} as Record<string, string>, body: "" };
  const r = {
    get statusCode() {
      return res.statusCode;
    },
    set statusCode(v: number) {
      res.statusCode = v;
    },
    setHeader: (k: string, v: string) => void (res.headers[k.toLowerCase()] = v),
    end: (b?: string) => void (res.body = b ?? ""),
  };
  handleGate({ headers } as unknown as IncomingMessage, r as unknown as ServerResponse, {
    domain: "pcc.test",
    shellOrigin: "https://pcc.test",
    lookup: (h) => (h === "blog" ? { appId: "blog", publicPaths: ["/posts/"] } : null),
  });
  return res;
}

describe("handleGate", () => {
  const h = (host: string, uri: string, method = "GET") => ({ "x-pcc-host": host, "x-pcc-uri": uri, "x-pcc-method": method });

  it("lets a public path through (204)", () => {
    expect(call(h("blog.pcc.test", "/posts/hello?x=1")).statusCode).toBe(204);
    expect(call(h("blog.pcc.test:8443", "/posts/hello", "POST")).statusCode).toBe(204);
  });

  it("sends a browser to the shell to sign in, keeping where it was going", () => {
    const r = call(h("blog.pcc.test", "/admin?a=b"));
    expect(r.statusCode).toBe(302);
    expect(r.headers.location).toBe("https://pcc.test/_pcc/app-auth/blog/admin?a=b");
  });

  it("refuses anything else without a credential (401)", () => {
    expect(call(h("blog.pcc.test", "/admin", "POST")).statusCode).toBe(401);
    expect(call(h("blog.pcc.test", "/posts/../admin", "POST")).statusCode).toBe(401);
  });

  it("answers 404 for hosts no installed app has, or that are not ours", () => {
    expect(call(h("nope.pcc.test", "/")).statusCode).toBe(404);
    expect(call(h("blog.evil.test", "/")).statusCode).toBe(404);
    expect(call(h("x.blog.pcc.test", "/")).statusCode).toBe(404);
    expect(call({}).statusCode).toBe(404);
  });
});

describe("handleCertificateAsk", () => {
  const ask = (domain: string) => {
    const res = { statusCode: 0, end: () => undefined };
    handleCertificateAsk({ url: `/ask?domain=${encodeURIComponent(domain)}` } as unknown as IncomingMessage, res as unknown as ServerResponse, {
      domain: "box.example.org",
      lookup: (h) => (h === "photos" ? { appId: "photos", publicPaths: [] } : null),
    });
    return res.statusCode;
  };
  it.each([
    ["box.example.org", 200],
    ["photos.box.example.org", 200],
    ["PHOTOS.box.example.org", 200],
    ["random.box.example.org", 403],
    ["x.photos.box.example.org", 403],
    ["photos.box.example.org.evil.com", 403],
    ["evil.com", 403],
    ["", 403],
  ])("%s -> %s", (d, status) => expect(ask(d)).toBe(status));
});
