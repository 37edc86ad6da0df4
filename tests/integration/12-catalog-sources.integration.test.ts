import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueLicence } from "../../server/modules/catalog/licences";
import { makeTestCa, startTestHttpsServer, type TestCa, type TestHttpsServer } from "../../server/testing/test-https";
import { helloAs, sign, testKey, type TestKey } from "../helpers/catalog-sources";
import { PccInstance, waitFor } from "../helpers/pcc-instance";

type CatalogApp = { id: string; version: string; price: { amount: number; currency: string; purchaseUrl: string } | null; catalogSource: { id: string; kind: string; name: string; trustUnsigned: boolean } };
type SourceView = { id: string; name: string | null; fingerprint: string | null; trustUnsigned: boolean; warning: string | null; lastError: string | null; apps: { id: string; available: boolean; problem: string | null }[] };
type App = { id: string; status: string };

/**
 * Sources anyone can publish, served over HTTPS from this machine by a server whose certificate comes from a
 * throwaway CA; PCC trusts that CA only through PCC_SOURCES_EXTRA_CA (test-only). And paid apps.
 */
describe("catalog sources and paid apps", () => {
  let ca: TestCa;
  let server: TestHttpsServer;
  let root: string;
  let pcc: PccInstance;
  let owner = "";
  const publisher: TestKey = testKey();
  const developer: TestKey = testKey();
  const url = (name: string) => `${server.origin}/${name}/`;

  const catalog = async () => (await pcc.trpc("apps.catalog", null, owner, "query")).json.result?.data as { apps: CatalogApp[]; problems: { source: string; message: string }[] };
  const apps = () => JSON.parse(pcc.cli("app", "list", "--json").stdout) as App[];

  beforeAll(async () => {
    ca = makeTestCa();
    root = fs.mkdtempSync(path.join(os.tmpdir(), "pcc-sources-"));
    const dir = (name: string) => path.join(root, name);
    // good: a free app and a paid one, signed by the publisher.
    helloAs(dir("good"), "greeter", "Greeter");
    const licence = `license:\n  price: { amount: 4, currency: EUR }\n  purchaseUrl: https://developer.example/buy\n  publicKey: ${developer.publicKey}\n`;
    helloAs(dir("good"), "paid-hello", "Paid Hello", licence);
    await sign(dir("good"), publisher, "Good apps");
    // mixed: two apps, one of them changed after signing.
    helloAs(dir("mixed"), "fine", "Fine");
    helloAs(dir("mixed"), "tampered", "Tampered");
    await sign(dir("mixed"), publisher, "Mixed apps");
    fs.appendFileSync(path.join(dir("mixed"), "apps/tampered/build/www/index.html"), "<script>evil()</script>\n");
    // forged: the index changed after signing.
    helloAs(dir("forged"), "forged", "Forged");
    await sign(dir("forged"), publisher, "Forged apps");
    fs.writeFileSync(path.join(dir("forged"), "index.json"), fs.readFileSync(path.join(dir("forged"), "index.json"), "utf8").replace("Forged apps", "Trusted apps"));
    // unsigned: no signature at all.
    helloAs(dir("unsigned"), "loose", "Loose");
    await sign(dir("unsigned"), publisher, "Unsigned apps");
    fs.rmSync(path.join(dir("unsigned"), "index.json.sig"));
    // shadow: offers hello, which the built-in catalog has.
    helloAs(dir("shadow"), "hello", "Not hello");
    helloAs(dir("shadow"), "extra", "Extra");
    await sign(dir("shadow"), publisher, "Shadow apps");

    server = await startTestHttpsServer(ca, root);
    pcc = await PccInstance.start({ env: { PCC_SOURCES_EXTRA_CA: ca.caFile } });
    owner = await pcc.claim();
  });

  afterAll(async () => {
    await pcc?.stop();
    await pcc?.cleanup();
    await server?.close();
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(ca.dir, { recursive: true, force: true });
  });

  it("adds a signed HTTPS source through tRPC (a fresh owner only) and lists its apps in the store, each with its source", async () => {
    const stranger = await pcc.trpc("sources.add", { location: url("good"), publicKey: publisher.publicKey });
    expect(stranger.status).toBe(401);

    const r = await pcc.trpc("sources.add", { location: url("good"), publicKey: publisher.publicKey }, await pcc.signIn());
    expect(r.status, r.text).toBe(200);
    const source = r.json.result?.data as SourceView;
    expect(source).toMatchObject({ name: "Good apps", fingerprint: publisher.fingerprint, trustUnsigned: false, warning: null, lastError: null });
    expect(source.apps.map((a) => [a.id, a.available])).toEqual([["greeter", true], ["paid-hello", true]]);
    expect(server.hits).toEqual(expect.arrayContaining(["/good/index.json", "/good/index.json.sig", "/good/apps/greeter/app.yaml", "/good/apps/greeter/build/Containerfile"]));

    const { apps: store } = await catalog();
    const byId = Object.fromEntries(store.map((a) => [a.id, a]));
    expect(byId.greeter!.catalogSource).toMatchObject({ id: source.id, kind: "https", name: "Good apps", trustUnsigned: false });
    expect(byId.hello!.catalogSource).toMatchObject({ id: "built-in", kind: "built-in" });
    expect(byId["paid-hello"]!.price).toEqual({ amount: 4, currency: "EUR", purchaseUrl: "https://developer.example/buy" });
    expect(byId.greeter!.price).toBeNull();
  });

  it("installs an app from the source, built from the folder PCC verified", async () => {
    const r = await pcc.trpc("apps.install", { id: "greeter" }, owner);
    expect(r.status, r.text).toBe(200);
    await waitFor("greeter running", async () => apps().find((a) => a.id === "greeter")?.status === "running");
    const cookie = await pcc.appCookie("greeter", owner);
    const page = await pcc.http(`${pcc.appUrl("greeter")}/`, { cookie });
    expect(page.status).toBe(200);
    expect(page.text).toContain("Hello from PCC");
  });

  it("refuses a paid app without a licence key or with a bad one, creating nothing; installs it with a good one and keeps the key", async () => {
    const none = await pcc.trpc("apps.install", { id: "paid-hello" }, owner);
    expect(none.status).toBe(400);
    expect(none.json.error?.message).toBe("Paid Hello costs 4 EUR. Buy it at https://developer.example/buy, then install it with the licence key you get. Nothing was installed.");
    const forgedKey = issueLicence(testKey().key, { v: 1, app: "paid-hello", licence: "L-1", issued: new Date().toISOString() });
    const forged = pcc.cli("app", "install", "paid-hello", "--licence", forgedKey);
    expect(forged.code).toBe(1);
    expect(forged.stderr).toMatch(/not issued by this app's developer/);
    const otherApp = pcc.cli("app", "install", "paid-hello", "--licence", issueLicence(developer.key, { v: 1, app: "greeter", licence: "L-2", issued: new Date().toISOString() }));
    expect(otherApp.stderr).toMatch(/for the app "greeter", not this one/);
    expect(apps().map((a) => a.id)).not.toContain("paid-hello");
    expect((await pcc.podman(`/networks/${pcc.network("paid-hello")}/exists`)).status).toBe(404);

    const key = issueLicence(developer.key, { v: 1, app: "paid-hello", licence: "L-3", buyer: "The owner", issued: new Date().toISOString() });
    const ok = pcc.cli("app", "install", "paid-hello", "--licence", key);
    expect(ok.stderr).not.toMatch(/error/i);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/paid-hello\s+running/);
    const db = new Database(path.join(pcc.dataDir, "pcc.db"), { readonly: true });
    try {
      expect((db.prepare(`SELECT licence FROM "App" WHERE id = ?`).get("paid-hello") as { licence: string }).licence).toBe(key);
      expect((db.prepare(`SELECT licence FROM "App" WHERE id = ?`).get("greeter") as { licence: string | null }).licence).toBeNull();
    } finally {
      db.close();
    }
  });

  it("refuses a source whose index changed after signing, and an unsigned one unless trusted unsigned (shown loudly)", async () => {
    const fresh = await pcc.signIn();
    const forged = await pcc.trpc("sources.add", { location: url("forged"), publicKey: publisher.publicKey }, fresh);
    expect(forged.status).toBe(400);
    expect(forged.json.error?.message).toMatch(/^The signature of https:\/\/127\.0\.0\.1:\d+\/forged\/ does not match its key \(SHA256:.*\): index\.json was changed after it was signed, or signed with another key\. Nothing from this source was loaded\. It was not added\.$/);

    const noSig = await pcc.cliAsync("source", "add", url("unsigned"), "--key", publisher.publicKey);
    expect(noSig.code).toBe(1);
    expect(noSig.stderr).toMatch(/is not signed \(it has no index\.json\.sig\), so PCC refuses it/);
    const noKey = await pcc.cliAsync("source", "add", url("unsigned"));
    expect(noKey.stderr).toMatch(/needs its publisher's public key/);

    const trusted = await pcc.cliAsync("source", "add", url("unsigned"), "--trust-unsigned");
    expect(trusted.code, trusted.stderr).toBe(0);
    expect(trusted.stdout).toMatch(/!!! UNSIGNED: PCC cannot check/);
    expect(trusted.stderr).toMatch(/warning: UNSIGNED/);
    const list = (await pcc.trpc("sources.list", null, owner, "query")).json.result?.data as SourceView[];
    expect(list.map((s) => [s.name, s.trustUnsigned])).toEqual([["Good apps", false], ["Unsigned apps", true]]);
    expect(list[1]!.warning).toMatch(/^UNSIGNED/);
    expect((await catalog()).apps.find((a) => a.id === "loose")?.catalogSource.trustUnsigned).toBe(true);
  });

  it("refuses a source that offers hello, an app of the built-in catalog", async () => {
    const r = await pcc.trpc("sources.add", { location: url("shadow"), publicKey: publisher.publicKey }, await pcc.signIn());
    expect(r.status).toBe(409);
    expect(r.json.error?.message).toBe(`The source "Shadow apps" offers "hello" (PCC's built-in catalog), already provided elsewhere. A source cannot replace another source's apps, so it was not added.`);
    const ids = (await catalog()).apps.map((a) => a.id);
    expect(ids).not.toContain("extra");
    expect(ids.filter((id) => id === "hello")).toHaveLength(1);
  });

  it("refuses one app folder changed after signing, with a clear message, and loads the others (CLI)", async () => {
    const add = await pcc.cliAsync("source", "add", url("mixed"), "--key", publisher.publicKey);
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toMatch(/apps: fine 1\.0\.0/);
    expect(add.stdout).toMatch(/refused: tampered from the source "Mixed apps" was refused: build\/www\/index\.html does not match the signed index/);
    expect(add.stdout).toContain(`Check that ${publisher.fingerprint} is the fingerprint the publisher gives.`);
    const { apps: store, problems } = await catalog();
    expect(store.map((a) => a.id)).toContain("fine");
    expect(store.map((a) => a.id)).not.toContain("tampered");
    expect(problems.find((p) => p.source.endsWith("/tampered"))?.message).toMatch(/does not match the signed index/);
    const install = pcc.cli("app", "install", "tampered");
    expect(install.code).toBe(1);
    expect(install.stderr).toMatch(/"tampered" cannot be installed: tampered from the source "Mixed apps" was refused: build\/www\/index\.html does not match/);
  });

  it("refreshes on demand: a new version comes in; a tampered index keeps the last good apps and says why", async () => {
    const good = path.join(root, "good");
    const yaml = path.join(good, "apps/greeter/app.yaml");
    fs.writeFileSync(yaml, fs.readFileSync(yaml, "utf8").replace("version: 1.0.0", "version: 1.1.0"));
    await sign(good, publisher, "Good apps");
    const [{ id }] = (await pcc.trpc("sources.list", null, owner, "query")).json.result?.data as SourceView[];
    const refresh = await pcc.cliAsync("source", "refresh", id!);
    expect(refresh.code, refresh.stdout + refresh.stderr).toBe(0);
    expect(refresh.stdout).toMatch(/apps: greeter 1\.1\.0, paid-hello 1\.0\.0/);
    expect((await catalog()).apps.find((a) => a.id === "greeter")?.version).toBe("1.1.0");

    fs.writeFileSync(path.join(good, "index.json"), fs.readFileSync(path.join(good, "index.json"), "utf8").replace("1.1.0", "6.6.6"));
    const r = await pcc.trpc("sources.refresh", { id }, owner);
    expect(r.status).toBe(200);
    const [after] = r.json.result?.data as SourceView[];
    expect(after!.lastError).toMatch(/does not match its key .* PCC keeps the apps of the last refresh that verified\./);
    expect((await catalog()).apps.find((a) => a.id === "greeter")?.version).toBe("1.1.0");
  });

  it("removes a source: its apps leave the store, an app installed from it keeps running", async () => {
    const list = (await pcc.trpc("sources.list", null, owner, "query")).json.result?.data as SourceView[];
    const good = list.find((s) => s.name === "Good apps")!;
    const r = await pcc.cliAsync("source", "remove", good.id);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Apps installed from it keep running/);
    const ids = (await catalog()).apps.map((a) => a.id);
    expect(ids).not.toContain("greeter");
    expect(ids).toContain("fine");
    expect(apps().find((a) => a.id === "greeter")?.status).toBe("running");
    const listed = await pcc.cliAsync("source", "list");
    expect(listed.stdout).not.toContain("Good apps");
    expect(listed.stdout).toContain("Mixed apps");
  });
});
