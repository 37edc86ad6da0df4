import { describe, expect, it } from "vitest";
import { safeNextPath } from "./next-param";

const O = "https://pcc.example";
const next = (p: string) => safeNextPath(`?next=${encodeURIComponent(p)}`, O);

describe("where a sign-in may continue", () => {
  it("to the app-auth bounce and to an app's OIDC authorization request", () => {
    expect(next("/_pcc/app-auth/notes/x?y=1")).toBe("/_pcc/app-auth/notes/x?y=1");
    expect(next("/oidc/auth?client_id=notes&state=s")).toBe("/oidc/auth?client_id=notes&state=s");
  });

  it("nowhere else, however it is dressed up", () => {
    for (const p of ["/", "//evil.example/oidc/auth", "https://evil.example/oidc/auth", "/oidc/token", "/oidc/auth/../../api", "/_pcc/app-auth/../x"]) expect(next(p), p).toBeNull();
  });
});
