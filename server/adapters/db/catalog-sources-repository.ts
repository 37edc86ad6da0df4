import type { Db } from "./db";

export type CatalogSourceRow = {
  id: string;
  kind: "folder" | "https";
  location: string;
  publicKey: string | null;
  trustUnsigned: boolean;
  addedAt: Date;
  lastRefresh: Date | null;
  lastError: string | null;
};

export interface CatalogSourcesRepository {
  /** Oldest first: the order in which sources claimed their app ids. */
  list(): Promise<CatalogSourceRow[]>;
  get(id: string): Promise<CatalogSourceRow | null>;
  /** False if the id or the location is taken. */
  create(row: Omit<CatalogSourceRow, "addedAt" | "lastRefresh" | "lastError">): Promise<boolean>;
  update(id: string, patch: Partial<Pick<CatalogSourceRow, "lastRefresh" | "lastError">>): Promise<void>;
  delete(id: string): Promise<void>;
}

const toRow = (r: Omit<CatalogSourceRow, "kind"> & { kind: string }): CatalogSourceRow => ({ ...r, kind: r.kind === "folder" ? "folder" : "https" });

export class PrismaCatalogSourcesRepository implements CatalogSourcesRepository {
  constructor(private readonly db: Db) {}

  async list() {
    return (await this.db.catalogSource.findMany({ orderBy: [{ addedAt: "asc" }, { id: "asc" }] })).map(toRow);
  }

  async get(id: string) {
    const r = await this.db.catalogSource.findUnique({ where: { id } });
    return r ? toRow(r) : null;
  }

  async create(row: Omit<CatalogSourceRow, "addedAt" | "lastRefresh" | "lastError">) {
    try {
      await this.db.catalogSource.create({ data: row });
      return true;
    } catch (e) {
      if ((e as { code?: string }).code === "P2002") return false;
      throw e;
    }
  }

  async update(id: string, patch: Partial<Pick<CatalogSourceRow, "lastRefresh" | "lastError">>) {
    await this.db.catalogSource.updateMany({ where: { id }, data: patch });
  }

  async delete(id: string) {
    await this.db.catalogSource.deleteMany({ where: { id } });
  }
}

/** The same in a map, for unit tests. */
export class MemoryCatalogSourcesRepository implements CatalogSourcesRepository {
  readonly rows = new Map<string, CatalogSourceRow>();
  private tick = 0;

  async list() {
    return [...this.rows.values()].sort((a, b) => a.addedAt.getTime() - b.addedAt.getTime() || a.id.localeCompare(b.id)).map((r) => ({ ...r }));
  }
  async get(id: string) {
    const r = this.rows.get(id);
    return r ? { ...r } : null;
  }
  async create(row: Omit<CatalogSourceRow, "addedAt" | "lastRefresh" | "lastError">) {
    if (this.rows.has(row.id) || [...this.rows.values()].some((r) => r.location === row.location)) return false;
    // Distinct times even within one millisecond, as rows added one after another are.
    this.rows.set(row.id, { ...row, addedAt: new Date(Date.now() + this.tick++), lastRefresh: null, lastError: null });
    return true;
  }
  async update(id: string, patch: Partial<Pick<CatalogSourceRow, "lastRefresh" | "lastError">>) {
    const r = this.rows.get(id);
    if (r) Object.assign(r, patch);
  }
  async delete(id: string) {
    this.rows.delete(id);
  }
}
