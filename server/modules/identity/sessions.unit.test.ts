import { describe, expect, it } from "vitest";
import { claimed, client, tokenOf } from "../../testing/identity-harness";
import { bindBrowser, BROWSER_COOKIE, SESSION_COOKIE, SESSION_TTL_MS } from "./sessions";

const DAY = 24 * 3600_000;
const maxAge = (cookie: string) => Number(/Max-Age=(\d+)/.exec(cookie)?.[1]);

describe("Sessions.validate", () => {
  it.each([undefined, "", "garbage!", "x".repeat(101), "a".repeat(32)])("returns null for %j (forged or missing)", async (t) => {
    const { identity } = await claimed();
    expect(await identity.sessions.validate(t)).toBeNull();
  });

  it("an expired session is null, deleted, and its app credentials are revoked", async () => {
    const h = await claimed();
    const s = await h.session();
    await h.grants.issue("hello", "hello", s.id, new Date(h.clock.t + 40 * DAY));
    h.clock.t += 31 * DAY;
    expect(await h.identity.sessions.validate(h.token)).toBeNull();
    expect(h.repo.sessions.size).toBe(0);
    expect(h.grantStore.files.size).toBe(0);
  });

  it("sliding expiry really renews the cookie: a renewed session comes with a Set-Cookie of the full lifetime", async () => {
    const h = await claimed();
    // Right after sign-in nothing needs renewing.
    expect((await h.identity.sessions.validate(h.token))!.cookie).toBeNull();
    h.clock.t += 2 * 3600_000;
    const v = (await h.identity.sessions.validate(h.token, client()))!;
    expect(v.cookie).not.toBeNull();
    expect(tokenOf(v.cookie!)).toBe(h.token);
    expect(maxAge(v.cookie!)).toBe(SESSION_TTL_MS / 1000);
    expect(v.session.expiresAt.getTime()).toBe(h.clock.t + SESSION_TTL_MS);
    // Used every few weeks, it never ends.
    for (let i = 0; i < 6; i++) {
      h.clock.t += 20 * DAY;
      const again = await h.identity.sessions.validate(h.token, client());
      expect(again?.cookie).toBeTruthy();
    }
    // Idle longer than the lifetime, it does.
    h.clock.t += 31 * DAY;
    expect(await h.identity.sessions.validate(h.token, client())).toBeNull();
  });

  it("records last-seen time, address and browser at most once a minute", async () => {
    const h = await claimed();
    h.clock.t += 90_000;
    await h.identity.sessions.validate(h.token, client("198.18.7.7", "Mozilla/5.0 (Macintosh) Safari/605"));
    const s = [...h.repo.sessions.values()][0]!;
    expect(s.lastSeenAt.getTime()).toBe(h.clock.t);
    expect(s.lastIp).toBe("198.18.7.7");
    expect([...h.repo.devices.values()][0]!.lastSeenAt.getTime()).toBe(h.clock.t);
  });

  it("a revoked (ended) session is refused at once", async () => {
    const h = await claimed();
    const s = await h.session();
    await h.identity.sessions.end(s.id);
    expect(await h.identity.sessions.validate(h.token)).toBeNull();
  });
});

describe("bindBrowser", () => {
  it("makes a random Strict, HttpOnly, host-only cookie when the browser has none, and keeps an existing one", () => {
    const first = bindBrowser(undefined);
    expect(first.cookie).toMatch(new RegExp(`^${BROWSER_COOKIE}=[a-z2-7]{32}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=\\d+$`));
    const token = /=([a-z2-7]{32});/.exec(first.cookie!)![1]!;
    const again = bindBrowser(token);
    expect(again).toEqual({ binding: first.binding, cookie: null });
    // The binding is a hash: the cookie's value never appears server-side.
    expect(first.binding).not.toContain(token);
    expect(bindBrowser("forged").cookie).not.toBeNull();
    expect(SESSION_COOKIE).toBe("__Host-pcc_session");
  });
});
