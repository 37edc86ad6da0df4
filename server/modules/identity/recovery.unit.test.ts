import { describe, expect, it } from "vitest";
import { claimed, client, errorOf, RP, signIn, tokenOf } from "../../testing/identity-harness";
import { SoftAuthenticator } from "../../testing/soft-authenticator";

const newPhone = client("198.18.9.9");

describe("Recovery (lost phone)", () => {
  it("a recovery code registers a new passkey, and every old device, passkey, session and app credential ends", async () => {
    const h = await claimed();
    const old = await h.session();
    await h.grants.issue("hello", "hello", old.id, old.expiresAt);
    const replacement = new SoftAuthenticator(RP.origin);

    const options = await h.identity.recovery.begin(h.recoveryCodes[3]!.toLowerCase().replace(/-/g, " "), newPhone, "new-browser");
    const { cookie, remaining } = await h.identity.recovery.finish(replacement.register(options), "New phone", newPhone, "new-browser");
    expect(remaining).toBe(7);
    expect([...h.repo.devices.values()].map((d) => [d.name, d.origin])).toEqual([["New phone", "recovery"]]);
    expect(await h.identity.sessions.validate(h.token)).toBeNull();
    expect(h.grantStore.files.size).toBe(0);
    expect((await errorOf(signIn(h, h.phone))).code).toBe("UNAUTHORIZED");
    expect(await h.identity.sessions.validate(tokenOf(cookie))).not.toBeNull();
    await expect(signIn(h, replacement)).resolves.toBeTruthy();
    expect(h.auditRepo.rows.find((r) => r.action === "recovery.used")).toMatchObject({ ip: "198.18.9.9" });
  });

  it("each code works once; a wrong code is refused and limited per client", async () => {
    const h = await claimed();
    const code = h.recoveryCodes[0]!;
    const a = new SoftAuthenticator(RP.origin);
    await h.identity.recovery.finish(a.register(await h.identity.recovery.begin(code, newPhone, "b")), undefined, newPhone, "b");
    expect((await errorOf(h.identity.recovery.begin(code, newPhone, "b"))).code).toBe("UNAUTHORIZED");
    const attacker = client("203.0.113.4");
    for (let i = 0; i < 10; i++) expect((await errorOf(h.identity.recovery.begin("AAAA-BBBB-CCCC", attacker, "x"))).code).toBe("UNAUTHORIZED");
    expect((await errorOf(h.identity.recovery.begin(h.recoveryCodes[1]!, attacker, "x"))).code).toBe("RATE_LIMITED");
  });

  it("a code spent between begin and finish (two tabs) recovers only once", async () => {
    const h = await claimed();
    const code = h.recoveryCodes[0]!;
    const o1 = await h.identity.recovery.begin(code, newPhone, "tab1");
    const o2 = await h.identity.recovery.begin(code, newPhone, "tab2");
    await h.identity.recovery.finish(new SoftAuthenticator(RP.origin).register(o1), undefined, newPhone, "tab1");
    expect((await errorOf(h.identity.recovery.finish(new SoftAuthenticator(RP.origin).register(o2), undefined, newPhone, "tab2"))).code).toBe("UNAUTHORIZED");
  });

  it("regenerate replaces the sheet: old codes stop working", async () => {
    const h = await claimed();
    const s = await h.session();
    expect(await h.identity.recovery.status(s)).toEqual({ remaining: 8, total: 8 });
    const { recoveryCodes } = await h.identity.recovery.regenerate(s, client());
    expect(recoveryCodes).toHaveLength(8);
    expect((await errorOf(h.identity.recovery.begin(h.recoveryCodes[0]!, newPhone, "b"))).code).toBe("UNAUTHORIZED");
    await expect(h.identity.recovery.begin(recoveryCodes[0]!, newPhone, "b")).resolves.toHaveProperty("challenge");
  });
});
