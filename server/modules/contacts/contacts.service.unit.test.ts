import { describe, expect, it } from "vitest";
import type { ContactRow, ContactsRepository, OwnerCardRow } from "../../adapters/db/contacts-repository";
import { DomainError } from "../../errors";
import { silentLogger } from "../../testing/fakes";
import { parseAppSpec } from "../spec";
import { minimalSpec } from "../spec/spec-fixtures";
import { CardFetchError, type CardFetcher } from "./card-fetch";
import { ContactsService, type SocialApp } from "./contacts.service";

class MemoryRepo implements ContactsRepository {
  card: OwnerCardRow = { displayName: "", avatar: null, listed: [] };
  rows = new Map<string, ContactRow>();
  async ownerCard() {
    return this.card;
  }
  async saveOwnerCard(c: OwnerCardRow) {
    this.card = c;
  }
  async list() {
    return [...this.rows.values()];
  }
  async get(id: string) {
    return [...this.rows.values()].find((r) => r.id === id) ?? null;
  }
  async byDomain(domain: string) {
    return this.rows.get(domain) ?? null;
  }
  async upsert(c: { id: string; domain: string; card: string; fetchedAt: Date }) {
    const row = { ...c, addedAt: this.rows.get(c.domain)?.addedAt ?? new Date() };
    this.rows.set(c.domain, row);
    return row;
  }
  async remove(id: string) {
    const r = await this.get(id);
    return r ? this.rows.delete(r.domain) : false;
  }
}

const app = (id: string, fields: Record<string, unknown>): SocialApp => {
  const { spec, errors } = parseAppSpec({ ...minimalSpec(), id, name: id.toUpperCase(), ...fields });
  if (!spec) throw new Error(JSON.stringify(errors));
  return { id, name: spec.name, spec };
};
const blog = app("blog", { ingress: [{ service: "web", port: 8080, public: ["/feed.xml"] }], publishes: [{ kind: "feed", title: "Posts", path: "/feed.xml" }] });
const reader = app("reader", { subscribes: [{ kind: "feed", path: "/add?url={url}" }] });

function setup(answer: () => Promise<Buffer> | Buffer, apps: SocialApp[] = [blog, reader], claimed = true) {
  const repo = new MemoryRepo();
  const fetcher: CardFetcher = { fetch: async () => answer() };
  const audited: { action: string; actor: string; details?: Record<string, unknown> }[] = [];
  const svc = new ContactsService({
    repo,
    fetcher,
    apps: async () => apps,
    appOrigin: (sub) => `https://${sub}.me.example`,
    ownDomain: "me.example",
    isClaimed: async () => claimed,
    allowLocal: false,
    log: silentLogger(),
    audit: { record: async (e) => void audited.push(e) },
  });
  return { repo, svc, audited };
}
const friendCard = (over: Record<string, unknown> = {}) =>
  Buffer.from(JSON.stringify({ type: "pcc-card", version: 1, domain: "alice.example", name: "Alice", avatar: null, entries: [{ kind: "feed", title: "Posts", url: "https://blog.alice.example/feed.xml" }], ...over }));

async function domainError(p: Promise<unknown>) {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(DomainError);
  return e as DomainError;
}

