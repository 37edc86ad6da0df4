import { describe, expect, it } from "vitest";
import { claimed, client, errorOf, LAPTOP_UA, RP, signIn, tokenOf, type Harness } from "../../testing/identity-harness";
import { SoftAuthenticator } from "../../testing/soft-authenticator";

const laptopClient = client("198.18.4.4", LAPTOP_UA);

/** Pairs a laptop: it starts, the owner (fresh) types its match code, the laptop registers a passkey. */
async function pairLaptop(h: Harness & { session: () => Promise<import("./sessions").Session> }) {
  const laptop = new SoftAuthenticator(RP.origin);
  const { pairingId, matchCode } = await h.identity.pairing.start("laptop-browser", laptopClient);
  await h.identity.pairing.approve(pairingId, matchCode, await h.session(), client());
  const options = await h.identity.pairing.beginRegistration(pairingId, "laptop-browser");
  const { cookie } = await h.identity.pairing.finishRegistration(pairingId, laptop.register(options), "Work laptop", "laptop-browser", laptopClient);
  return { laptop, token: tokenOf(cookie), pairingId };
}

describe("Pairing a device", () => {
  it("start → the owner types the match code → the new browser registers its own passkey", async () => {
    const h = await claimed();
    const { pairingId, matchCode } = await h.identity.pairing.start("laptop-browser", laptopClient);
    expect(pairingId).toMatch(/^[a-z2-7]{26}$/);
    expect(matchCode).toMatch(/^\d{6}$/);
    expect(h.identity.pairing.status(pairingId, "laptop-browser")).toEqual({ state: "waiting" });
    const seen = h.identity.pairing.describe(pairingId);
    expect(seen).toMatchObject({ device: "Chrome on Linux", ip: "198.18.4.4", state: "waiting" });
    expect(JSON.stringify(seen)).not.toContain(matchCode);
    // Not approved yet: the new browser cannot register.
    expect((await errorOf(h.identity.pairing.beginRegistration(pairingId, "laptop-browser"))).code).toBe("UNAUTHORIZED");

    const wrong = matchCode === "000000" ? "111111" : "000000";
    expect((await errorOf(h.identity.pairing.approve(pairingId, wrong, await h.session(), client()))).code).toBe("UNAUTHORIZED");
    await h.identity.pairing.approve(pairingId, matchCode, await h.session(), client());
    expect(h.identity.pairing.status(pairingId, "laptop-browser")).toEqual({ state: "approved" });
    // Only the browser that started it may continue.
    expect((await errorOf(h.identity.pairing.beginRegistration(pairingId, "someone-else"))).code).toBe("UNAUTHORIZED");

    const laptop = new SoftAuthenticator(RP.origin);
    const options = await h.identity.pairing.beginRegistration(pairingId, "laptop-browser");
    expect(options.excludeCredentials?.map((c) => c.id)).toEqual(h.phone.credentialIds);
    await h.identity.pairing.finishRegistration(pairingId, laptop.register(options), "Work laptop", "laptop-browser", laptopClient);
    expect([...h.repo.devices.values()].map((d) => [d.name, d.origin])).toEqual([
      ["My phone", "claim"],
      ["Work laptop", "paired"],
    ]);
    // Announced on the bus (the claim is not: nobody else is there to tell).
    expect(h.joined).toEqual([{ deviceId: [...h.repo.devices.values()][1]!.id, name: "Work laptop", how: "paired" }]);
    expect(h.identity.pairing.status(pairingId, "laptop-browser")).toEqual({ state: "expired" });
    // The laptop now signs in with its own passkey.
    await expect(signIn(h, laptop)).resolves.toBeTruthy();
    expect(h.auditRepo.rows.at(-1)!.action).toBe("signin.passkey");
    expect(h.auditRepo.rows.find((r) => r.action === "device.paired")!.actor).toMatch(/^device:/);
  });

  it("five wrong match codes end the pairing", async () => {
    const h = await claimed();
    const { pairingId, matchCode } = await h.identity.pairing.start("b", laptopClient);
    const wrong = matchCode === "000000" ? "111111" : "000000";
    for (let i = 0; i < 5; i++) await errorOf(h.identity.pairing.approve(pairingId, wrong, await h.session(), client()));
    expect((await errorOf(h.identity.pairing.approve(pairingId, matchCode, await h.session(), client()))).code).toBe("NOT_FOUND");
  });

  it("a pairing expires after 5 minutes unapproved", async () => {
    const h = await claimed();
    const { pairingId } = await h.identity.pairing.start("b", laptopClient);
    h.clock.t += 5 * 60_000;
    expect(h.identity.pairing.status(pairingId, "b")).toEqual({ state: "expired" });
    expect((await errorOf(Promise.resolve().then(() => h.identity.pairing.describe(pairingId)))).code).toBe("NOT_FOUND");
  });
});

