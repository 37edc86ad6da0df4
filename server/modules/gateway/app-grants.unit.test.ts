import { describe, expect, it } from "vitest";
import { MemoryGrantStore } from "../../testing/fakes";
import { AppGrants } from "./app-grants";

const HOUR = 3600_000;

function setup(start = 1_700_000_000_000) {
  const clock = { t: start };
  const store = new MemoryGrantStore();
  const grants = new AppGrants(store, () => clock.t);
  const expires = (ms = HOUR) => new Date(clock.t + ms);
  return { clock, store, grants, expires };
}

describe("AppGrants", () => {
  it("issue then redeem gives the token once, with the session's remaining life", async () => {
    const { grants, store, expires } = setup();
    const code = await grants.issue("hello", "hello", "s1", expires(HOUR));
    expect(store.files.size).toBe(1);

    const g = grants.redeem(code, "hello");
    expect(g).not.toBeNull();
    expect(g!.maxAgeSeconds).toBe(3600);
    expect(grants.tokensFor("hello")).toEqual([g!.token]);
    expect(g!.token).toMatch(/^[a-z2-7]{52}$/);
    expect(store.files.get(`hello/${g!.token}`)).toMatchObject({ appId: "hello", sessionId: "s1" });
    expect(g!.token).not.toBe(code);

    expect(grants.redeem(code, "hello")).toBeNull();
  });

  it("a code redeemed on another app's host fails, and is spent", async () => {
    const { grants, expires } = setup();
    const code = await grants.issue("hello", "hello", "s1", expires());
    expect(grants.redeem(code, "other")).toBeNull();
    expect(grants.redeem(code, "hello")).toBeNull();
  });

  it("an unknown code fails", () => {
    const { grants } = setup();
    expect(grants.redeem("nope", "hello")).toBeNull();
    expect(grants.redeem("", "hello")).toBeNull();
  });

  it("handoff codes expire after a minute", async () => {
    const { grants, clock, expires } = setup();
    const code = await grants.issue("hello", "hello", "s1", expires());
    clock.t += 61_000;
    expect(grants.redeem(code, "hello")).toBeNull();
  });

  it("tokensFor is per app", async () => {
    const { grants, expires } = setup();
    const a = grants.redeem(await grants.issue("hello", "hello", "s1", expires()), "hello")!.token;
    const b = grants.redeem(await grants.issue("other", "other", "s1", expires()), "other")!.token;
    expect(a).not.toBe(b);
    expect(grants.tokensFor("hello")).toEqual([a]);
    expect(grants.tokensFor("other")).toEqual([b]);
    expect(grants.tokensFor("third")).toEqual([]);
  });

  it("the same session and app reuse one token, with fresh codes", async () => {
    const { grants, store, expires } = setup();
    const c1 = await grants.issue("hello", "hello", "s1", expires());
    const c2 = await grants.issue("hello", "hello", "s1", expires());
    expect(c1).not.toBe(c2);
    expect(store.files.size).toBe(1);
    expect(grants.redeem(c1, "hello")!.token).toBe(grants.redeem(c2, "hello")!.token);
    expect(grants.tokensFor("hello")).toHaveLength(1);
  });

  it("different sessions get different tokens for the same app", async () => {
    const { grants, expires } = setup();
    const a = grants.redeem(await grants.issue("hello", "hello", "s1", expires()), "hello")!.token;
    const b = grants.redeem(await grants.issue("hello", "hello", "s2", expires()), "hello")!.token;
    expect(a).not.toBe(b);
    expect(grants.tokensFor("hello").sort()).toEqual([a, b].sort());
  });

  it("revokeSession removes that session's tokens only, on disk too", async () => {
    const { grants, store, expires } = setup();
    await grants.issue("hello", "hello", "s1", expires());
    await grants.issue("other", "other", "s1", expires());
    const keep = grants.redeem(await grants.issue("hello", "hello", "s2", expires()), "hello")!.token;
    expect(store.files.size).toBe(3);

    await grants.revokeSession("s1");
    expect(grants.tokensFor("hello")).toEqual([keep]);
    expect(grants.tokensFor("other")).toEqual([]);
    expect([...store.files.keys()]).toEqual([`hello/${keep}`]);

    await grants.revokeSession("s1");
    expect(store.files.size).toBe(1);
  });

  it("revokeApp removes every token of that app", async () => {
    const { grants, store, expires } = setup();
    await grants.issue("hello", "hello", "s1", expires());
    await grants.issue("hello", "hello", "s2", expires());
    await grants.issue("other", "other", "s1", expires());
    await grants.revokeApp("hello");
    expect(store.files.size).toBe(1);
    expect(grants.tokensFor("hello")).toEqual([]);
    expect(grants.tokensFor("other")).toHaveLength(1);
  });

  it("a pending handoff code dies with its revoked token", async () => {
    const { grants, expires } = setup();
    const code = await grants.issue("hello", "hello", "s1", expires());
    await grants.revokeSession("s1");
    expect(grants.redeem(code, "hello")).toBeNull();
  });

  it("tokens stop counting when their session expires, and a new one is issued", async () => {
    const { grants, clock, store, expires } = setup();
    const first = grants.redeem(await grants.issue("hello", "hello", "s1", expires(10_000)), "hello")!.token;
    clock.t += 10_000;
    expect(grants.tokensFor("hello")).toEqual([]);
    const second = grants.redeem(await grants.issue("hello", "hello", "s1", expires(HOUR)), "hello")!.token;
    expect(second).not.toBe(first);
    await grants.prune();
    expect([...store.files.keys()]).toEqual([`hello/${second}`]);
  });

  it("load keeps credentials of live sessions only, so they survive a restart of PCC", async () => {
    const { grants, store, clock, expires } = setup();
    const live = grants.redeem(await grants.issue("hello", "hello", "s1", expires()), "hello")!.token;
    await grants.issue("hello", "hello", "gone", expires());
    await grants.issue("other", "other", "s1", expires(1_000));
    clock.t += 2_000;

    const restarted = new AppGrants(store, () => clock.t);
    await restarted.load(async (id) => id === "s1");
    expect(restarted.tokensFor("hello")).toEqual([live]);
    expect(restarted.tokensFor("other")).toEqual([]);
    expect([...store.files.keys()]).toEqual([`hello/${live}`]);
  });
});
