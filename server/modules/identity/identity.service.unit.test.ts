import { describe, expect, it } from "vitest";
import { claimed, client, errorOf, harness, RP, signIn, tokenOf } from "../../testing/identity-harness";
import { SoftAuthenticator } from "../../testing/soft-authenticator";
import { SESSION_COOKIE } from "./sessions";

describe("IdentityService: claim", () => {
  it("a wrong setup code is UNAUTHORIZED, leaves the box unclaimed, and never burns the code", async () => {
    const { identity, repo } = harness();
    const code = (await identity.issueSetupCode())!;
    // From many clients, many wrong tries: the right code still works afterwards.
    for (let i = 0; i < 30; i++) {
      const err = await errorOf(identity.beginClaim("WRONG-CODE", client(`198.18.1.${i}`), "b"));
      expect(err.code).toBe("UNAUTHORIZED");
    }
    expect(await identity.isClaimed()).toBe(false);
    expect(repo.owners).toEqual([]);
    const phone = new SoftAuthenticator(RP.origin);
    const options = await identity.beginClaim(code, client(), "b");
    await identity.finishClaim(phone.register(options), undefined, client(), "b");
    expect(await identity.isClaimed()).toBe(true);
  });

  it("limits wrong codes per client and per window, not per code: one client's guessing blocks only that client", async () => {
    const { identity, clock } = harness();
    const code = (await identity.issueSetupCode())!;
    const attacker = client("203.0.113.7");
    for (let i = 0; i < 10; i++) expect((await errorOf(identity.beginClaim("AAAA-AAAA", attacker, "x"))).code).toBe("UNAUTHORIZED");
    // Over budget: refused even with the right code, until the window passes.
    expect((await errorOf(identity.beginClaim(code, attacker, "x"))).code).toBe("RATE_LIMITED");
    // The owner, elsewhere, is not affected.
    await expect(identity.beginClaim(code, client("198.18.0.9"), "owner")).resolves.toHaveProperty("challenge");
    clock.t += 16 * 60_000;
    await expect(identity.beginClaim(code, attacker, "x")).resolves.toHaveProperty("challenge");
  });

  it("an IPv6 client is limited by its /64, so rotating addresses inside it does not help", async () => {
    const { identity } = harness();
    await identity.issueSetupCode();
    for (let i = 0; i < 10; i++) await errorOf(identity.beginClaim("AAAA-AAAA", client(`2001:db8:1:2::${i + 1}`), "x"));
    expect((await errorOf(identity.beginClaim("AAAA-AAAA", client("2001:db8:1:2:ffff::1"), "x"))).code).toBe("RATE_LIMITED");
  });

  it("claims with a passkey: owner, device, passkey, session, 8 hashed recovery codes; the setup code dies", async () => {
    const { identity, repo, cookie, token, recoveryCodes, code, auditRepo } = await claimed();
    expect(cookie.startsWith(`${SESSION_COOKIE}=`)).toBe(true);
    const attrs = cookie.split(";").map((s) => s.trim());
    expect(attrs).toEqual(expect.arrayContaining(["HttpOnly", "Secure", "SameSite=Lax", "Path=/", `Max-Age=${30 * 24 * 3600}`]));
    expect(attrs.some((a) => /^Domain=/i.test(a))).toBe(false);
    expect(repo.owners).toHaveLength(1);
    expect([...repo.devices.values()].map((d) => [d.name, d.origin])).toEqual([["My phone", "claim"]]);
    expect(repo.passkeys.size).toBe(1);
    // Stored under hashes only.
    expect(repo.sessions.has(token)).toBe(false);
    expect(recoveryCodes).toHaveLength(8);
    expect(new Set(recoveryCodes).size).toBe(8);
    for (const c of recoveryCodes) {
      expect(c).toMatch(/^[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}$/);
      expect(repo.recovery.has(c)).toBe(false);
    }
    expect(repo.recovery.size).toBe(8);
    expect(identity.setupCode.active).toBe(false);
    expect(await identity.issueSetupCode()).toBeNull();
    expect((await errorOf(identity.beginClaim(code, client(), "again"))).code).toBe("ALREADY_CLAIMED");
    expect(auditRepo.rows.map((r) => r.action)).toEqual(["owner.claimed"]);
  });

  it("refuses a passkey made for another origin or RP ID, or without user verification", async () => {
    for (const tamper of [{ origin: "https://hello.pcc.test:8443" }, { rpId: "evil.test" }, { userVerified: false }]) {
      const { identity, repo } = harness();
      const code = (await identity.issueSetupCode())!;
      const options = await identity.beginClaim(code, client(), "b");
      const response = new SoftAuthenticator(RP.origin).register(options, tamper);
      expect((await errorOf(identity.finishClaim(response, undefined, client(), "b"))).code).toBe("UNAUTHORIZED");
      expect(repo.owners).toEqual([]);
    }
  });

  it("the claim ceremony belongs to the browser that began it", async () => {
    const { identity } = harness();
    const code = (await identity.issueSetupCode())!;
    const options = await identity.beginClaim(code, client(), "owner-browser");
    const response = new SoftAuthenticator(RP.origin).register(options);
    expect((await errorOf(identity.finishClaim(response, undefined, client(), "other-browser"))).code).toBe("UNAUTHORIZED");
  });

  it("loses a race to another claim in the database: ALREADY_CLAIMED", async () => {
    const { identity, repo } = harness();
    const code = (await identity.issueSetupCode())!;
    const options = await identity.beginClaim(code, client(), "b");
    repo.owners.push("someone-else");
    expect((await errorOf(identity.finishClaim(new SoftAuthenticator(RP.origin).register(options), undefined, client(), "b"))).code).toBe("ALREADY_CLAIMED");
  });
});