describe("Devices", () => {
  it("lists devices with their passkeys and sessions, marking the current ones", async () => {
    const h = await claimed();
    await pairLaptop(h);
    const { devices, otherSessions } = await h.identity.devices.list(await h.session());
    expect(devices.map((d) => [d.name, d.current, d.passkeys.length, d.sessions.length])).toEqual([
      ["My phone", true, 1, 1],
      ["Work laptop", false, 1, 1],
    ]);
    expect(devices[0]!.sessions[0]!.current).toBe(true);
    expect(devices[1]!.sessions[0]).toMatchObject({ browser: "Chrome on Linux", lastIp: "198.18.4.4", current: false });
    expect(otherSessions).toEqual([]);
  });

  it("rename cleans the name and is audited", async () => {
    const h = await claimed();
    const { devices } = await h.identity.devices.list(await h.session());
    await h.identity.devices.rename(await h.session(), devices[0]!.id, "  Pixel\n8  ", client());
    expect((await h.identity.devices.list(await h.session())).devices[0]!.name).toBe("Pixel 8");
    expect(h.auditRepo.rows.at(-1)).toMatchObject({ action: "device.renamed" });
    expect((await errorOf(h.identity.devices.rename(await h.session(), "nope", "x", client()))).code).toBe("NOT_FOUND");
  });

  it("revoking a device ends its sessions and app credentials at once, and its passkey signs in no more", async () => {
    const h = await claimed();
    const { laptop, token } = await pairLaptop(h);
    const laptopSession = (await h.identity.sessions.validate(token))!.session;
    await h.grants.issue("hello", "hello", laptopSession.id, laptopSession.expiresAt);
    const phoneSession = await h.session();
    await h.grants.issue("hello", "hello", phoneSession.id, phoneSession.expiresAt);
    expect(h.grantStore.files.size).toBe(2);

    await h.identity.devices.revoke(phoneSession, laptopSession.deviceId!, client());
    expect(await h.identity.sessions.validate(token)).toBeNull();
    expect([...h.grantStore.files.values()].map((m) => m.sessionId)).toEqual([phoneSession.id]);
    expect((await errorOf(signIn(h, laptop))).code).toBe("UNAUTHORIZED");
    expect(h.auditRepo.rows.at(-1)).toMatchObject({ action: "device.revoked" });
  });

  it("the device in use cannot revoke itself (sign out instead)", async () => {
    const h = await claimed();
    const s = await h.session();
    expect((await errorOf(h.identity.devices.revoke(s, s.deviceId!, client()))).code).toBe("CONFLICT");
  });

  it("ending a session: another one stays; one's own returns the clearing cookie", async () => {
    const h = await claimed();
    const second = await signIn(h, h.phone);
    const s2 = (await h.identity.sessions.validate(second))!.session;
    expect(await h.identity.devices.endSession(await h.session(), s2.id, client())).toEqual({ clearCookie: null });
    expect(await h.identity.sessions.validate(second)).toBeNull();
    const own = await h.identity.devices.endSession(await h.session(), (await h.session()).id, client());
    expect(own.clearCookie).toMatch(/Max-Age=0/);
  });

  it("a device that came in by CLI code can add its own passkey", async () => {
    const h = await claimed();
    const { requestId } = await h.identity.loginRequests.create("laptop", laptopClient);
    const { code } = await h.identity.loginRequests.issueCode(requestId);
    const { cookie } = await h.identity.loginRequests.redeem(requestId, code, "laptop", laptopClient);
    const s = (await h.identity.sessions.validate(tokenOf(cookie)))!.session;
    const key = new SoftAuthenticator(RP.origin);
    await h.identity.devices.finishAddPasskey(s, key.register(await h.identity.devices.beginAddPasskey(s)), laptopClient);
    expect([...h.repo.passkeys.values()].filter((p) => p.deviceId === s.deviceId)).toHaveLength(1);
    await expect(signIn(h, key)).resolves.toBeTruthy();
  });
});