describe("the owner's card", () => {
  it("lists nothing until the owner ticks an entry, and only that", async () => {
    const { svc, audited } = setup(() => friendCard());
    expect(await svc.publicCard()).toEqual({ type: "pcc-card", version: 1, domain: "me.example", name: "", avatar: null, entries: [] });
    const mine = await svc.myCard();
    expect(mine.entries).toEqual([expect.objectContaining({ key: "blog:feed:/feed.xml", url: "https://blog.me.example/feed.xml", listed: false })]);
    await svc.updateMyCard({ displayName: " Me ", avatar: null, listed: ["blog:feed:/feed.xml"] }, { actor: "device:d1", ip: "192.0.2.7" });
    expect(await svc.publicCard()).toEqual({ type: "pcc-card", version: 1, domain: "me.example", name: "Me", avatar: null, entries: [{ kind: "feed", title: "Posts", url: "https://blog.me.example/feed.xml" }] });
    // What the card tells the world is in the admin audit log, with who changed it.
    expect(audited).toEqual([{ action: "card.updated", actor: "device:d1", ip: "192.0.2.7", details: { name: "Me", avatar: false, listed: ["blog:feed:/feed.xml"] } }]);
  });

  it("is not served by an unclaimed PCC", async () => {
    expect(await setup(() => friendCard(), [blog], false).svc.publicCard()).toBeNull();
  });

  it("refuses an SVG avatar and entries no installed app offers", async () => {
    const { svc, audited } = setup(() => friendCard());
    expect((await domainError(svc.updateMyCard({ displayName: "x", avatar: "data:image/svg+xml;base64,PHN2Zy8+", listed: [] }))).code).toBe("INVALID_INPUT");
    expect((await domainError(svc.updateMyCard({ displayName: "x", avatar: null, listed: ["other:feed:/x"] }))).code).toBe("INVALID_INPUT");
    expect(audited).toEqual([]);
  });
});

describe("contacts", () => {
  it("adds a friend by domain, with a subscribe URL through the owner's reader", async () => {
    const { svc } = setup(() => friendCard());
    const c = await svc.add("Alice.Example");
    expect(c).toMatchObject({ domain: "alice.example", name: "Alice" });
    expect(c.entries[0]!.subscribe).toEqual([{ appId: "reader", appName: "READER", url: "https://reader.me.example/add?url=https%3A%2F%2Fblog.alice.example%2Ffeed.xml" }]);
    expect(await svc.list()).toHaveLength(1);
  });

  it("offers no subscribe option when no installed app follows that kind", async () => {
    const { svc } = setup(() => friendCard(), [blog]);
    expect((await svc.add("alice.example")).entries[0]!.subscribe).toEqual([]);
  });

  it("stores nothing when the card cannot be read or is not a card", async () => {
    const cases: [() => Buffer | Promise<Buffer>, RegExp][] = [
      [() => Promise.reject(new CardFetchError("unreachable", "the connection was refused")), /^That PCC did not answer: the connection was refused\.$/],
      [() => Promise.reject(new CardFetchError("timeout", "it did not answer within 10 s")), /did not answer/],
      [() => Promise.reject(new CardFetchError("too-big", "its card is larger than 64 KB")), /^That is not a PCC card: its card is larger than 64 KB\.$/],
      [() => Buffer.from("<html>"), /^That is not a PCC card: it is not JSON\.$/],
      [() => Buffer.from('{"a":1}'), /^That is not a PCC card: its fields are not those of a card\.$/],
      [() => friendCard({ domain: "bob.example" }), /card is for bob\.example/],
    ];
    for (const [answer, message] of cases) {
      const { svc, repo } = setup(answer);
      expect((await domainError(svc.add("alice.example"))).message).toMatch(message);
      expect(repo.rows.size).toBe(0);
    }
  });

  it("refuses private names, addresses and itself before fetching anything", async () => {
    let fetched = 0;
    const { svc } = setup(() => (fetched++, friendCard()));
    for (const d of ["localhost:8443", "10.0.0.1", "me.example"]) expect((await domainError(svc.add(d))).code).toBe("INVALID_INPUT");
    expect(fetched).toBe(0);
  });

  it("keeps the last good card when a refresh fails, and removes a contact", async () => {
    let fail = false;
    const { svc } = setup(() => (fail ? Promise.reject(new CardFetchError("unreachable", "down")) : friendCard()));
    const c = await svc.add("alice.example");
    fail = true;
    await domainError(svc.refresh(c.id));
    expect((await svc.list())[0]).toMatchObject({ name: "Alice" });
    await svc.remove(c.id);
    expect(await svc.list()).toEqual([]);
    expect((await domainError(svc.remove(c.id))).code).toBe("NOT_FOUND");
  });
});