describe("IdentityService: passkey sign-in and step-up", () => {
  it("signs in with the owner's passkey as a new session of the same device", async () => {
    const h = await claimed();
    const token = await signIn(h, h.phone);
    const s = (await h.identity.sessions.validate(token))!.session;
    expect(s.deviceId).toBe([...h.repo.devices.keys()][0]);
    expect(h.repo.sessions.size).toBe(2);
    expect(h.auditRepo.rows.map((r) => r.action)).toEqual(["owner.claimed", "signin.passkey"]);
  });

  it("refuses an unknown passkey, a replayed assertion, and an assertion from an app's origin", async () => {
    const h = await claimed();
    const stranger = new SoftAuthenticator(RP.origin);
    stranger.register(await h.identity.passkeys.registrationOptions({ ownerId: "x", exclude: [] }));
    const o1 = await h.identity.beginSignIn(client(), "b");
    expect((await errorOf(h.identity.finishSignIn(stranger.assert(o1), client(), "b"))).code).toBe("UNAUTHORIZED");

    const o2 = await h.identity.beginSignIn(client(), "b");
    const good = h.phone.assert(o2);
    await h.identity.finishSignIn(good, client(), "b");
    expect((await errorOf(h.identity.finishSignIn(good, client(), "b"))).code).toBe("UNAUTHORIZED");

    const o3 = await h.identity.beginSignIn(client(), "b");
    expect((await errorOf(h.identity.finishSignIn(h.phone.assert(o3, { origin: "https://hello.pcc.test:8443" }), client(), "b"))).code).toBe("UNAUTHORIZED");
  });

  it("a session is fresh for 5 minutes after a passkey; a step-up makes it fresh again", async () => {
    const h = await claimed();
    let s = await h.session();
    expect(h.identity.sessions.isFresh(s)).toBe(true);
    h.clock.t += 5 * 60_000;
    s = await h.session();
    expect(h.identity.sessions.isFresh(s)).toBe(false);
    expect((await h.identity.state(s)).fresh).toBe(false);
    const options = await h.identity.beginStepUp(s);
    expect(options.allowCredentials?.map((c) => c.id)).toEqual(h.phone.credentialIds);
    await h.identity.finishStepUp(s, h.phone.assert(options));
    expect(h.identity.sessions.isFresh(await h.session())).toBe(true);
  });

  it("sign-out ends the session and its app credentials", async () => {
    const h = await claimed();
    const s = await h.session();
    await h.grants.issue("hello", "hello", s.id, s.expiresAt);
    const clear = await h.identity.signOut(s, client());
    expect(clear).toMatch(new RegExp(`^${SESSION_COOKIE}=;.*Max-Age=0`));
    expect(await h.identity.sessions.validate(h.token)).toBeNull();
    expect(h.grantStore.files.size).toBe(0);
  });

  it("state says who is here", async () => {
    const h = await claimed();
    expect(await h.identity.state(null)).toEqual({ claimed: true, signedIn: false, fresh: false, device: null });
    const st = await h.identity.state(await h.session());
    expect(st).toMatchObject({ claimed: true, signedIn: true, fresh: true, device: { name: "My phone" } });
    expect(tokenOf(h.cookie)).toBe(h.token);
  });
});
