import { createHash } from "node:crypto";
import type { OidcRepository } from "../../adapters/db/oidc-repository";
import type { SecretBox } from "../secrets/secret-box";

type Payload = Record<string, unknown> & { grantId?: string; clientId?: string; uid?: string; consumed?: number };

/** A client's registration as oidc-provider reads it (snake_case metadata). */
export type ClientMetadata = Record<string, unknown> & { client_id: string };

/** What the adapter needs from the rest of PCC. */
export type AdapterDeps = {
  repo: OidcRepository;
  box: Pick<SecretBox, "seal" | "open">;
  /** An app's client, derived from its installed record (so uninstalling an app ends its client at once). */
  findClient: (clientId: string) => Promise<ClientMetadata | undefined>;
  now?: () => number;
};

// Ids are bearer secrets (an access token's id is the token): only their hash is a database key.
export const artifactKey = (model: string, id: string) => createHash("sha256").update(`${model}:${id}`).digest("base64url");
const uidKey = (uid: string) => createHash("sha256").update(`uid:${uid}`).digest("base64url");
const context = (key: string) => `oidc/${key}`;

/**
 * oidc-provider's storage in SQLite. Everything survives a restart: a token handed to an app keeps working
 * when PCC restarts, and grants stay revocable. Short-lived artifacts expire by `expiresAt` (pruned at boot
 * and hourly; an expired row is never returned).
 */
export function oidcAdapterClass(deps: AdapterDeps) {
  const now = deps.now ?? Date.now;
  return class OidcAdapter {
    constructor(readonly model: string) {}

    async upsert(id: string, payload: Payload, expiresIn?: number) {
      const key = artifactKey(this.model, id);
      await deps.repo.upsert({
        key,
        model: this.model,
        payload: deps.box.seal(JSON.stringify(payload), context(key)),
        // A grant is its own group: revoking it removes the grant row with its tokens.
        grantId: this.model === "Grant" ? id : (payload.grantId ?? null),
        clientId: typeof payload.clientId === "string" ? payload.clientId : null,
        uid: typeof payload.uid === "string" ? uidKey(payload.uid) : null,
        sessionId: null,
        expiresAt: typeof expiresIn === "number" ? new Date(now() + expiresIn * 1000) : null,
      });
    }

    async find(id: string): Promise<Payload | undefined> {
      if (this.model === "Client") return deps.findClient(id);
      return this.read(await deps.repo.find(artifactKey(this.model, id)));
    }

    async findByUid(uid: string) {
      return this.read(await deps.repo.findByUid(uidKey(uid)));
    }

    async findByUserCode(): Promise<undefined> {
      return undefined; // the device flow is off
    }

    async consume(id: string) {
      const key = artifactKey(this.model, id);
      const row = await deps.repo.find(key);
      const payload = this.read(row);
      if (!row || !payload) return;
      payload.consumed = Math.floor(now() / 1000);
      await deps.repo.upsert({ ...row, payload: deps.box.seal(JSON.stringify(payload), context(key)) });
    }

    async destroy(id: string) {
      await deps.repo.remove(artifactKey(this.model, id));
    }

    async revokeByGrantId(grantId: string) {
      await deps.repo.removeGrant(grantId);
    }

    private read(row: Awaited<ReturnType<OidcRepository["find"]>>): Payload | undefined {
      if (!row || (row.expiresAt && row.expiresAt.getTime() <= now())) return undefined;
      return JSON.parse(deps.box.open(row.payload, context(row.key))) as Payload;
    }
  };
}
