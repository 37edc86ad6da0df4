import type { Db } from "./db";

export type SessionRow = { id: string; ownerId: string; createdAt: Date; expiresAt: Date; verifiedAt: Date };

export interface AuthRepository {
  ownerCount(): Promise<number>;
  /** Creates the owner and the first session atomically; false if an owner already exists. */
  claim(ownerId: string, session: SessionRow): Promise<boolean>;
  firstOwnerId(): Promise<string | null>;
  createSession(session: SessionRow): Promise<void>;
  findSession(id: string): Promise<SessionRow | null>;
  extendSession(id: string, expiresAt: Date): Promise<void>;
  deleteSession(id: string): Promise<void>;
  deleteExpiredSessions(now: Date): Promise<void>;
}

export class PrismaAuthRepository implements AuthRepository {
  constructor(private readonly db: Db) {}

  ownerCount() {
    return this.db.owner.count();
  }

  async claim(ownerId: string, session: SessionRow) {
    // Serialized by SQLite's write lock: two racing claims cannot both see zero owners.
    return this.db.$transaction(async (tx) => {
      if ((await tx.owner.count()) > 0) return false;
      await tx.owner.create({ data: { id: ownerId } });
      await tx.session.create({ data: session });
      return true;
    });
  }

  async firstOwnerId() {
    return (await this.db.owner.findFirst({ select: { id: true } }))?.id ?? null;
  }

  async createSession(session: SessionRow) {
    await this.db.session.create({ data: session });
  }

  findSession(id: string) {
    return this.db.session.findUnique({ where: { id } });
  }

  async extendSession(id: string, expiresAt: Date) {
    await this.db.session.updateMany({ where: { id }, data: { expiresAt } });
  }

  async deleteSession(id: string) {
    await this.db.session.deleteMany({ where: { id } });
  }

  async deleteExpiredSessions(now: Date) {
    await this.db.session.deleteMany({ where: { expiresAt: { lt: now } } });
  }
}
