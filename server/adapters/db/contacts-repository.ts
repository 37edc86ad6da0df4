import type { Db } from "./db";

export type OwnerCardRow = { displayName: string; avatar: string | null; listed: string[] };
export type ContactRow = { id: string; domain: string; card: string; addedAt: Date; fetchedAt: Date };

/** The owner's card and their contacts (server/modules/contacts). */
export interface ContactsRepository {
  ownerCard(): Promise<OwnerCardRow>;
  saveOwnerCard(c: OwnerCardRow): Promise<void>;
  list(): Promise<ContactRow[]>;
  get(id: string): Promise<ContactRow | null>;
  byDomain(domain: string): Promise<ContactRow | null>;
  /** Adds, or replaces the card of, the contact at `domain`. */
  upsert(c: { id: string; domain: string; card: string; fetchedAt: Date }): Promise<ContactRow>;
  remove(id: string): Promise<boolean>;
}

const parseListed = (json: string): string[] => {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return [];
  }
};

export class PrismaContactsRepository implements ContactsRepository {
  constructor(private readonly db: Db) {}

  async ownerCard() {
    const r = await this.db.ownerCard.findUnique({ where: { id: "card" } });
    return r ? { displayName: r.displayName, avatar: r.avatar, listed: parseListed(r.listed) } : { displayName: "", avatar: null, listed: [] };
  }

  async saveOwnerCard(c: OwnerCardRow) {
    const data = { displayName: c.displayName, avatar: c.avatar, listed: JSON.stringify(c.listed) };
    await this.db.ownerCard.upsert({ where: { id: "card" }, create: { id: "card", ...data }, update: data });
  }

  list() {
    return this.db.contact.findMany({ orderBy: { addedAt: "asc" } });
  }

  get(id: string) {
    return this.db.contact.findUnique({ where: { id } });
  }

  byDomain(domain: string) {
    return this.db.contact.findUnique({ where: { domain } });
  }

  upsert(c: { id: string; domain: string; card: string; fetchedAt: Date }) {
    return this.db.contact.upsert({ where: { domain: c.domain }, create: c, update: { card: c.card, fetchedAt: c.fetchedAt } });
  }

  async remove(id: string) {
    return (await this.db.contact.deleteMany({ where: { id } })).count > 0;
  }
}
