import type { Db } from "./db";

/** One stored oidc-provider artifact; `key` and `uid` are hashes, `payload` is sealed (server/modules/oidc). */
export type OidcArtifactRow = {
  key: string;
  model: string;
  payload: string;
  grantId: string | null;
  clientId: string | null;
  uid: string | null;
  sessionId: string | null;
  expiresAt: Date | null;
};

/** oidc-provider's storage (server/modules/oidc/oidc-adapter.ts). */
export interface OidcRepository {
  upsert(row: OidcArtifactRow): Promise<void>;
  find(key: string): Promise<OidcArtifactRow | null>;
  findByUid(uid: string): Promise<OidcArtifactRow | null>;
  remove(key: string): Promise<void>;
  removeGrant(grantId: string): Promise<void>;
  /** Removes everything issued to a client (its grants, codes and tokens). */
  removeClient(clientId: string): Promise<number>;
  /** Grants approved by these owner sessions, and every artifact of those grants. */
  removeSessions(sessionIds: string[]): Promise<number>;
  linkGrant(grantKey: string, sessionId: string): Promise<void>;
  pruneExpired(now: Date): Promise<number>;
}

export class PrismaOidcRepository implements OidcRepository {
  constructor(private readonly db: Db) {}

  async upsert(row: OidcArtifactRow) {
    const { key, ...rest } = row;
    // A grant saved again (a new scope) keeps the owner session it was linked to.
    const { sessionId: _keep, ...update } = rest;
    await this.db.oidcArtifact.upsert({ where: { key }, create: row, update });
  }

  find(key: string) {
    return this.db.oidcArtifact.findUnique({ where: { key } });
  }

  findByUid(uid: string) {
    return this.db.oidcArtifact.findFirst({ where: { uid, model: "Session" } });
  }

  async remove(key: string) {
    await this.db.oidcArtifact.deleteMany({ where: { key } });
  }

  async removeGrant(grantId: string) {
    await this.db.oidcArtifact.deleteMany({ where: { grantId } });
  }

  async removeClient(clientId: string) {
    const grants = await this.db.oidcArtifact.findMany({ where: { clientId, model: "Grant" }, select: { grantId: true } });
    const ids = grants.map((g) => g.grantId).filter((g): g is string => g !== null);
    const r = await this.db.oidcArtifact.deleteMany({ where: { OR: [{ clientId }, { grantId: { in: ids } }] } });
    return r.count;
  }

  async removeSessions(sessionIds: string[]) {
    if (!sessionIds.length) return 0;
    const grants = await this.db.oidcArtifact.findMany({ where: { sessionId: { in: sessionIds }, model: "Grant" }, select: { grantId: true } });
    const ids = grants.map((g) => g.grantId).filter((g): g is string => g !== null);
    const r = await this.db.oidcArtifact.deleteMany({ where: { OR: [{ sessionId: { in: sessionIds } }, { grantId: { in: ids } }] } });
    return r.count;
  }

  async linkGrant(grantKey: string, sessionId: string) {
    await this.db.oidcArtifact.updateMany({ where: { key: grantKey }, data: { sessionId } });
  }

  async pruneExpired(now: Date) {
    const r = await this.db.oidcArtifact.deleteMany({ where: { expiresAt: { lt: now } } });
    return r.count;
  }
}
