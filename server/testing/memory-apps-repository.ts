import type { AppRow, AppsRepository, KeptData, NewAppRow } from "../adapters/db/apps-repository";

/** The apps repository in maps, for unit tests. */
export class MemoryAppsRepository implements AppsRepository {
  readonly rows = new Map<string, AppRow>();
  readonly sealed = new Map<string, Record<string, string>>();
  readonly kept = new Map<string, KeptData>();

  async list() {
    return [...this.rows.values()].map((r) => ({ ...r }));
  }
  async get(id: string) {
    const r = this.rows.get(id);
    return r ? { ...r } : null;
  }
  async create(row: NewAppRow, secrets: Record<string, string>) {
    if (this.rows.has(row.id)) return false;
    this.rows.set(row.id, { ...row, installedAt: new Date() });
    this.sealed.set(row.id, { ...secrets });
    return true;
  }
  async update(id: string, patch: Partial<AppRow>) {
    const r = this.rows.get(id);
    if (r) Object.assign(r, patch);
  }
  async delete(id: string) {
    this.rows.delete(id);
    this.sealed.delete(id);
  }
  async secrets(id: string) {
    return { ...(this.sealed.get(id) ?? {}) };
  }
  async addSecrets(id: string, secrets: Record<string, string>) {
    this.sealed.set(id, { ...secrets, ...(this.sealed.get(id) ?? {}) });
  }
  async keptData() {
    return new Map(this.kept);
  }
  async keepData(appId: string, data: KeptData) {
    this.kept.set(appId, structuredClone(data));
  }
  async forgetKeptData(appId: string) {
    this.kept.delete(appId);
  }
}
