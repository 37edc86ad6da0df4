import type { Db } from "./db";

export type UpdateJournal = { appId: string; fromSpec: string; fromSpecVersion: number; toSpec: string; step: "started" | "snapshotted" | "swapped"; snapshot: string };
export type UpdateRecord = { appId: string; fromVersion: string; toVersion: string; outcome: "updated" | "rolled-back" | "failed"; message: string | null; at: Date };

export interface UpdatesRepository {
  journal(appId: string): Promise<UpdateJournal | null>;
  journals(): Promise<UpdateJournal[]>;
  begin(j: UpdateJournal): Promise<void>;
  step(appId: string, step: UpdateJournal["step"]): Promise<void>;
  end(appId: string): Promise<void>;
  record(r: Omit<UpdateRecord, "at">): Promise<void>;
  history(appId?: string, limit?: number): Promise<UpdateRecord[]>;
}

const toJournal = (r: { appId: string; fromSpec: string; fromSpecVersion: number; toSpec: string; step: string; snapshot: string }): UpdateJournal => ({ ...r, step: r.step as UpdateJournal["step"] });

export class PrismaUpdatesRepository implements UpdatesRepository {
  constructor(private readonly db: Db) {}

  async journal(appId: string) {
    const r = await this.db.appUpdate.findUnique({ where: { appId } });
    return r ? toJournal(r) : null;
  }

  async journals() {
    return (await this.db.appUpdate.findMany()).map(toJournal);
  }

  async begin(j: UpdateJournal) {
    await this.db.appUpdate.create({ data: j });
  }

  async step(appId: string, step: UpdateJournal["step"]) {
    await this.db.appUpdate.updateMany({ where: { appId }, data: { step } });
  }

  async end(appId: string) {
    await this.db.appUpdate.deleteMany({ where: { appId } });
  }

  async record(r: Omit<UpdateRecord, "at">) {
    await this.db.updateHistory.create({ data: r });
  }

  async history(appId?: string, limit = 100) {
    const rows = await this.db.updateHistory.findMany({ where: appId ? { appId } : {}, orderBy: { id: "desc" }, take: limit });
    return rows.map((r) => ({ ...r, outcome: r.outcome as UpdateRecord["outcome"] }));
  }
}

/** For unit tests. */
export class MemoryUpdatesRepository implements UpdatesRepository {
  readonly journalRows = new Map<string, UpdateJournal>();
  readonly records: UpdateRecord[] = [];
  async journal(appId: string) {
    return this.journalRows.get(appId) ?? null;
  }
  async journals() {
    return [...this.journalRows.values()];
  }
  async begin(j: UpdateJournal) {
    this.journalRows.set(j.appId, { ...j });
  }
  async step(appId: string, step: UpdateJournal["step"]) {
    const j = this.journalRows.get(appId);
    if (j) j.step = step;
  }
  async end(appId: string) {
    this.journalRows.delete(appId);
  }
  async record(r: Omit<UpdateRecord, "at">) {
    this.records.unshift({ ...r, at: new Date() });
  }
  async history(appId?: string) {
    return this.records.filter((r) => !appId || r.appId === appId);
  }
}
