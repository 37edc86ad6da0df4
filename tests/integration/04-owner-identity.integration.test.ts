import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exposedFiles } from "../../server/host/private-files";
import { hashToken, randomToken } from "../../server/modules/identity/tokens";
import { SoftAuthenticator } from "../../server/testing/soft-authenticator";
import { PUBLIC_PROCEDURES } from "../../server/testing/public-procedures";
import { appRouter } from "../../server/trpc/app-router";
import { listProcedures } from "../../server/trpc/procedures";
import { CookieJar, httpGet, loopbackAgent, PccInstance, waitFor, type HttpResponse } from "../helpers/pcc-instance";
import { makeTestCatalog } from "../helpers/test-catalog";

/** Headers a client may send to pass as someone else; PCC and Caddy must ignore every one of them. */
const SPOOFED = {
  "x-forwarded-for": "10.9.8.7, 127.0.0.1",
  forwarded: "for=127.0.0.1;proto=https;host=pcc.localhost",
  "x-real-ip": "10.9.8.7",
  "remote-user": "owner",
  "x-pcc-client-ip": "10.9.8.7",
  "x-forwarded-user": "owner",
};

const sqliteTime = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");
const tokenOf = (cookie: string) => cookie.split("=")[1]!;

describe("owner identity on a real PCC: passkeys, sessions, tiers, audit, file modes", () => {
  let pcc: PccInstance;
  let catalogDir: string;
  let owner = "";
  // A second client on the same machine: Caddy sees its connection come from 127.0.0.66.
  const stranger = new Agent({ localAddress: "127.0.0.66", connect: { rejectUnauthorized: false, lookup: (_h, o, cb) => ((o as { all?: boolean }).all ? cb(null, [{ address: "127.0.0.1", family: 4 }] as never, 4) : cb(null, "127.0.0.1", 4)) } });

  /** A tRPC call as the shell makes it (mutations from the shell's origin), from any client. */
  async function call(proc: string, type: "query" | "mutation" | "subscription", input: unknown, opts: { cookie?: string; dispatcher?: Agent; headers?: Record<string, string> } = {}) {
    const url = `${pcc.shellUrl}/api/trpc/${proc}`;
    const common = { cookie: opts.cookie, dispatcher: opts.dispatcher ?? loopbackAgent, headers: { ...opts.headers } };
    const r: HttpResponse =
      type === "mutation"
        ? await httpGet(url, { ...common, method: "POST", body: JSON.stringify(input), headers: { ...common.headers, "content-type": "application/json", origin: pcc.shellUrl } })
        : await httpGet(`${url}?input=${encodeURIComponent(JSON.stringify(input))}`, common);
    return { ...r, json: JSON.parse(r.text || "{}") as { result?: { data: unknown }; error?: { message: string; data: { code: string; domainCode: string | null } } } };
  }

  const db = () => new Database(path.join(pcc.dataDir, "pcc.db"));

  /** The first event of a subscription (server-sent events) after "connected", read for at most 5 s. */
  async function firstEvent(proc: string, cookie?: string): Promise<string> {
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), 5_000);
    let body = "";
    try {
      const r = await request(`${pcc.shellUrl}/api/trpc/${proc}?input=${encodeURIComponent("{}")}`, {
        dispatcher: loopbackAgent,
        headers: { accept: "text/event-stream", ...(cookie ? { cookie } : {}) },
        signal: ac.signal,
      });
      for await (const chunk of r.body) {
        body += chunk;
        const events = body.split("\n\n").map((e) => e.trim()).filter((e) => e && !e.startsWith("event: connected"));
        if (events.length) return events[0]!;
      }
    } catch {
      /* aborted: no event came */
    } finally {
      clearTimeout(timer);
    }
    return body;
  }

  beforeAll(async () => {
    catalogDir = makeTestCatalog();
    pcc = await PccInstance.start({ catalogDir });
  });
  afterAll(async () => {
    await pcc?.stop();
    await pcc?.cleanup();
    fs.rmSync(catalogDir, { recursive: true, force: true });
  });

  it("strangers cannot burn the setup code: wrong codes are limited per real client, spoofed headers change nothing", async () => {
    let limited = 0;
    for (let i = 0; i < 25; i++) {
      // A different "client address" in every header, each time.
      const headers = Object.fromEntries(Object.entries(SPOOFED).map(([k, v]) => [k, v.replace("10.9.8.7", `10.9.8.${i}`)]));
      const r = await call("identity.claim.begin", "mutation", { code: "AAAA-AAAA" }, { dispatcher: stranger, headers });
      expect([401, 429]).toContain(r.status);
      if (r.status === 429) limited++;
    }
    expect(limited).toBe(15);
    // The owner, on another connection, still claims with the same code.
    owner = await pcc.claim();
    expect(pcc.recoveryCodes).toHaveLength(8);
    expect((await call("identity.state", "query", null, { cookie: owner })).json.result?.data).toMatchObject({ claimed: true, signedIn: true, fresh: true });
  });

  it("every non-public procedure refuses no session, a forged, an expired and a revoked one (enumerated from the router)", async () => {
    const procedures = listProcedures(appRouter);
    expect(procedures.filter((p) => p.tier === "public").map((p) => p.path).sort()).toEqual([...PUBLIC_PROCEDURES].sort());

    const expired = await pcc.signIn();
    db().prepare("UPDATE Session SET expiresAt = ? WHERE id = ?").run(sqliteTime(Date.now() - 1000), hashToken(tokenOf(expired)));
    const revoked = await pcc.signInWithCliCode();
    const devices = (await call("identity.devices.list", "query", null, { cookie: owner })).json.result?.data as { devices: { id: string; origin: string }[] };
    const cliDevice = devices.devices.find((d) => d.origin === "cli-code")!;
    expect((await call("identity.devices.revoke", "mutation", { deviceId: cliDevice.id }, { cookie: await freshOwner() })).status).toBe(200);

    const sessions: [string, string | undefined][] = [
      ["no session", undefined],
      ["a forged session", `__Host-pcc_session=${randomToken()}`],
      ["an app credential as session", `__Host-pcc_session=${randomToken(32)}`],
      ["an expired session", expired],
      ["a revoked session", revoked],
    ];
    const guarded = procedures.filter((p) => p.tier !== "public");
    expect(guarded.length).toBeGreaterThan(15);
    for (const p of guarded) {
      for (const [what, cookie] of sessions) {
        if (p.type === "subscription") {
          // Over server-sent events the refusal is the stream's first event, before any data.
          const first = await firstEvent(p.path, cookie);
          expect(first, `${p.path} with ${what}`).toMatch(/^event: serialized-error\ndata: .*"code":"UNAUTHORIZED"/);
          continue;
        }
        const r = await call(p.path, p.type, {}, { cookie });
        const want = p.tier === "setup" ? 403 : 401;
        expect(r.status, `${p.path} with ${what}: ${r.text.slice(0, 200)}`).toBe(want);
      }
    }
    // The owner's own session still works.
    expect((await call("apps.list", "query", null, { cookie: owner })).status).toBe(200);
  });

  it("sliding expiry really renews the browser's cookie", async () => {
    const cookie = await pcc.signIn();
    db().prepare("UPDATE Session SET expiresAt = ? WHERE id = ?").run(sqliteTime(Date.now() + 10 * 24 * 3600_000), hashToken(tokenOf(cookie)));
    const r = await call("apps.list", "query", null, { cookie });
    const set = ([] as string[]).concat(r.headers["set-cookie"] ?? []).find((c) => c.startsWith("__Host-pcc_session="));
    expect(set, "a renewed session re-sends its cookie").toBeTruthy();
    expect(set).toContain(`${cookie};`);
    expect(Number(/Max-Age=(\d+)/.exec(set!)![1])).toBeGreaterThan(29 * 24 * 3600);
    expect(set).toMatch(/HttpOnly; Secure; SameSite=Lax/);
  });

  it("fresh-owner: a stale session gets FRESH_AUTH_REQUIRED, a passkey step-up clears it", async () => {
    const cookie = await pcc.signIn();
    db().prepare("UPDATE Session SET verifiedAt = ? WHERE id = ?").run(sqliteTime(Date.now() - 10 * 60_000), hashToken(tokenOf(cookie)));
    const stale = await call("identity.recovery.regenerate", "mutation", null, { cookie });
    expect(stale.status).toBe(403);
    expect(stale.json.error?.data.domainCode).toBe("FRESH_AUTH_REQUIRED");
    const options = (await call("identity.stepUp.begin", "mutation", null, { cookie })).json.result?.data as Parameters<SoftAuthenticator["assert"]>[0];
    expect((await call("identity.stepUp.finish", "mutation", { response: pcc.owner.assert(options) }, { cookie })).status).toBe(200);
    const fresh = await call("identity.recovery.regenerate", "mutation", null, { cookie });
    expect(fresh.status).toBe(200);
    pcc.recoveryCodes = (fresh.json.result?.data as { recoveryCodes: string[] }).recoveryCodes;
  });

  it("owner-only app hosts refuse another app's credential, spoofed identity headers and Host tricks", async () => {
    for (const id of ["hello", "second"]) expect(pcc.cli("app", "install", id).code).toBe(0);
    const helloCookie = await pcc.appCookie("hello", owner);
    expect((await pcc.http(`${pcc.appUrl("hello")}/`, { cookie: helloCookie })).text).toContain("Hello from PCC");

    const port = pcc.httpsPort;
    const tricks = (label: string) => [`${label}.pcc.localhost:${port}`, `${label.toUpperCase()}.pcc.localhost:${port}`, `${label}.PCC.LOCALHOST:${port}`, `${label}.pcc.localhost.:${port}`, `${label}.pcc.localhost`, `${label}.pcc.localhost:443`];
    const attempts: { what: string; url: string; host: string; cookie?: string }[] = [];
    for (const host of tricks("second")) attempts.push({ what: "hello's credential at second", url: `${pcc.appUrl("second")}/`, host, cookie: helloCookie });
    for (const host of tricks("hello")) attempts.push({ what: "no credential at hello", url: `${pcc.appUrl("hello")}/`, host });
    for (const a of attempts) {
      for (const method of ["GET", "POST"]) {
        // A fresh connection each time: Caddy may end one (TLS alert) after a Host it cannot serve.
        const dispatcher = new Agent({ connect: { rejectUnauthorized: false, lookup: (_h, o, cb) => ((o as { all?: boolean }).all ? cb(null, [{ address: "127.0.0.1", family: 4 }] as never, 4) : cb(null, "127.0.0.1", 4)) } });
        const r = await httpGet(a.url, { dispatcher, method, cookie: a.cookie, headers: { ...SPOOFED, host: a.host, "x-pcc-host": "hello.pcc.localhost", "x-pcc-uri": "/" } }).catch(
          (e: Error) => ({ status: 0, text: `connection refused by Caddy: ${e.message}`, headers: {} }),
        );
        await dispatcher.close();
        expect([0, 302, 400, 401, 404, 421], `${a.what}, Host ${a.host}, ${method}: ${r.status} ${r.text.slice(0, 100)}`).toContain(r.status);
        expect(r.text).not.toContain("Hello from PCC");
      }
    }
    // The shell does not take identity from headers either.
    expect((await call("apps.list", "query", null, { headers: SPOOFED })).status).toBe(401);
  });

  it("revoking a device ends its app credentials at once: Caddy refuses its next request", async () => {
    const laptop = new SoftAuthenticator(pcc.shellUrl);
    // Pair a laptop: it starts (its own browser cookie), the owner approves with the match code, it registers.
    const jar = new CookieJar();
    const start = await call("identity.pairing.start", "mutation", null, { cookie: jar.header });
    jar.take(start.headers);
    const { pairingId, matchCode } = start.json.result?.data as { pairingId: string; matchCode: string };
    expect((await call("identity.pairing.approve", "mutation", { pairingId, matchCode }, { cookie: await freshOwner() })).status).toBe(200);
    const opts = (await call("identity.pairing.registerBegin", "mutation", { pairingId }, { cookie: jar.header })).json.result?.data as Parameters<SoftAuthenticator["register"]>[0];
    const done = await call("identity.pairing.registerFinish", "mutation", { pairingId, response: laptop.register(opts), deviceName: "Laptop" }, { cookie: jar.header });
    const laptopSession = jar.take(done.headers).session(done.text);
    const laptopApp = await pcc.appCookie("hello", laptopSession);
    expect((await pcc.http(`${pcc.appUrl("hello")}/`, { cookie: laptopApp })).status).toBe(200);

    const list = (await call("identity.devices.list", "query", null, { cookie: owner })).json.result?.data as { devices: { id: string; name: string }[] };
    const id = list.devices.find((d) => d.name === "Laptop")!.id;
    expect((await call("identity.devices.revoke", "mutation", { deviceId: id }, { cookie: await freshOwner() })).status).toBe(200);
    expect((await pcc.http(`${pcc.appUrl("hello")}/`, { cookie: laptopApp })).status).toBe(302);
    expect((await call("apps.list", "query", null, { cookie: laptopSession })).status).toBe(401);
    // Its passkey signs in no more.
    await expect(pcc.signIn(laptop)).rejects.toThrow(/sign-in failed/);
  });

  it("the audit log chains every admin action, with the address Caddy saw, and ./pcc audit verifies it", async () => {
    await call("identity.signIn.begin", "mutation", null, { headers: SPOOFED });
    await pcc.signIn();
    const r = await call("audit.list", "query", { limit: 200 }, { cookie: owner });
    const { entries, chain } = r.json.result?.data as { entries: { action: string; ip: string | null; actor: string }[]; chain: { ok: boolean } };
    expect(chain.ok).toBe(true);
    const actions = entries.map((e) => e.action);
    for (const a of ["owner.claimed", "signin.passkey", "login-code.issued", "signin.code", "device.revoked", "device.paired", "recovery.regenerated"]) expect(actions).toContain(a);
    for (const e of entries) expect([null, "127.0.0.1"]).toContain(e.ip);
    const cli = pcc.cli("audit", "--limit", "500");
    expect(cli.code).toBe(0);
    expect(cli.stdout).toMatch(/#1\s+\S+ \S+\s+owner\.claimed/);
    expect(cli.stdout).toMatch(/Hash chain verified \(\d+ entries\)/);
    // SQLite itself refuses to change an entry.
    expect(() => db().prepare("UPDATE AuditEntry SET actor = 'cli' WHERE seq = 1").run()).toThrow(/append-only/);
  });

  it("every file PCC writes is private to root after an install, whatever Podman does", async () => {
    const exposed = async () => (await exposedFiles(pcc.dataDir)).filter((f) => !f.endsWith(" test-output.log"));
    // Podman (umask 022, o+x for userns containers) writes as it goes; PCC tightens right after.
    await waitFor("no file readable by other users", async () => (await exposed()).length === 0, 20_000).catch(async () => {
      throw new Error(`readable by others:\n${(await exposed()).join("\n")}`);
    });
    // pcc.db was 0644 (Prisma's migrate under umask 022); Podman's own files are written 0644 by Podman.
    for (const f of ["pcc.db", "logs/pcc.log", "podman/storage/storage.lock", "podman/storage/userns.lock"]) {
      expect((fs.statSync(path.join(pcc.dataDir, f)).mode & 0o777).toString(8), f).toBe("600");
    }
    // Not a vacuous pass: Podman did open the way down (o+x) for the app's user namespace.
    expect(fs.statSync(pcc.dataDir).mode & 0o001).toBe(0o001);
    // Passable (Caddy's group, and Podman's userns containers need that), never listable or writable by others.
    expect(fs.statSync(pcc.dataDir).mode & 0o006).toBe(0);
    // Still served after the tightening, and after a restart.
    const app = await pcc.appCookie("hello", owner);
    expect((await pcc.http(`${pcc.appUrl("hello")}/`, { cookie: app })).status).toBe(200);
  });

  it("a tampered audit log is reported loudly at boot, and ./pcc audit fails", async () => {
    await pcc.stop();
    const raw = db();
    raw.exec('DROP TRIGGER "AuditEntry_no_update"');
    raw.prepare(`UPDATE AuditEntry SET details = '{"edited":true}' WHERE seq = 2`).run();
    raw.close();
    await pcc.boot();
    expect(pcc.output).toMatch(/audit log has been tampered with: entry 2/);
    const cli = pcc.cli("audit");
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/hash chain is broken at entry 2/);
    // Not fatal: the box runs, the owner is still signed in.
    expect((await call("apps.list", "query", null, { cookie: owner })).status).toBe(200);
    const seen = new Set<string>();
    const exposed = async () => (await exposedFiles(pcc.dataDir)).filter((f) => !f.endsWith(" test-output.log")).map((f) => (seen.add(f), f));
    await waitFor("no file readable by other users after the restart", async () => (await exposed()).length === 0, 20_000).catch((err) => {
      throw new Error(`${String(err)}; readable by others after the restart:\n${[...seen].join("\n")}`);
    });
    const app = await pcc.appCookie("hello", owner);
    await waitFor("hello served after the restart", async () => (await pcc.http(`${pcc.appUrl("hello")}/`, { cookie: app })).status === 200, 60_000);
  });

  /** The owner after a passkey step-up (the fresh-owner tier). */
  async function freshOwner() {
    const options = (await call("identity.stepUp.begin", "mutation", null, { cookie: owner })).json.result?.data as Parameters<SoftAuthenticator["assert"]>[0];
    await call("identity.stepUp.finish", "mutation", { response: pcc.owner.assert(options) }, { cookie: owner });
    return owner;
  }
});
