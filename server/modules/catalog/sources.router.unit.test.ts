import { TRPCError } from "@trpc/server";
import { describe, expect, it, vi } from "vitest";
import type { DomainError } from "../../errors";
import type { Services } from "../../services";
import { rejection, silentLogger } from "../../testing/fakes";
import { appRouter } from "../../trpc/app-router";
import type { Context } from "../../trpc/context";
import { createCallerFactory } from "../../trpc/init";
import { listProcedures } from "../../trpc/procedures";
import type { Session } from "../identity/sessions";
import { parseSourceArgs } from "../../cli/source-cli";

const session = { id: "s", ownerId: "o", deviceId: "dev1", createdAt: new Date(), expiresAt: new Date(Date.now() + 3600_000), verifiedAt: new Date(), lastSeenAt: new Date(), lastIp: null, userAgent: null } as Session;

function setup(opts: { session?: Session | null; fresh?: boolean } = {}) {
  const sources = { list: vi.fn(async () => []), add: vi.fn(async () => ({ id: "x" })), remove: vi.fn(async () => undefined), refresh: vi.fn(async () => []) };
  const apps = { asksForPermissions: vi.fn(async () => false), beginInstall: vi.fn(async () => undefined) };
  const ctx: Context = {
    services: { sources, apps, identity: { sessions: { isFresh: () => opts.fresh ?? true } } } as unknown as Services,
    log: silentLogger(),
    session: opts.session === undefined ? session : opts.session,
    client: { ip: "198.18.0.9", userAgent: "test" },
    bindBrowser: () => "b",
    setCookie: () => undefined,
  };
  return { caller: createCallerFactory(appRouter)(ctx), sources, apps };
}

describe("sources.* procedures", () => {
  it("are owner-only; adding a source needs a fresh passkey check", () => {
    const tiers = Object.fromEntries(listProcedures(appRouter).filter((p) => p.path.startsWith("sources.")).map((p) => [p.path, p.tier]));
    expect(tiers).toEqual({ "sources.list": "owner", "sources.add": "fresh-owner", "sources.remove": "owner", "sources.refresh": "owner" });
  });

  it("refuse strangers, and a stale session for add", async () => {
    const anon = setup({ session: null });
    expect((await rejection(anon.caller.sources.list(), TRPCError)).code).toBe("UNAUTHORIZED");
    const stale = setup({ fresh: false });
    const err = await rejection(stale.caller.sources.add({ location: "https://apps.example.test/", publicKey: "k" }), TRPCError);
    expect((err.cause as DomainError).code).toBe("FRESH_AUTH_REQUIRED");
    expect(stale.sources.add).not.toHaveBeenCalled();
    await stale.caller.sources.refresh();
    expect(stale.sources.refresh).toHaveBeenCalledWith(undefined);
  });

  it("pass who asked, for the audit log", async () => {
    const { caller, sources } = setup();
    await caller.sources.add({ location: " https://apps.example.test/ ", publicKey: "k" });
    expect(sources.add).toHaveBeenCalledWith({ location: "https://apps.example.test/", publicKey: "k", trustUnsigned: false }, { actor: "device:dev1", ip: "198.18.0.9" });
    await caller.sources.remove({ id: "example-test" });
    expect(sources.remove).toHaveBeenCalledWith("example-test", { actor: "device:dev1", ip: "198.18.0.9" });
    expect((await rejection(caller.sources.remove({ id: "../x" }), TRPCError)).code).toBe("BAD_REQUEST");
  });

  it("apps.install passes a licence key through", async () => {
    const { caller, apps } = setup();
    await caller.apps.install({ id: "photos", licence: "PCCL1.a.b" });
    expect(apps.beginInstall).toHaveBeenCalledWith("photos", expect.objectContaining({ licence: "PCCL1.a.b" }), expect.anything());
  });
});

describe("./pcc source arguments", () => {
  it.each([
    [["list"], { req: { cmd: "source.list" }, json: false }],
    [["list", "--json"], { req: { cmd: "source.list" }, json: true }],
    [["add", "https://apps.example.test/", "--key", "KEY"], { req: { cmd: "source.add", location: "https://apps.example.test/", publicKey: "KEY", trustUnsigned: false }, json: false }],
    [["add", "/srv/apps", "--trust-unsigned"], { req: { cmd: "source.add", location: "/srv/apps", trustUnsigned: true }, json: false }],
    [["remove", "example-test"], { req: { cmd: "source.remove", id: "example-test" }, json: false }],
    [["refresh"], { req: { cmd: "source.refresh" }, json: false }],
    [["refresh", "example-test"], { req: { cmd: "source.refresh", id: "example-test" }, json: false }],
    [["sign", "dir", "--key", "k.key"], { sign: { dir: "dir", keyFile: "k.key", name: undefined } }],
  ])("%j", (argv, parsed) => {
    expect(parseSourceArgs(argv)).toEqual(parsed);
  });

  it("resolves a relative folder", () => {
    expect(parseSourceArgs(["add", "apps", "--trust-unsigned"])).toMatchObject({ req: { location: `${process.cwd()}/apps` } });
  });

  it.each([[[]], [["add"]], [["add", "x", "--key"]], [["remove"]], [["sign", "dir"]], [["list", "--bogus"]], [["frob"]], [["remove", "a", "b"]]])("%j is usage", (argv) => {
    expect(parseSourceArgs(argv)).toBeNull();
  });
});
