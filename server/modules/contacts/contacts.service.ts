import { randomUUID } from "node:crypto";
import type { ContactRow, ContactsRepository } from "../../adapters/db/contacts-repository";
import { DomainError } from "../../errors";
import type { Logger } from "../../logger";
import type { AppSpec } from "../spec";
import { SUBSCRIBE_PLACEHOLDER, type SocialKind } from "../spec/spec-social";
import { cardDocument, parseCard, sanitizeAvatar, AVATAR_MAX_BYTES, type Card, type CardEntry } from "./card.schema";
import { CardFetchError, type CardFetcher } from "./card-fetch";
import { DomainRefused, parseFriendDomain, type FriendDomain } from "./friend-domain";

/** An installed app as contacts need it: its spec says what it publishes and can subscribe to. */
export type SocialApp = { id: string; name: string; spec: AppSpec };

/** An entry the owner may put on their card, from an installed app's `publishes`. */
export type PublishableEntry = CardEntry & { key: string; appId: string; appName: string; listed: boolean };
/** One tap on a friend's entry: the owner's app that can follow it, opened at this URL. */
export type SubscribeOption = { appId: string; appName: string; url: string };
export type ContactView = {
  id: string;
  domain: string;
  name: string;
  avatar: string | null;
  entries: (CardEntry & { subscribe: SubscribeOption[] })[];
  fetchedAt: string;
};

const MAX_CONTACTS = 500;

type Deps = {
  repo: ContactsRepository;
  fetcher: CardFetcher;
  /** Installed, readable apps (any state: a stopped app's feed stays listed, its page opens on start). */
  apps: () => Promise<SocialApp[]>;
  /** https://<app subdomain>.<domain>[:port] */
  appOrigin: (subdomain: string) => string;
  /** This PCC's own domain, host[:port] as a friend types it. */
  ownDomain: string;
  isClaimed: () => Promise<boolean>;
  /** Test-only: friends' PCCs on this machine (*.localhost, loopback). */
  allowLocal: boolean;
  log: Logger;
  /** The admin audit log: what the card tells the world is the owner's decision, so each change is kept. */
  audit?: { record(e: { action: string; actor: string; ip?: string | null; details?: Record<string, unknown> }): Promise<void> };
  now?: () => Date;
};

/** Who asked (an owner's device, or root through the CLI), for the audit log. */
export type Who = { actor: string; ip?: string | null };

export class ContactsService {
  constructor(private readonly d: Deps) {}

  /** The card served at /.well-known/pcc-card.json; null until someone has claimed this PCC. */
  async publicCard(): Promise<Card | null> {
    if (!(await this.d.isClaimed())) return null;
    const own = await this.d.repo.ownerCard();
    const entries = (await this.publishable(own.listed)).filter((e) => e.listed).map(toCardEntry);
    return cardDocument({ domain: this.d.ownDomain, name: own.displayName, avatar: own.avatar, entries });
  }

  /** The owner's card editor: their name and avatar, and every entry their apps could list (ticked or not). */
  async myCard() {
    const own = await this.d.repo.ownerCard();
    return { domain: this.d.ownDomain, displayName: own.displayName, avatar: own.avatar, entries: await this.publishable(own.listed) };
  }

  async updateMyCard(input: { displayName: string; avatar: string | null; listed: string[] }, who: Who = { actor: "system" }) {
    let avatar: string | null = null;
    if (input.avatar !== null) {
      avatar = sanitizeAvatar(input.avatar);
      if (!avatar) throw new DomainError("INVALID_INPUT", `Choose a PNG, JPEG or WebP picture of at most ${AVATAR_MAX_BYTES / 1024} KB.`);
    }
    const available = new Set((await this.publishable([])).map((e) => e.key));
    const unknown = input.listed.filter((k) => !available.has(k));
    if (unknown.length) throw new DomainError("INVALID_INPUT", "That entry is no longer offered by an installed app; reopen the window and choose again.");
    const card = { displayName: input.displayName.replace(/[\p{Cc}\p{Cf}]/gu, "").trim(), avatar, listed: [...new Set(input.listed)] };
    await this.d.repo.saveOwnerCard(card);
    await this.d.audit?.record({ action: "card.updated", ...who, details: { name: card.displayName, avatar: avatar !== null, listed: card.listed } });
    return this.myCard();
  }

  async list(): Promise<ContactView[]> {
    const apps = await this.d.apps();
    return (await this.d.repo.list()).flatMap((row) => {
      const view = this.view(row, apps);
      return view ? [view] : [];
    });
  }

