import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTestCa, startTestHttpsServer, type TestCa, type TestHttpsServer } from "../../server/testing/test-https";
import { CARD_PATH } from "../../server/modules/contacts/card.schema";
import { PccInstance } from "../helpers/pcc-instance";
import { writeSocialApps } from "../helpers/social-apps";

type MyCard = { domain: string; displayName: string; entries: { key: string; kind: string; url?: string; listed: boolean }[] };
type Contact = { id: string; domain: string; name: string; entries: { kind: string; title: string; url: string; subscribe: { appId: string; url: string }[] }[] };

/**
 * Two real PCCs side by side on this machine (each its own Caddy, CA, data dir and ports; both named
 * pcc.localhost): A lists its blog's feed on its card; B, trusting A's Caddy CA through the test-only
 * PCC_CONTACTS_EXTRA_CA, adds A by domain and gets the subscribe URL of its own reader. Hostile "PCCs"
 * (the test's HTTPS server, its CA in the same bundle) must be refused with nothing stored.
 */
describe("contacts between two real PCCs", () => {
  let alice: PccInstance;
  let bob: PccInstance;
  let aliceCatalog: string;
  let bobCatalog: string;
  let bundleDir: string;
  let ca: TestCa;
  let hostile: TestHttpsServer;
  let aliceOwner = "";
  let bobOwner = "";

  const data = <T>(r: { json: { result?: { data: unknown }; error?: { message: string } }; text: string }) => {
    if (!r.json.result) throw new Error(`tRPC call failed: ${r.text.slice(0, 400)}`);
    return r.json.result.data as T;
  };
  const contactsIn = (pcc: PccInstance) => {
    const db = new Database(path.join(pcc.dataDir, "pcc.db"), { readonly: true });
    try {
      return db.prepare("SELECT domain FROM Contact ORDER BY domain").all() as { domain: string }[];
    } finally {
      db.close();
    }
  };

  beforeAll(async () => {
    ca = makeTestCa();
    hostile = await startTestHttpsServer(ca, ca.dir);
    aliceCatalog = fs.mkdtempSync(path.join(os.tmpdir(), "pcc-contacts-a-"));
    bobCatalog = fs.mkdtempSync(path.join(os.tmpdir(), "pcc-contacts-b-"));
    writeSocialApps(aliceCatalog, ["blog"]);
    writeSocialApps(bobCatalog, ["reader"]);
    alice = await PccInstance.start({ catalogDir: aliceCatalog });
    // B trusts A's Caddy CA (and the hostile server's test CA), as the test-only setting allows.
    bundleDir = fs.mkdtempSync(path.join(os.tmpdir(), "pcc-contacts-ca-"));
    const bundle = path.join(bundleDir, "friends-ca.pem");
    fs.writeFileSync(bundle, fs.readFileSync(path.join(alice.dataDir, "caddy/pki/authorities/local/root.crt"), "utf8") + ca.caPem);
    bob = await PccInstance.start({ catalogDir: bobCatalog, env: { PCC_CONTACTS_EXTRA_CA: bundle } });
  });
  afterAll(async () => {
    await alice?.stop();
    await bob?.stop();
    await alice?.cleanup();
    await bob?.cleanup();
    await hostile?.close();
    for (const d of [aliceCatalog, bobCatalog, bundleDir, ca?.dir]) if (d) fs.rmSync(d, { recursive: true, force: true });
  });

  it("an unclaimed PCC serves no card; a claimed one serves an empty card until the owner chooses", async () => {
    const unclaimed = await bob.http(`${bob.shellUrl}${CARD_PATH}`);
    expect(unclaimed.status).toBe(404);
    aliceOwner = await alice.claim();
    bobOwner = await bob.claim();
    expect(alice.cli("app", "install", "blog").code).toBe(0);
    expect(bob.cli("app", "install", "reader").code).toBe(0);

    const card = await alice.http(`${alice.shellUrl}${CARD_PATH}`);
    expect(card.status).toBe(200);
    expect(card.headers["access-control-allow-origin"]).toBe("*");
    expect(card.headers["cache-control"]).toBe("public, max-age=300");
    expect(String(card.headers["content-type"])).toMatch(/^application\/json/);
    // The blog is installed and publishes a feed, but nothing is listed until the owner ticks it; no app
    // list, no versions, nothing else.
    expect(JSON.parse(card.text)).toEqual({ type: "pcc-card", version: 1, domain: `pcc.localhost:${alice.httpsPort}`, name: "", avatar: null, entries: [] });
  });

  it("A lists its blog's feed, which anyone can read without signing in", async () => {
    const mine = data<MyCard>(await alice.trpc("contacts.myCard", null, aliceOwner, "query"));
    const feed = mine.entries.find((e) => e.kind === "feed")!;
    expect(feed).toMatchObject({ key: "blog:feed:/feed.xml", url: `${alice.appUrl("blog")}/feed.xml`, listed: false });
    data(await alice.trpc("contacts.updateMyCard", { displayName: "Alice", avatar: null, listed: [feed.key] }, aliceOwner));
    const card = JSON.parse((await alice.http(`${alice.shellUrl}${CARD_PATH}`)).text);
    expect(card).toEqual({ type: "pcc-card", version: 1, domain: `pcc.localhost:${alice.httpsPort}`, name: "Alice", avatar: null, entries: [{ kind: "feed", title: "Blog posts", url: feed.url }] });
    const rss = await alice.http(feed.url!);
    expect(rss.status).toBe(200);
    expect(rss.text).toContain("<rss");
  });

  it("B adds A by domain, sees A's name and feed, and gets its reader's filled subscribe URL", async () => {
    const c = data<Contact>(await bob.trpc("contacts.add", { domain: `pcc.localhost:${alice.httpsPort}` }, bobOwner));
    expect(c).toMatchObject({ domain: `pcc.localhost:${alice.httpsPort}`, name: "Alice" });
    const feedUrl = `${alice.appUrl("blog")}/feed.xml`;
    expect(c.entries).toEqual([
      { kind: "feed", title: "Blog posts", url: feedUrl, subscribe: [{ appId: "reader", appName: "Reader", url: `${bob.appUrl("reader")}/add?url=${encodeURIComponent(feedUrl)}` }] },
    ]);
    const list = data<Contact[]>(await bob.trpc("contacts.list", null, bobOwner, "query"));
    expect(list.map((x) => x.name)).toEqual(["Alice"]);
    // A refresh reads the card again: A's new name shows.
    data(await alice.trpc("contacts.updateMyCard", { displayName: "Alice A.", avatar: null, listed: ["blog:feed:/feed.xml"] }, aliceOwner));
    expect(data<Contact>(await bob.trpc("contacts.refresh", { id: c.id }, bobOwner)).name).toBe("Alice A.");
  });

  it("hostile cards are refused with a clear error, and nothing is stored", async () => {
    const at = `localhost:${hostile.port}`;
    const cases: [string, (res: import("node:http").ServerResponse) => void, RegExp][] = [
      ["too big", (res) => res.writeHead(200, { "content-type": "application/json" }).end(`{"pad":"${"x".repeat(100_000)}"}`), /^That is not a PCC card: its card is larger than 64 KB\.$/],
      ["not JSON", (res) => res.end("<html>hello</html>"), /^That is not a PCC card: it is not JSON\.$/],
      ["not a card", (res) => res.end('{"name":"Mallory"}'), /^That is not a PCC card: its fields are not those of a card\.$/],
      ["someone else's card", (res) => res.end(JSON.stringify({ type: "pcc-card", version: 1, domain: `pcc.localhost:${alice.httpsPort}`, name: "Alice", entries: [] })), /card is for pcc\.localhost/],
      ["redirect elsewhere", (res) => res.writeHead(302, { location: `https://127.0.0.1:${hostile.port}/card.json` }).end(), /^That PCC did not answer: it sends visitors elsewhere/],
      ["no card", (res) => res.writeHead(404).end(), /^That PCC did not answer: it has no public card/],
      ["too slow", (res) => res.writeHead(200).write("{"), /^That PCC did not answer: it did not answer within 10 s\.$/],
    ];
    for (const [what, answer, message] of cases) {
      hostile.routes.set(CARD_PATH, (_req, res) => answer(res));
      const r = await bob.trpc("contacts.add", { domain: at }, bobOwner);
      expect(r.json.error?.message, what).toMatch(message);
    }
    // A port where nothing listens.
    const closed = await bob.trpc("contacts.add", { domain: "localhost:9" }, bobOwner);
    expect(closed.json.error?.message).toMatch(/^That PCC did not answer: the connection was refused\.$/);
    expect(contactsIn(bob)).toEqual([{ domain: `pcc.localhost:${alice.httpsPort}` }]);
  });

  it("refuses strangers: every contacts procedure needs the owner", async () => {
    const calls: [string, unknown, "query" | "mutation"][] = [
      ["contacts.myCard", null, "query"],
      ["contacts.list", null, "query"],
      ["contacts.updateMyCard", { displayName: "Mallory", avatar: null, listed: [] }, "mutation"],
      ["contacts.add", { domain: "example.org" }, "mutation"],
      ["contacts.refresh", { id: "00000000-0000-4000-8000-000000000000" }, "mutation"],
      ["contacts.remove", { id: "00000000-0000-4000-8000-000000000000" }, "mutation"],
    ];
    for (const [proc, input, kind] of calls) {
      const r = await bob.trpc(proc, input, undefined, kind);
      expect(r.json.error?.data.code, proc).toBe("UNAUTHORIZED");
    }
    // The owner's card edit on A did not change because of any of this.
    expect(JSON.parse((await alice.http(`${alice.shellUrl}${CARD_PATH}`)).text).name).toBe("Alice A.");
  });

  it("removes a contact", async () => {
    const [c] = data<Contact[]>(await bob.trpc("contacts.list", null, bobOwner, "query"));
    data(await bob.trpc("contacts.remove", { id: c!.id }, bobOwner));
    expect(contactsIn(bob)).toEqual([]);
  });
});
