import { TRPCError } from "@trpc/server";
import { describe, expect, it, vi } from "vitest";
import { DomainError } from "../errors";
import type { Session } from "../modules/identity/sessions";
import type { Services } from "../services";
import { rejection, silentLogger } from "../testing/fakes";
import { PUBLIC_PROCEDURES } from "../testing/public-procedures";
import { appRouter } from "./app-router";
import type { Context } from "./context";
import { createCallerFactory } from "./init";
import { listProcedures } from "./procedures";

const createCaller = createCallerFactory(appRouter);

const session: Session = {
  id: "sess",
  ownerId: "owner",
  deviceId: "dev",
  createdAt: new Date(),
  expiresAt: new Date(Date.now() + 3600_000),
  verifiedAt: new Date(),
  lastSeenAt: new Date(),
  lastIp: null,
  userAgent: null,
};

function setup(opts: { claimed?: boolean; session?: Session | null; fresh?: boolean } = {}) {
  const identity = {
    isClaimed: vi.fn(async () => opts.claimed ?? true),
    sessions: { isFresh: vi.fn(() => opts.fresh ?? true) },
    state: vi.fn(async () => ({ claimed: opts.claimed ?? true, signedIn: false, fresh: false, device: null })),
    beginClaim: vi.fn(async () => ({ challenge: "c" })),
    signOut: vi.fn(async () => "__Host-pcc_session=; Max-Age=0"),
    devices: { revoke: vi.fn(async () => undefined) },
  };
  const apps = {
    catalog: vi.fn(async () => ({ apps: [], problems: [] })),
    list: vi.fn(async () => []),
    asksForPermissions: vi.fn(async () => false),
    beginInstall: vi.fn(async () => undefined),
    remove: vi.fn(async () => undefined),
  };
  const system = { status: vi.fn(async () => ({ ok: true })) };
  const log = silentLogger();
  const setCookie = vi.fn();
  const ctx: Context = {
    services: { identity, apps, system } as unknown as Services,
    log,
    session: opts.session === undefined ? session : opts.session,
    client: { ip: "198.18.0.2", userAgent: "test" },
    bindBrowser: () => "binding",
    setCookie,
  };
  return { caller: createCaller(ctx), identity, apps, system, setCookie, log };
}

const trpcError = (p: Promise<unknown>) => rejection(p, TRPCError);

describe("procedure tiers", () => {
  const all = listProcedures(appRouter);

  it("every procedure has a tier, and the public ones are exactly the reviewed list", () => {
    expect(all.length).toBeGreaterThan(20);
    for (const p of all) expect(["public", "setup", "owner", "fresh-owner"], p.path).toContain(p.tier);
    expect(all.filter((p) => p.tier === "public").map((p) => p.path).sort()).toEqual([...PUBLIC_PROCEDURES].sort());
  });

  it("adding a device, revoking one and regenerating recovery codes need a fresh passkey check", () => {
    const fresh = all.filter((p) => p.tier === "fresh-owner").map((p) => p.path);
    expect(fresh).toEqual(expect.arrayContaining(["identity.pairing.approve", "identity.devices.revoke", "identity.recovery.regenerate", "identity.devices.addPasskeyBegin"]));
  });
});