  /** Reads the friend's card and keeps it; nothing is stored unless the card is valid. */
  async add(input: string): Promise<ContactView> {
    let friend: FriendDomain;
    try {
      friend = parseFriendDomain(input, { allowLocal: this.d.allowLocal });
    } catch (e) {
      if (e instanceof DomainRefused) throw new DomainError("INVALID_INPUT", e.message);
      throw e;
    }
    if (friend.domain === this.d.ownDomain) throw new DomainError("INVALID_INPUT", "That is your own PCC.");
    const existing = await this.d.repo.byDomain(friend.domain);
    if (!existing && (await this.d.repo.list()).length >= MAX_CONTACTS) throw new DomainError("CONFLICT", `You have ${MAX_CONTACTS} contacts, the most PCC keeps.`);
    const card = await this.read(friend);
    const row = await this.d.repo.upsert({ id: existing?.id ?? randomUUID(), domain: friend.domain, card: JSON.stringify(card), fetchedAt: this.now() });
    this.d.log.info({ contact: friend.domain, entries: card.entries.length }, existing ? "contact refreshed" : "contact added");
    return this.view(row, await this.d.apps())!;
  }

  /** Reads the card again; on any failure the last good card stays as it was. */
  async refresh(id: string): Promise<ContactView> {
    const row = await this.d.repo.get(id);
    if (!row) throw new DomainError("NOT_FOUND", "That contact is gone.");
    return this.add(row.domain);
  }

  async remove(id: string): Promise<void> {
    if (!(await this.d.repo.remove(id))) throw new DomainError("NOT_FOUND", "That contact is gone.");
  }

  private async read(friend: FriendDomain): Promise<Card> {
    const domain = friend.domain;
    let body: Buffer;
    try {
      body = await this.d.fetcher.fetch(friend);
    } catch (e) {
      if (!(e instanceof CardFetchError)) throw e;
      this.d.log.info({ contact: domain, reason: e.reason }, "a friend's card could not be read");
      if (e.reason === "timeout") throw new DomainError("TIMEOUT", `That PCC did not answer: ${e.message}.`);
      if (e.reason === "too-big") throw new DomainError("EXTERNAL_FAILURE", `That is not a PCC card: ${e.message}.`);
      throw new DomainError("EXTERNAL_FAILURE", `That PCC did not answer: ${e.message}.`);
    }
    let json: unknown;
    try {
      json = JSON.parse(body.toString("utf8"));
    } catch {
      throw new DomainError("EXTERNAL_FAILURE", "That is not a PCC card: it is not JSON.");
    }
    const parsed = parseCard(json, domain);
    if (!parsed.ok) throw new DomainError("EXTERNAL_FAILURE", `That is not a PCC card: ${parsed.why}.`);
    if (parsed.dropped) this.d.log.info({ contact: domain, dropped: parsed.dropped }, "entries of a friend's card were left out");
    return parsed.card;
  }

  private view(row: ContactRow, apps: SocialApp[]): ContactView | null {
    let card: Card;
    try {
      card = JSON.parse(row.card) as Card;
    } catch {
      return null;
    }
    return {
      id: row.id,
      domain: row.domain,
      name: card.name,
      avatar: card.avatar,
      entries: card.entries.map((e) => ({ ...e, subscribe: this.subscribeOptions(e, apps) })),
      fetchedAt: row.fetchedAt.toISOString(),
    };
  }

  /** The owner's installed apps that declare they can follow this kind, each at its filled-in page. */
  subscribeOptions(e: CardEntry, apps: SocialApp[]): SubscribeOption[] {
    const value = e.kind === "feed" ? e.url : e.handle;
    return apps.flatMap((app) =>
      app.spec.subscribes
        .filter((s) => s.kind === e.kind)
        .flatMap((s) => {
          const ingress = s.ingress ? app.spec.ingress.find((g) => g.name === s.ingress) : app.spec.ingress[0];
          if (!ingress) return [];
          const path = s.path.replace(SUBSCRIBE_PLACEHOLDER[s.kind as SocialKind], encodeURIComponent(value));
          return [{ appId: app.id, appName: app.name, url: `${this.d.appOrigin(ingress.subdomain)}${path}` }];
        })
        .slice(0, 1),
    );
  }

  private async publishable(listed: string[]): Promise<PublishableEntry[]> {
    const chosen = new Set(listed);
    return (await this.d.apps()).flatMap((app) =>
      app.spec.publishes.flatMap((p): PublishableEntry[] => {
        const ingress = p.ingress ? app.spec.ingress.find((g) => g.name === p.ingress) : app.spec.ingress[0];
        if (!ingress) return [];
        const origin = this.d.appOrigin(ingress.subdomain);
        const base = { appId: app.id, appName: app.name, title: p.title };
        if (p.kind === "feed") {
          const key = `${app.id}:feed:${p.path}`;
          return [{ ...base, key, kind: "feed", url: `${origin}${p.path}`, listed: chosen.has(key) }];
        }
        const key = `${app.id}:activitypub:${p.handle}`;
        const handle = p.handle.replace("{host}", new URL(origin).host);
        return [{ ...base, key, kind: "activitypub", handle: handle.startsWith("@") ? handle : `@${handle}`, listed: chosen.has(key) }];
      }),
    );
  }

  private now() {
    return (this.d.now ?? (() => new Date()))();
  }
}

function toCardEntry(e: PublishableEntry): CardEntry {
  return e.kind === "feed" ? { kind: "feed", title: e.title, url: e.url } : { kind: "activitypub", title: e.title, handle: e.handle };
}
