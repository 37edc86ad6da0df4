import { describe, expect, it } from "vitest";
import { DomainError } from "../../errors";
import { readCookie } from "../../http/cookies";
import { MemoryAuthRepository, MemoryGrantStore, silentLogger, rejection } from "../../testing/fakes";
import { AppGrants } from "../gateway/app-grants";
import { AuthService, SESSION_COOKIE } from "./auth.service";

const DAY = 24 * 3600_000;

function setup() {
  const clock = { t: new Date("2030-01-01T00:00:00Z").getTime() };
  const repo = new MemoryAuthRepository();
  const grants = new AppGrants(new MemoryGrantStore(), () => clock.t);
  const auth = new AuthService(repo, grants, silentLogger(), () => new Date(clock.t));
  return { clock, repo, grants, auth };
}

const errorOf = (p: Promise<unknown>) => rejection(p, DomainError);

const tokenOf = (cookie: string) => readCookie(cookie.split(";")[0], SESSION_COOKIE);

async function claimed() {
  const s = setup();
  const code = (await s.auth.issueSetupCode())!;
  const { cookie } = await s.auth.claim(code);
  return { ...s, cookie, token: tokenOf(cookie)! };
}

describe("AuthService.claim", () => {
  it("a wrong code is UNAUTHORIZED and leaves the PCC unclaimed", async () => {
    const { auth, repo } = setup();
    const code = await auth.issueSetupCode();
    expect(code).toBeTruthy();
    const err = await errorOf(auth.claim("WRONG-CODE"));
    expect(err.code).toBe("UNAUTHORIZED");
    expect(await auth.isClaimed()).toBe(false);
    expect(repo.owners).toEqual([]);
    expect(repo.sessions.size).toBe(0);
  });

  it("without an issued code it is UNAUTHORIZED", async () => {
    const { auth } = setup();
    expect((await errorOf(auth.claim("ABCD-EFGH"))).code).toBe("UNAUTHORIZED");
  });

  it("the right code claims and returns a secure host-only session cookie", async () => {
    const { auth, repo, cookie, token } = await claimed();
    expect(cookie.startsWith(`${SESSION_COOKIE}=`)).toBe(true);
    const attrs = cookie.split(";").map((s) => s.trim());
    expect(attrs).toEqual(expect.arrayContaining(["HttpOnly", "Secure", "SameSite=Lax", "Path=/"]));
    expect(attrs.some((a) => /^Domain=/i.test(a))).toBe(false);
    expect(attrs).toContain(`Max-Age=${30 * 24 * 3600}`);
    expect(token.length).toBeGreaterThanOrEqual(30);
    expect(await auth.isClaimed()).toBe(true);
    expect(repo.owners).toHaveLength(1);
    // Stored under its hash, never the raw token.
    expect(repo.sessions.size).toBe(1);
    expect(repo.sessions.has(token)).toBe(false);
  });

  it("cannot claim twice", async () => {
    const { auth, repo } = await claimed();
    expect(await auth.issueSetupCode()).toBeNull();
    const err = await errorOf(auth.claim("ABCD-EFGH"));
    expect(["UNAUTHORIZED", "ALREADY_CLAIMED"]).toContain(err.code);
    expect(repo.owners).toHaveLength(1);
  });

  it("loses a race to another claim in the database: ALREADY_CLAIMED", async () => {
    const { auth, repo } = setup();
    const code = (await auth.issueSetupCode())!;
    repo.owners.push("someone-else");
    expect((await errorOf(auth.claim(code))).code).toBe("ALREADY_CLAIMED");
  });
});

describe("AuthService.validate", () => {
  it("returns the session for the cookie's token", async () => {
    const { auth, repo, token } = await claimed();
    const s = await auth.validate(token);
    expect(s).not.toBeNull();
    expect(s!.ownerId).toBe(repo.owners[0]);
    expect(auth.isFresh(s!)).toBe(true);
  });

  it.each([undefined, "", "garbage", "x".repeat(101)])("returns null for %j", async (t) => {
    const { auth } = await claimed();
    expect(await auth.validate(t)).toBeNull();
  });

  it("an expired session is null and deleted", async () => {
    const { auth, repo, clock, token } = await claimed();
    clock.t += 30 * DAY;
    expect(await auth.validate(token)).toBeNull();
    expect(repo.sessions.size).toBe(0);
  });

  it("renews a session past half its life", async () => {
    const { auth, clock, token } = await claimed();
    clock.t += 20 * DAY;
    const s = await auth.validate(token);
    expect(s!.expiresAt.getTime()).toBe(clock.t + 30 * DAY);
    clock.t += 20 * DAY; // 40 days after sign-in: alive thanks to the renewal
    expect(await auth.validate(token)).not.toBeNull();
  });

  it("a session stops being fresh after 12 hours", async () => {
    const { auth, clock, token } = await claimed();
    clock.t += 13 * 3600_000;
    const s = await auth.validate(token);
    expect(auth.isFresh(s!)).toBe(false);
  });
});

describe("AuthService.signOut", () => {
  it("deletes the session, revokes its app grants and returns a clearing cookie", async () => {
    const { auth, grants, token } = await claimed();
    const session = (await auth.validate(token))!;
    await grants.issue("hello", "hello", session.id, session.expiresAt);
    expect(grants.tokensFor("hello")).toHaveLength(1);

    const cookie = await auth.signOut(session);
    expect(cookie.startsWith(`${SESSION_COOKIE}=;`)).toBe(true);
    expect(cookie).toContain("Max-Age=0");
    expect(cookie).toContain("Path=/");
    expect(await auth.validate(token)).toBeNull();
    expect(grants.tokensFor("hello")).toEqual([]);
  });
});

describe("AuthService login codes", () => {
  it("cannot issue a login code before the PCC is claimed", async () => {
    const { auth } = setup();
    expect((await errorOf(auth.issueLoginCode())).code).toBe("CONFLICT");
    expect((await errorOf(auth.signInWithCode("ABCD-EFGH"))).code).toBe("CONFLICT");
  });

  it("a login code signs in once, as a new session of the same owner", async () => {
    const { auth, repo, token: first } = await claimed();
    const code = await auth.issueLoginCode();
    const { cookie } = await auth.signInWithCode(code);
    const second = tokenOf(cookie)!;
    expect(second).not.toBe(first);
    expect(repo.sessions.size).toBe(2);
    expect((await auth.validate(second))!.ownerId).toBe(repo.owners[0]);
    expect((await errorOf(auth.signInWithCode(code))).code).toBe("UNAUTHORIZED");
  });
});
