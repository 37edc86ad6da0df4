import { describe, expect, it } from "vitest";
import type { OidcArtifactRow, OidcRepository } from "../../adapters/db/oidc-repository";
import { SecretBox } from "../secrets/secret-box";
import { artifactKey, oidcAdapterClass } from "./oidc-adapter";

/** The repository's contract, in memory. */
class FakeRepo implements OidcRepository {
  rows = new Map<string, OidcArtifactRow>();
  async upsert(row: OidcArtifactRow) {
    const before = this.rows.get(row.key);
    this.rows.set(row.key, { ...row, sessionId: before?.sessionId ?? row.sessionId });
  }
  async find(key: string) {
    return this.rows.get(key) ?? null;
  }
  async findByUid(uid: string) {
    return [...this.rows.values()].find((r) => r.uid === uid && r.model === "Session") ?? null;
  }
  async remove(key: string) {
    this.rows.delete(key);
  }
  async removeGrant(grantId: string) {
    for (const [k, r] of this.rows) if (r.grantId === grantId) this.rows.delete(k);
  }
  async removeClient(clientId: string) {
    const grants = new Set([...this.rows.values()].filter((r) => r.clientId === clientId && r.model === "Grant").map((r) => r.grantId));
    let n = 0;
    for (const [k, r] of this.rows) if (r.clientId === clientId || grants.has(r.grantId)) (this.rows.delete(k), n++);
    return n;
  }
  async removeSessions(ids: string[]) {
    const grants = new Set([...this.rows.values()].filter((r) => r.sessionId && ids.includes(r.sessionId)).map((r) => r.grantId));
    let n = 0;
    for (const [k, r] of this.rows) if (grants.has(r.grantId)) (this.rows.delete(k), n++);
    return n;
  }
  async linkGrant(key: string, sessionId: string) {
    const r = this.rows.get(key);
    if (r) r.sessionId = sessionId;
  }
  async pruneExpired(now: Date) {
    let n = 0;
    for (const [k, r] of this.rows) if (r.expiresAt && r.expiresAt < now) (this.rows.delete(k), n++);
    return n;
  }
}

function setup() {
  const repo = new FakeRepo();
  let now = 1_000_000_000;
  const Adapter = oidcAdapterClass({
    repo,
    box: SecretBox.forTests(),
    findClient: async (id) => (id === "notes" ? { client_id: "notes", client_secret: "x" } : undefined),
    now: () => now,
  });
  return { repo, Adapter, advance: (ms: number) => (now += ms) };
}

describe("oidc-provider's storage", () => {
  it("keeps ids and payloads out of the database: the key is a hash, the payload sealed", async () => {
    const { repo, Adapter } = setup();
    const tokens = new Adapter("AccessToken");
    await tokens.upsert("tok-SECRET-id", { jti: "tok-SECRET-id", grantId: "g1", clientId: "notes", accountId: "owner" }, 3600);
    const [row] = [...repo.rows.values()];
    expect(row!.key).toBe(artifactKey("AccessToken", "tok-SECRET-id"));
    expect(JSON.stringify(row)).not.toContain("tok-SECRET-id");
    expect(row).toMatchObject({ model: "AccessToken", grantId: "g1", clientId: "notes" });
    expect(await tokens.find("tok-SECRET-id")).toMatchObject({ jti: "tok-SECRET-id", accountId: "owner" });
    expect(await new Adapter("AuthorizationCode").find("tok-SECRET-id")).toBeUndefined();
  });

  it("never returns an expired artifact, and marks consumed ones", async () => {
    const { Adapter, advance } = setup();
    const codes = new Adapter("AuthorizationCode");
    await codes.upsert("c1", { grantId: "g1", clientId: "notes" }, 60);
    await codes.consume("c1");
    expect((await codes.find("c1"))?.consumed).toBeTypeOf("number");
    advance(61_000);
    expect(await codes.find("c1")).toBeUndefined();
  });

  it("finds sessions by uid, and destroys what it is told to", async () => {
    const { Adapter } = setup();
    const sessions = new Adapter("Session");
    await sessions.upsert("s1", { uid: "u1", accountId: "owner" }, 3600);
    expect(await sessions.findByUid("u1")).toMatchObject({ accountId: "owner" });
    await sessions.destroy("s1");
    expect(await sessions.findByUid("u1")).toBeUndefined();
  });

  it("revoking a grant removes the grant and every token issued under it, and nothing else", async () => {
    const { Adapter } = setup();
    await new Adapter("Grant").upsert("g1", { clientId: "notes", accountId: "owner" }, 3600);
    await new Adapter("AccessToken").upsert("t1", { grantId: "g1", clientId: "notes" }, 3600);
    await new Adapter("AccessToken").upsert("t2", { grantId: "g2", clientId: "notes" }, 3600);
    await new Adapter("AccessToken").revokeByGrantId("g1");
    expect(await new Adapter("Grant").find("g1")).toBeUndefined();
    expect(await new Adapter("AccessToken").find("t1")).toBeUndefined();
    expect(await new Adapter("AccessToken").find("t2")).toBeDefined();
  });

  it("ending an owner session removes the grants it approved, with their tokens", async () => {
    const { repo, Adapter } = setup();
    for (const [g, s] of [["g1", "sess-a"], ["g2", "sess-b"]] as const) {
      await new Adapter("Grant").upsert(g, { clientId: "notes", accountId: "owner" }, 3600);
      await repo.linkGrant(artifactKey("Grant", g), s);
      await new Adapter("AccessToken").upsert(`t-${g}`, { grantId: g, clientId: "notes" }, 3600);
    }
    await repo.removeSessions(["sess-a"]);
    expect(await new Adapter("AccessToken").find("t-g1")).toBeUndefined();
    expect(await new Adapter("AccessToken").find("t-g2")).toBeDefined();
  });

  it("reads clients from PCC (installed apps), never from its own rows", async () => {
    const { repo, Adapter } = setup();
    const clients = new Adapter("Client");
    expect(await clients.find("notes")).toEqual({ client_id: "notes", client_secret: "x" });
    expect(await clients.find("gone")).toBeUndefined();
    expect(repo.rows.size).toBe(0);
  });
});
