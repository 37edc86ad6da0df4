import type { Db } from "./db";

export type AuditRow = {
  seq: number;
  at: Date;
  action: string;
  actor: string;
  ip: string | null;
  details: string;
  prevHash: string;
  hash: string;
};

/** Append and read only: nothing in PCC updates or deletes an audit entry (SQLite triggers refuse it too). */
export interface AuditRepository {
  last(): Promise<AuditRow | null>;
  /** Fails if `seq` is taken: two writers can never fork the chain. */
  append(row: AuditRow): Promise<void>;
  /** Oldest first, for verification. */
  after(seq: number, limit: number): Promise<AuditRow[]>;
  /** Newest first, for display. */
  latest(limit: number, beforeSeq?: number): Promise<AuditRow[]>;
}

export class PrismaAuditRepository implements AuditRepository {
  constructor(private readonly db: Db) {}

  last() {
    return this.db.auditEntry.findFirst({ orderBy: { seq: "desc" } });
  }

  async append(row: AuditRow) {
    await this.db.auditEntry.create({ data: row });
  }

  after(seq: number, limit: number) {
    return this.db.auditEntry.findMany({ where: { seq: { gt: seq } }, orderBy: { seq: "asc" }, take: limit });
  }

  latest(limit: number, beforeSeq?: number) {
    return this.db.auditEntry.findMany({ where: beforeSeq ? { seq: { lt: beforeSeq } } : {}, orderBy: { seq: "desc" }, take: limit });
  }
}
