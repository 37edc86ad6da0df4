import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpGet, PccInstance } from "../helpers/pcc-instance";
import { sse, type SseEvent } from "../helpers/sse";
import { makeTestCatalog } from "../helpers/test-catalog";

type Inspect = {
  HostConfig: { CapDrop?: string[]; ReadonlyRootfs: boolean; SecurityOpt?: string[]; Memory: number; PidsLimit: number; Init: boolean; UsernsMode: string; PortBindings?: Record<string, unknown> | null };
  Config: { Labels: Record<string, string> };
  NetworkSettings: { Ports?: Record<string, unknown> | null };
  State: { Pid: number; Running: boolean };
};

describe("owner claims PCC, installs and uses apps", () => {
  let pcc: PccInstance;
  let catalogDir: string;
  let session = "";

  beforeAll(async () => {
    catalogDir = makeTestCatalog();
    pcc = await PccInstance.start({ catalogDir });
  });
  afterAll(async () => {
    await pcc?.stop();
    await pcc?.cleanup();
    fs.rmSync(catalogDir, { recursive: true, force: true });
  });

  it("has Caddy sweep its certificate storage once, before obtaining any certificate", () => {
    // The sweep running beside the first obtains once deleted the wildcard half-written (see initialCaddyConfig).
    const msgs = fs
      .readFileSync(`${pcc.dataDir}/logs/caddy.log`, "utf8")
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(msgs.filter((m) => m === "cleaning storage unit")).toHaveLength(1);
    const cleaned = msgs.indexOf("finished cleaning storage units");
    const obtaining = msgs.indexOf("obtaining certificate");
    expect(cleaned).toBeGreaterThan(-1);
    expect(obtaining).toBeGreaterThan(cleaned);
    expect(msgs.filter((m) => m === "certificate obtained successfully")).toHaveLength(2);
  });

  it("prints a setup code and refuses everything owner-only before the claim", async () => {
    expect(pcc.setupCode).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    const state = await pcc.trpc("identity.state", null, undefined, "query");
    expect(state.json.result?.data).toMatchObject({ claimed: false, signedIn: false });
    const list = await pcc.trpc("apps.list", null, undefined, "query");
    expect(list.status).toBe(401);
  });

  it("rejects a wrong setup code and changes nothing, then claims once", async () => {
    const wrong = await pcc.trpc("identity.claim.begin", { code: "AAAA-AAAA" });
    expect(wrong.status).toBe(401);
    expect(wrong.json.error?.message).toMatch(/not right/);
    expect((await pcc.trpc("identity.state", null, undefined, "query")).json.result?.data).toMatchObject({ claimed: false, signedIn: false });

    session = await pcc.claim();
    const state = await pcc.trpc("identity.state", null, session, "query");
    expect(state.json.result?.data).toMatchObject({ claimed: true, signedIn: true, device: { name: "Owner's phone" } });

    const reused = await pcc.trpc("identity.claim.begin", { code: pcc.setupCode });
    expect(reused.status).toBe(403);
    expect(reused.json.error?.message).toMatch(/already has an owner/);
  });

  it("refuses mutations that do not come from the shell's origin", async () => {
    const r = await httpGet(`${pcc.shellUrl}/api/trpc/apps.install`, {
      method: "POST",
      cookie: session,
      body: JSON.stringify({ id: "hello" }),
      headers: { "content-type": "text/plain", origin: pcc.appUrl("evil") },
    });
    expect(r.status).toBe(403);
  });

  it("loads the catalog and reports the malformed manifest without hiding the rest", async () => {
    const r = await pcc.trpc("apps.catalog", null, session, "query");
    const data = r.json.result?.data as { apps: { id: string }[]; problems: { source: string; message: string }[] };
    expect(data.apps.map((a) => a.id).sort()).toEqual(["hello", "second", "unreachable"]);
    expect(data.problems).toHaveLength(1);
    expect(data.problems[0]!.source).toContain("broken");
  });

  it("installs hello from the CLI, hardened and unpublished", async () => {
    const bad = pcc.cli("app", "install", "no-such-app");
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/no app "no-such-app"/);

    const r = pcc.cli("app", "install", "hello");
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.stderr).toMatch(/Building web/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/hello\s+running/);

    const again = pcc.cli("app", "install", "hello");
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/already installed/);

    const { json } = await pcc.podman("/containers/pcc_hello_web/json");
    const c = json as Inspect;
    expect(c.HostConfig.CapDrop?.length).toBeGreaterThan(10);
    expect(c.HostConfig.ReadonlyRootfs).toBe(true);
    expect(c.HostConfig.SecurityOpt).toContain("no-new-privileges");
    expect(c.HostConfig.Memory).toBe(64 * 1024 * 1024);
    expect(c.HostConfig.PidsLimit).toBe(32);
    expect(c.HostConfig.Init).toBe(true);
    expect(c.Config.Labels["pcc.app"]).toBe("hello");
    const bound = Object.values(c.HostConfig.PortBindings ?? {}).flat().filter((b) => (b as { HostPort?: string } | null)?.HostPort);
    expect(bound, JSON.stringify(c.HostConfig.PortBindings)).toEqual([]);
    // Its own user-namespace range: root in the container is an unprivileged uid on the host.
    const uidMap = fs.readFileSync(`/proc/${c.State.Pid}/uid_map`, "utf8").trim().split(/\s+/);
    expect(uidMap[0]).toBe("0");
    expect(Number(uidMap[1])).toBeGreaterThan(0);
    expect(Number(uidMap[2])).toBeLessThan(4294967295);
    const net = (await pcc.podman(`/networks/${pcc.network("hello")}/json`)).json as { options?: Record<string, string> };
    expect(net.options?.isolate).toBe("true");
  });

  it("serves the app only to the owner, and never hands the app a PCC credential", async () => {
    const anon = await httpGet(`${pcc.appUrl("hello")}/`);
    expect(anon.status).toBe(302);
    expect(anon.headers.location).toBe(`${pcc.shellUrl}/_pcc/app-auth/hello/`);
    expect(anon.text).not.toContain("Hello from PCC");
    expect((await httpGet(`${pcc.appUrl("hello")}/`, { method: "POST" })).status).toBe(401);
    // The owner's shell session is host-only and is not an app credential.
    expect((await httpGet(`${pcc.appUrl("hello")}/`, { cookie: session })).status).toBe(302);
    // Without a session the handoff sends the browser to the shell's sign-in.
    const noSession = await httpGet(`${pcc.shellUrl}/_pcc/app-auth/hello/`);
    expect(noSession.status).toBe(302);
    expect(String(noSession.headers.location)).toMatch(/^\/\?next=/);

    const appCookie = await pcc.appCookie("hello", session);
    const ok = await httpGet(`${pcc.appUrl("hello")}/`, { cookie: appCookie });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain("Hello from PCC");

    const seen = await httpGet(`${pcc.appUrl("hello")}/cgi-bin/whoami`, { cookie: `theme=dark; ${appCookie}; lang=en` });
    expect(seen.status).toBe(200);
    expect(seen.text).toContain("theme=dark");
    expect(seen.text).toContain("lang=en");
    expect(seen.text).not.toContain("pcc_app");
    expect(seen.text).not.toContain(appCookie.split("=")[1]!);

    // One app's credential opens nothing else: not the shell, not another app.
    expect((await pcc.trpc("apps.list", null, appCookie, "query")).status).toBe(401);
    expect(pcc.cli("app", "install", "second").code).toBe(0);
    expect((await httpGet(`${pcc.appUrl("second")}/`, { cookie: appCookie.replace("hello", "second") })).status).toBe(302);
    const swapped = await httpGet(`${pcc.appUrl("second")}/`, { cookie: appCookie });
    expect(swapped.status).toBe(302);
    // A handoff code for one app cannot be redeemed at another.
    const start = await httpGet(`${pcc.shellUrl}/_pcc/app-auth/hello/`, { cookie: session });
    const stolen = String(start.headers.location).replace("//hello.", "//second.");
    expect((await httpGet(stolen)).status).toBe(400);
  });

  it("keeps apps' cookies on their own host, and the shell safe from cookies it did not set", async () => {
    const appCookie = await pcc.appCookie("hello", session);
    const planted = await httpGet(`${pcc.appUrl("hello")}/cgi-bin/plant`, { cookie: appCookie });
    expect(planted.text).toMatch(/planted on pcc\.localhost/);
    const setCookie = ([] as string[]).concat(planted.headers["set-cookie"] ?? []);
    expect(setCookie).toEqual(["planted=1; Path=/"]);
    // Only the shell may frame an app.
    expect(planted.headers["content-security-policy"]).toContain(`frame-ancestors ${pcc.shellUrl}`);

    // Five 4 KB cookies on the parent domain would be 20 KB of headers: Node refuses over 16 KB (431).
    const junk = Array.from({ length: 5 }, (_, i) => `junk${i}=${"x".repeat(4000)}`).join("; ");
    const state = await pcc.trpc("identity.state", null, `${junk}; ${session}`, "query");
    expect(state.status).toBe(200);
    expect(state.json.result?.data).toMatchObject({ signedIn: true });
    expect(state.headers["x-frame-options"]).toBe("SAMEORIGIN");
    expect(state.headers["strict-transport-security"]).toMatch(/max-age=/);
  });

  it("stops, starts and removes apps, keeping data only when asked", async () => {
    const appCookie = await pcc.appCookie("hello", session);
    expect(pcc.cli("app", "stop", "hello").stdout).toMatch(/hello\s+stopped/);
    expect((await httpGet(`${pcc.appUrl("hello")}/`, { cookie: appCookie })).status).toBe(503);
    expect(pcc.cli("app", "start", "hello").stdout).toMatch(/hello\s+running/);
    expect((await httpGet(`${pcc.appUrl("hello")}/`, { cookie: appCookie })).status).toBe(200);

    const list = JSON.parse(pcc.cli("app", "list", "--json").stdout) as { id: string; status: string }[];
    expect(list.map((a) => [a.id, a.status])).toEqual([
      ["hello", "running"],
      ["second", "running"],
    ]);

    expect(pcc.cli("app", "remove", "hello").code).toBe(0);
    expect((await pcc.podman("/volumes/pcc_hello_data/exists")).status).toBe(204);
    expect((await pcc.podman("/containers/pcc_hello_web/exists")).status).toBe(404);
    expect((await pcc.podman(`/networks/${pcc.network("hello")}/exists`)).status).toBe(404);
    expect((await httpGet(`${pcc.appUrl("hello")}/`, { cookie: appCookie })).status).toBe(404);
    const catalog = (await pcc.trpc("apps.catalog", null, session, "query")).json.result?.data as { apps: { id: string; hasKeptData: boolean; installed: boolean }[] };
    expect(catalog.apps.find((a) => a.id === "hello")).toMatchObject({ installed: false, hasKeptData: true });

    expect(pcc.cli("app", "remove", "second", "--purge").code).toBe(0);
    expect((await pcc.podman("/volumes/pcc_second_data/exists")).status).toBe(404);
    expect(pcc.cli("app", "remove", "second").stderr).toMatch(/not installed/);
  });

  it("an install from the shell: the app's host answers the moment apps.events says it is done", async () => {
    const isDone = (e: SseEvent) => e.event === "message" && (e.data as { type: string; data: { appId?: string } }).type === "done" && (e.data as { data: { appId: string } }).data.appId === "hello";
    let connected!: () => void;
    const open = new Promise<void>((r) => (connected = r));
    const events = sse(pcc, "apps.events", undefined, session, (ev) => (ev.some((e) => e.event === "connected") && connected(), ev.some(isDone)), 60_000);
    await open;
    expect((await pcc.trpc("apps.install", { id: "hello" }, session)).json.error).toBeUndefined();
    const done = (await events).events.find(isDone)!.data as { data: { ok: boolean } };
    expect(done.data.ok).toBe(true);
    // No waiting and no retry: "done" means the owner can open it.
    const appCookie = await pcc.appCookie("hello", session);
    expect((await httpGet(`${pcc.appUrl("hello")}/`, { cookie: appCookie })).status).toBe(200);
  });
});
