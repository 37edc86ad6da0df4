import { TRPCError } from "@trpc/server";
import { describe, expect, it, vi } from "vitest";
import { DomainError } from "../errors";
import type { Session } from "../modules/auth/auth.types";
import type { Services } from "../services";
import { silentLogger, rejection } from "../testing/fakes";
import { appRouter } from "./app-router";
import type { Context } from "./context";
import { createCallerFactory } from "./init";

const createCaller = createCallerFactory(appRouter);

const session: Session = {
  id: "sess",
  ownerId: "owner",
  createdAt: new Date(),
  expiresAt: new Date(Date.now() + 3600_000),
  verifiedAt: new Date(),
};

function setup(opts: { claimed?: boolean; session?: Session | null; fresh?: boolean } = {}) {
  const auth = {
    isClaimed: vi.fn(async () => opts.claimed ?? true),
    isFresh: vi.fn(() => opts.fresh ?? true),
    claim: vi.fn(async () => ({ cookie: "__Host-pcc_session=abc; Path=/" })),
    signInWithCode: vi.fn(async () => ({ cookie: "__Host-pcc_session=def; Path=/" })),
    signOut: vi.fn(async () => "__Host-pcc_session=; Max-Age=0"),
  };
  const apps = {
    catalog: vi.fn(async () => ({ apps: [], problems: [] })),
    list: vi.fn(async () => []),
    beginInstall: vi.fn(async () => undefined),
    start: vi.fn(async () => undefined),
    stop: vi.fn(async () => undefined),
    remove: vi.fn(async () => undefined),
  };
  const system = { status: vi.fn(async () => ({ ok: true })) };
  const log = silentLogger();
  const setCookie = vi.fn();
  const ctx: Context = {
    services: { auth, apps, system } as unknown as Services,
    log,
    session: opts.session === undefined ? session : opts.session,
    setCookie,
  };
  return { caller: createCaller(ctx), auth, apps, system, setCookie, log };
}

const trpcError = (p: Promise<unknown>) => rejection(p, TRPCError);

describe("tRPC tiers", () => {
  it.each([
    ["apps.list", (c: ReturnType<typeof setup>["caller"]) => c.apps.list()],
    ["apps.catalog", (c: ReturnType<typeof setup>["caller"]) => c.apps.catalog()],
    ["apps.install", (c: ReturnType<typeof setup>["caller"]) => c.apps.install({ id: "hello" })],
    ["apps.remove", (c: ReturnType<typeof setup>["caller"]) => c.apps.remove({ id: "hello", keepData: true })],
    ["system.status", (c: ReturnType<typeof setup>["caller"]) => c.system.status()],
    ["auth.signOut", (c: ReturnType<typeof setup>["caller"]) => c.auth.signOut()],
  ])("%s without a session is UNAUTHORIZED", async (_name, call) => {
    const { caller, apps, system } = setup({ session: null });
    expect((await trpcError(call(caller))).code).toBe("UNAUTHORIZED");
    expect(apps.beginInstall).not.toHaveBeenCalled();
    expect(apps.remove).not.toHaveBeenCalled();
    expect(system.status).not.toHaveBeenCalled();
  });

  it("an owner with a session reaches owner procedures", async () => {
    const { caller, apps } = setup();
    await expect(caller.apps.list()).resolves.toEqual([]);
    expect(apps.list).toHaveBeenCalled();
  });

  it("auth.state is public", async () => {
    const { caller } = setup({ session: null, claimed: false });
    await expect(caller.auth.state()).resolves.toEqual({ claimed: false, signedIn: false });
  });

  it("auth.claim on a claimed PCC is FORBIDDEN and does not reach the service", async () => {
    const { caller, auth, setCookie } = setup({ claimed: true, session: null });
    const err = await trpcError(caller.auth.claim({ code: "ABCD-EFGH" }));
    expect(err.code).toBe("FORBIDDEN");
    expect(err.cause).toBeInstanceOf(DomainError);
    expect((err.cause as DomainError).code).toBe("ALREADY_CLAIMED");
    expect(auth.claim).not.toHaveBeenCalled();
    expect(setCookie).not.toHaveBeenCalled();
  });

  it("auth.claim on an unclaimed PCC sets the session cookie", async () => {
    const { caller, auth, setCookie } = setup({ claimed: false, session: null });
    await expect(caller.auth.claim({ code: " ABCD-EFGH " })).resolves.toEqual({ ok: true });
    expect(auth.claim).toHaveBeenCalledWith("ABCD-EFGH");
    expect(setCookie).toHaveBeenCalledWith("__Host-pcc_session=abc; Path=/");
  });

  it("auth.claim with an empty code is BAD_REQUEST", async () => {
    const { caller, auth } = setup({ claimed: false, session: null });
    expect((await trpcError(caller.auth.claim({ code: "   " }))).code).toBe("BAD_REQUEST");
    expect(auth.claim).not.toHaveBeenCalled();
  });

  it.each(["Bad_ID", "", "1abc", "../x"])("apps.install with the invalid id %j is BAD_REQUEST", async (id) => {
    const { caller, apps } = setup();
    expect((await trpcError(caller.apps.install({ id }))).code).toBe("BAD_REQUEST");
    expect(apps.beginInstall).not.toHaveBeenCalled();
  });

  it("apps.install with a valid id starts the install", async () => {
    const { caller, apps } = setup();
    await expect(caller.apps.install({ id: "hello" })).resolves.toEqual({ id: "hello" });
    expect(apps.beginInstall).toHaveBeenCalledWith("hello");
  });

  it.each([
    ["NOT_FOUND", "NOT_FOUND"],
    ["ALREADY_EXISTS", "CONFLICT"],
    ["CONFLICT", "CONFLICT"],
    ["EXTERNAL_FAILURE", "BAD_GATEWAY"],
    ["UNAVAILABLE", "SERVICE_UNAVAILABLE"],
    ["INVALID_INPUT", "BAD_REQUEST"],
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

  it("apps.remove needs a fresh session: FORBIDDEN otherwise", async () => {
    const { caller, apps } = setup({ fresh: false });
    expect((await trpcError(caller.apps.remove({ id: "hello", keepData: false }))).code).toBe("FORBIDDEN");
    expect(apps.remove).not.toHaveBeenCalled();
  });

  it("apps.remove with a fresh session passes keepData through", async () => {
    const { caller, apps } = setup();
    await caller.apps.remove({ id: "hello", keepData: true });
    expect(apps.remove).toHaveBeenCalledWith("hello", { keepData: true });
  });

  it("auth.signOut clears the cookie", async () => {
    const { caller, auth, setCookie } = setup();
    await expect(caller.auth.signOut()).resolves.toEqual({ ok: true });
    expect(auth.signOut).toHaveBeenCalledWith(session);
    expect(setCookie).toHaveBeenCalledWith("__Host-pcc_session=; Max-Age=0");
  });
});
