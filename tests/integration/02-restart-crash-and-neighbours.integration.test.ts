import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { httpGet, PccInstance, waitFor } from "../helpers/pcc-instance";
import { makeTestCatalog } from "../helpers/test-catalog";

type App = { id: string; status: string };
const labels = { "pcc.managed": "true", "pcc.app": "ghost" };

describe("state survives restarts and crashes", () => {
  const instances: PccInstance[] = [];
  const catalogs: string[] = [];
  afterAll(async () => {
    for (const p of instances) {
      await p.stop();
      await p.cleanup();
    }
    for (const dir of catalogs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("brings every app back to the state the owner left it in, after a clean stop", async () => {
    const catalogDir = makeTestCatalog();
    catalogs.push(catalogDir);
    const pcc = await PccInstance.start({ catalogDir });
    instances.push(pcc);
    const session = await pcc.claim();
    expect(pcc.cli("app", "install", "hello").code).toBe(0);
    await pcc.stop();
    // Stopping PCC stops what it started, apps included.
    await pcc.boot();
    expect(pcc.setupCode).toBeNull();
    const apps = JSON.parse(pcc.cli("app", "list", "--json").stdout) as App[];
    expect(apps).toMatchObject([{ id: "hello", status: "running" }]);
    // The owner's session is in SQLite: still signed in after the restart.
    expect((await pcc.trpc("identity.state", null, session, "query")).json.result?.data).toMatchObject({ claimed: true, signedIn: true });
    const cookie = await pcc.appCookie("hello", session);
    expect((await httpGet(`${pcc.appUrl("hello")}/`, { cookie })).text).toContain("Hello from PCC");

    expect(pcc.cli("app", "stop", "hello").code).toBe(0);
    await pcc.stop();
    await pcc.boot();
    expect(JSON.parse(pcc.cli("app", "list", "--json").stdout)).toMatchObject([{ id: "hello", status: "stopped" }]);
  });

  it("finishes an install interrupted by a crash and sweeps leftovers that belong to no app", async () => {
    const pcc = instances[0]!;
    expect(pcc.cli("app", "remove", "hello", "--purge").code).toBe(0);
    const session = await pcc.claim().catch(() => null);
    expect(session).toBeNull(); // already claimed: the setup code is gone for good
    // A leftover as an earlier crash could leave it: labelled as PCC's, owned by no app.
    await pcc.podman("/volumes/create", "POST", { Name: "pcc_ghost_data", Label: labels });

    const cookie = await pcc.signInWithCliCode();
    expect((await pcc.trpc("apps.install", { id: "hello" }, cookie)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 400));
    await pcc.kill();

    await pcc.boot();
    await waitFor("hello running again", async () => {
      const apps = JSON.parse(pcc.cli("app", "list", "--json").stdout) as App[];
      return apps.length === 1 && apps[0]!.status === "running";
    });
    expect((await pcc.podman("/volumes/pcc_ghost_data/exists")).status).toBe(404);
    const after = await pcc.appCookie("hello", cookie);
    expect((await httpGet(`${pcc.appUrl("hello")}/`, { cookie: after })).status).toBe(200);
  });

  it("runs two PCCs side by side without sharing networks or apps", async () => {
    const other = await PccInstance.start();
    instances.push(other);
    const first = instances[0]!;
    expect(other.cli("app", "install", "hello").code).toBe(0);
    const netA = (await first.podman(`/networks/${first.network("hello")}/json`)).json as { network_interface: string; subnets: { subnet: string }[] };
    const netB = (await other.podman(`/networks/${other.network("hello")}/json`)).json as { network_interface: string; subnets: { subnet: string }[] };
    expect(netA.network_interface).not.toBe(netB.network_interface);
    expect(netA.subnets[0]!.subnet).not.toBe(netB.subnets[0]!.subnet);
    // Each PCC's owner credential works only at its own PCC.
    const sessionB = await other.claim();
    const appB = await other.appCookie("hello", sessionB);
    expect((await httpGet(`${other.appUrl("hello")}/`, { cookie: appB })).status).toBe(200);
    expect((await httpGet(`${first.appUrl("hello")}/`, { cookie: appB })).status).toBe(302);
    expect(JSON.parse(first.cli("app", "list", "--json").stdout)).toHaveLength(1);
  });

  it("fails an app whose registry is down cleanly at the pull, says why, and leaves nothing behind", async () => {
    const pcc = instances[0]!;
    const r = pcc.cli("app", "install", "unreachable");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/PCC could not reach the registry that hosts this app \(127\.0\.0\.1:9\)/);
    expect(JSON.parse(pcc.cli("app", "list", "--json").stdout).map((a: App) => a.id)).toEqual(["hello"]);
    expect((await pcc.podman(`/networks/${pcc.network("unreachable")}/exists`)).status).toBe(404);
    expect((await pcc.podman("/volumes/pcc_unreachable_data/exists")).status).toBe(404);
    expect((await pcc.podman("/containers/pcc_unreachable_web/exists")).status).toBe(404);
  });

  it("restarts Caddy and Podman's service when they die, with the same apps and credentials", async () => {
    const pcc = instances[1]!;
    const session = await pcc.claim().catch(() => null);
    expect(session).toBeNull();
    const cookie = await pcc.signIn();
    const app = await pcc.appCookie("hello", cookie);
    for (const helper of ["caddy", "podman"]) {
      const pid = Number(fs.readFileSync(path.join(pcc.dataDir, `run/${helper}.pid`), "utf8"));
      process.kill(pid, "SIGKILL");
      await waitFor(`${helper} restarted`, async () => Number(fs.readFileSync(path.join(pcc.dataDir, `run/${helper}.pid`), "utf8")) !== pid);
      await waitFor(`hello served after ${helper} restarted`, async () => (await httpGet(`${pcc.appUrl("hello")}/`, { cookie: app })).status === 200);
    }
    expect(JSON.parse(pcc.cli("status", "--json").stdout)).toMatchObject({ podman: { ok: true }, caddy: { ok: true } });
  });
});