describe("tRPC tiers at work", () => {
  it.each([
    ["apps.list", (c: ReturnType<typeof setup>["caller"]) => c.apps.list()],
    ["apps.install", (c: ReturnType<typeof setup>["caller"]) => c.apps.install({ id: "hello" })],
    ["system.status", (c: ReturnType<typeof setup>["caller"]) => c.system.status()],
    ["identity.signOut", (c: ReturnType<typeof setup>["caller"]) => c.identity.signOut()],
    ["identity.devices.revoke", (c: ReturnType<typeof setup>["caller"]) => c.identity.devices.revoke({ deviceId: "d" })],
  ])("%s without a session is UNAUTHORIZED", async (_name, call) => {
    const { caller, apps, system } = setup({ session: null });
    expect((await trpcError(call(caller))).code).toBe("UNAUTHORIZED");
    expect(apps.beginInstall).not.toHaveBeenCalled();
    expect(system.status).not.toHaveBeenCalled();
  });

  it("a fresh-owner procedure with a stale session is FORBIDDEN with FRESH_AUTH_REQUIRED, so the shell can step up", async () => {
    const { caller, identity } = setup({ fresh: false });
    const err = await trpcError(caller.identity.devices.revoke({ deviceId: "d" }));
    expect(err.code).toBe("FORBIDDEN");
    expect((err.cause as DomainError).code).toBe("FRESH_AUTH_REQUIRED");
    expect(identity.devices.revoke).not.toHaveBeenCalled();
  });

  it("apps.remove purging data needs a fresh session; keeping data does not", async () => {
    const { caller, apps } = setup({ fresh: false });
    expect(((await trpcError(caller.apps.remove({ id: "hello", keepData: false }))).cause as DomainError).code).toBe("FRESH_AUTH_REQUIRED");
    expect(apps.remove).not.toHaveBeenCalled();
    await caller.apps.remove({ id: "hello", keepData: true });
    expect(apps.remove).toHaveBeenCalledWith("hello", { keepData: true }, expect.objectContaining({ actor: expect.any(String) }));
  });

  it("installing an app that asks for permissions needs a fresh session; one that asks for none does not", async () => {
    const { caller, apps } = setup({ fresh: false });
    await caller.apps.install({ id: "hello" });
    expect(apps.beginInstall).toHaveBeenCalledTimes(1);
    apps.asksForPermissions.mockResolvedValueOnce(true);
    expect(((await trpcError(caller.apps.install({ id: "hello" }))).cause as DomainError).code).toBe("FRESH_AUTH_REQUIRED");
    expect(apps.beginInstall).toHaveBeenCalledTimes(1);
  });

  it("identity.state is public", async () => {
    const { caller } = setup({ session: null, claimed: false });
    await expect(caller.identity.state()).resolves.toMatchObject({ claimed: false, signedIn: false });
  });

  it("claiming a claimed PCC is FORBIDDEN (ALREADY_CLAIMED) and does not reach the service", async () => {
    const { caller, identity, setCookie } = setup({ claimed: true, session: null });
    const err = await trpcError(caller.identity.claim.begin({ code: "ABCD-EFGH" }));
    expect(err.code).toBe("FORBIDDEN");
    expect((err.cause as DomainError).code).toBe("ALREADY_CLAIMED");
    expect(identity.beginClaim).not.toHaveBeenCalled();
    expect(setCookie).not.toHaveBeenCalled();
  });

  it("claim.begin trims the code and passes the client and the browser binding", async () => {
    const { caller, identity } = setup({ claimed: false, session: null });
    await caller.identity.claim.begin({ code: " ABCD-EFGH " });
    expect(identity.beginClaim).toHaveBeenCalledWith("ABCD-EFGH", { ip: "198.18.0.2", userAgent: "test" }, "binding");
    expect((await trpcError(caller.identity.claim.begin({ code: "   " }))).code).toBe("BAD_REQUEST");
  });

  it.each(["Bad_ID", "", "1abc", "../x"])("apps.install with the invalid id %j is BAD_REQUEST", async (id) => {
    const { caller, apps } = setup();
    expect((await trpcError(caller.apps.install({ id }))).code).toBe("BAD_REQUEST");
    expect(apps.beginInstall).not.toHaveBeenCalled();
  });

  it.each([
    ["NOT_FOUND", "NOT_FOUND"],
    ["ALREADY_EXISTS", "CONFLICT"],
    ["CONFLICT", "CONFLICT"],
    ["EXTERNAL_FAILURE", "BAD_GATEWAY"],
    ["UNAVAILABLE", "SERVICE_UNAVAILABLE"],
    ["INVALID_INPUT", "BAD_REQUEST"],
    ["RATE_LIMITED", "TOO_MANY_REQUESTS"],
    ["FRESH_AUTH_REQUIRED", "FORBIDDEN"],
  ] as const)("a DomainError %s from a service becomes %s with its message", async (domain, trpc) => {
    const { caller, apps } = setup();
    apps.beginInstall.mockRejectedValueOnce(new DomainError(domain, "message for the owner"));
    const err = await trpcError(caller.apps.install({ id: "hello" }));
    expect(err.code).toBe(trpc);
    expect(err.message).toBe("message for the owner");
  });

  it("an unexpected error is INTERNAL_SERVER_ERROR and gets logged", async () => {
    const { caller, apps, log } = setup();
    const spy = vi.spyOn(log, "error");
    apps.list.mockRejectedValueOnce(new Error("boom"));
    expect((await trpcError(caller.apps.list())).code).toBe("INTERNAL_SERVER_ERROR");
    expect(spy).toHaveBeenCalled();
  });

  it("identity.signOut clears the cookie", async () => {
    const { caller, identity, setCookie } = setup();
    await expect(caller.identity.signOut()).resolves.toEqual({ ok: true });
    expect(identity.signOut).toHaveBeenCalledWith(session, { ip: "198.18.0.2", userAgent: "test" });
    expect(setCookie).toHaveBeenCalledWith("__Host-pcc_session=; Max-Age=0");
  });
});
