import { describe, expect, it } from "vitest";
import { claimed, client, errorOf, harness, LAPTOP_UA } from "../../testing/identity-harness";

const laptop = client("198.18.3.3", LAPTOP_UA);

describe("LoginRequests (./pcc login-code REQUEST)", () => {
  it("needs an owner", async () => {
    const { identity } = harness();
    expect((await errorOf(identity.loginRequests.create("b", laptop))).code).toBe("CONFLICT");
  });

  it("a code signs in only the browser whose request it was issued for, once", async () => {
    const h = await claimed();
    const { requestId } = await h.identity.loginRequests.create("laptop-browser", laptop);
    expect(requestId).toMatch(/^[A-HJKMNP-Z2-9]{4}$/);
    expect(h.identity.loginRequests.status(requestId, "laptop-browser")).toEqual({ state: "waiting" });
    expect(h.identity.loginRequests.list()).toEqual([expect.objectContaining({ requestId, ip: "198.18.3.3", device: "Chrome on Linux", codeIssued: false })]);

    const { code } = await h.identity.loginRequests.issueCode(requestId.toLowerCase());
    expect(h.identity.loginRequests.status(requestId, "laptop-browser")).toEqual({ state: "code-issued" });
    // Another browser only learns "expired", and cannot use the code, even with the right request id.
    expect(h.identity.loginRequests.status(requestId, "phisher")).toEqual({ state: "expired" });
    expect((await errorOf(h.identity.loginRequests.redeem(requestId, code, "phisher", client("203.0.113.9")))).code).toBe("UNAUTHORIZED");

    const { cookie } = await h.identity.loginRequests.redeem(requestId, code, "laptop-browser", laptop);
    expect(cookie).toMatch(/^__Host-pcc_session=/);
    const device = [...h.repo.devices.values()].find((d) => d.origin === "cli-code")!;
    expect(device.name).toBe("Chrome on Linux");
    // Announced on the bus: the owner's other devices get a "new device" notification.
    expect(h.joined).toEqual([{ deviceId: device.id, name: "Chrome on Linux", how: "cli-code" }]);
    // Fresh: root on the machine vouched for this browser just now.
    const s = [...h.repo.sessions.values()].find((x) => x.deviceId === device.id)!;
    expect(h.identity.sessions.isFresh(s)).toBe(true);
    expect((await errorOf(h.identity.loginRequests.redeem(requestId, code, "laptop-browser", laptop))).code).toBe("UNAUTHORIZED");
    expect(h.auditRepo.rows.map((r) => [r.action, r.actor.split(":")[0]])).toEqual([
      ["owner.claimed", "device"],
      ["login-code.issued", "cli"],
      ["signin.code", "device"],
    ]);
  });

  it("a wrong code never invalidates the right one; guessing is limited per client", async () => {
    const h = await claimed();
    const { requestId } = await h.identity.loginRequests.create("laptop-browser", laptop);
    const { code } = await h.identity.loginRequests.issueCode(requestId);
    for (let i = 0; i < 10; i++) expect((await errorOf(h.identity.loginRequests.redeem(requestId, "AAAA-AAAA", "laptop-browser", client("203.0.113.9")))).code).toBe("UNAUTHORIZED");
    expect((await errorOf(h.identity.loginRequests.redeem(requestId, code, "laptop-browser", client("203.0.113.9")))).code).toBe("RATE_LIMITED");
    await expect(h.identity.loginRequests.redeem(requestId, code, "laptop-browser", laptop)).resolves.toHaveProperty("cookie");
  });

  it("an unknown or expired request is NOT_FOUND for root; codes expire after 10 minutes", async () => {
    const h = await claimed();
    expect((await errorOf(h.identity.loginRequests.issueCode("ZZZZ"))).code).toBe("NOT_FOUND");
    const { requestId } = await h.identity.loginRequests.create("b", laptop);
    const { code } = await h.identity.loginRequests.issueCode(requestId);
    h.clock.t += 10 * 60_000 + 1;
    expect((await errorOf(h.identity.loginRequests.redeem(requestId, code, "b", laptop))).code).toBe("UNAUTHORIZED");
    h.clock.t += 16 * 60_000;
    expect((await errorOf(h.identity.loginRequests.issueCode(requestId))).code).toBe("NOT_FOUND");
  });

  it("one request per browser, a few per client: a script cannot pile them up", async () => {
    const h = await claimed();
    const a = await h.identity.loginRequests.create("b1", laptop);
    const b = await h.identity.loginRequests.create("b1", laptop);
    expect(h.identity.loginRequests.list().map((r) => r.requestId)).toEqual([b.requestId]);
    expect(a.requestId === b.requestId || h.identity.loginRequests.status(a.requestId, "b1").state === "expired").toBe(true);
    for (let i = 0; i < 10; i++) await h.identity.loginRequests.create(`flood-${i}`, client("203.0.113.50"));
    expect(h.identity.loginRequests.list().filter((r) => r.ip === "203.0.113.50")).toHaveLength(3);
  });
});
