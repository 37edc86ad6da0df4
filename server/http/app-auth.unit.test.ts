import type { IncomingMessage, ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { APP_COOKIE } from "../adapters/caddy/caddy-config";
import type { Config } from "../config";
import { AppGrants } from "../modules/gateway/app-grants";
import { MemoryGrantStore } from "../testing/fakes";
import type { Services } from "../services";
import { handleAppAuthFinish, safeReturnPath } from "./app-auth";

describe("safeReturnPath", () => {
  it.each([
    ["//evil.com"],
    ["//evil.com/path"],
    ["https://x"],
    ["http://evil.com/"],
    ["\\evil"],
    ["/\\evil.com"],
    ["\\\\evil.com"],
    ["javascript:alert(1)"],
    ["evil.com"],
    [""],
    [null],
    [undefined],
  ])("rejects %j (falls back to /)", (p) => {
    expect(safeReturnPath(p)).toBe("/");
  });

  it.each([["/"], ["/a?b=1"], ["/a/b/c"], ["/path#frag"], ["/a?next=//x"]])("keeps %j", (p) => {
    expect(safeReturnPath(p)).toBe(p);
  });

  // BUG (reported): browsers strip ASCII tab/newline from URLs, so a Location of "/\t/evil.com"
  // resolves to https://evil.com/. Node allows \t in header values. Enable once fixed.
  it("rejects paths that browsers turn into //host by stripping tabs", () => {
    expect(safeReturnPath("/\t/evil.com")).toBe("/");
  });
});

describe("handleAppAuthFinish", () => {
  const config = { domain: "pcc.test" } as Config;

  function fakeRes() {
    const headers: Record<string, string> = {};
    const res = {
      statusCode: 0,
      body: "",
      headers,
      setHeader(k: string, v: string) {
        headers[k.toLowerCase()] = v;
      },
      end(b?: string) {
        res.body = b ?? "";
      },
    };
    return res;
  }

  async function run(host: string, url: string, grants: AppGrants) {
    const res = fakeRes();
    const req = { headers: { host }, url } as unknown as IncomingMessage;
    handleAppAuthFinish(req, res as unknown as ServerResponse, { grants } as unknown as Services, config);
    return res;
  }

  async function issued() {
    const grants = new AppGrants(new MemoryGrantStore());
    const code = await grants.issue("hello", "hello", "s1", new Date(Date.now() + 3600_000));
    return { grants, code };
  }

  it("swaps a valid code for a host-only app cookie and redirects to the return path", async () => {
    const { grants, code } = await issued();
    const res = await run("hello.pcc.test:8443", `/.pcc/auth?code=${code}&return=${encodeURIComponent("/x?y=1")}`, grants);
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe("/x?y=1");
    const cookie = res.headers["set-cookie"];
    const [token] = grants.tokensFor("hello");
    expect(cookie.startsWith(`${APP_COOKIE}=${token};`)).toBe(true);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("Secure");
    expect(cookie).toContain("Path=/");
    expect(cookie).not.toMatch(/Domain=/i);
  });

  it("refuses an open redirect in return", async () => {
    const { grants, code } = await issued();
    const res = await run("hello.pcc.test", `/.pcc/auth?code=${code}&return=${encodeURIComponent("//evil.com")}`, grants);
    expect(res.headers.location).toBe("/");
  });

  it("a code used on another app's host fails with 400 and no cookie", async () => {
    const { grants, code } = await issued();
    const res = await run("other.pcc.test", `/.pcc/auth?code=${code}&return=/`, grants);
    expect(res.statusCode).toBe(400);
    expect(res.headers["set-cookie"]).toBeUndefined();
  });

  it("a host outside the PCC's domain is rejected", async () => {
    const { grants, code } = await issued();
    const res = await run("hello.evil.test", `/.pcc/auth?code=${code}`, grants);
    expect(res.statusCode).toBe(400);
    // The code was not spent by the bad request.
    expect(grants.redeem(code, "hello")).not.toBeNull();
  });

  it("a code works once", async () => {
    const { grants, code } = await issued();
    await run("hello.pcc.test", `/.pcc/auth?code=${code}`, grants);
    const again = await run("hello.pcc.test", `/.pcc/auth?code=${code}`, grants);
    expect(again.statusCode).toBe(400);
  });
});
