import { randomToken } from "../identity/tokens";
import type { GatewayFiles, GrantMeta } from "./gateway-files";

/** Where credentials are kept for Caddy to check; the gateway's files, or memory in unit tests. */
export type GrantStore = Pick<GatewayFiles, "writeGrant" | "removeGrant" | "readGrants">;

type Grant = GrantMeta & { host: string };
type Handoff = { host: string; token: string; expiresAt: number };

const HANDOFF_TTL_MS = 60_000;

/**
 * Per-app credentials. Each owner session gets its own token per app host, scoped by the cookie to
 * that host and checked by Caddy against a file (see GatewayFiles), so one app's credential opens
 * nothing else and issuing or revoking one never touches Caddy's configuration. The files survive a
 * restart of PCC, so open app windows keep working.
 */
export class AppGrants {
  private readonly grants = new Map<string, Grant>();
  private readonly handoffs = new Map<string, Handoff>();

  constructor(
    private readonly files: GrantStore,
    private readonly now = () => Date.now(),
  ) {}

  /** Rebuilds the index from disk, dropping credentials of sessions that no longer exist. */
  async load(isLiveSession: (sessionId: string) => Promise<boolean>) {
    this.grants.clear();
    for (const { host, token, meta } of await this.files.readGrants()) {
      if (meta.expiresAt > this.now() && (await isLiveSession(meta.sessionId))) this.grants.set(token, { ...meta, host });
      else await this.files.removeGrant(host, token);
    }
  }

  /** Returns a one-time handoff code the app host exchanges for the cookie (never the token in a URL). */
  async issue(host: string, appId: string, sessionId: string, sessionExpiresAt: Date): Promise<string> {
    for (const [c, h] of this.handoffs) if (h.expiresAt < this.now()) this.handoffs.delete(c);
    let token = [...this.grants].find(([, g]) => g.host === host && g.appId === appId && g.sessionId === sessionId && g.expiresAt > this.now())?.[0];
    if (!token) {
      token = randomToken(32);
      const grant = { host, appId, sessionId, expiresAt: sessionExpiresAt.getTime() };
      await this.files.writeGrant(host, token, { appId, sessionId, expiresAt: grant.expiresAt });
      this.grants.set(token, grant);
    }
    const code = randomToken(20);
    this.handoffs.set(code, { host, token, expiresAt: this.now() + HANDOFF_TTL_MS });
    return code;
  }

  /** Single use; the code must be redeemed on the host it was issued for. */
  redeem(code: string, host: string): { token: string; maxAgeSeconds: number } | null {
    const h = this.handoffs.get(code);
    this.handoffs.delete(code);
    if (!h || h.host !== host || h.expiresAt < this.now()) return null;
    const g = this.grants.get(h.token);
    if (!g) return null;
    return { token: h.token, maxAgeSeconds: Math.max(0, Math.floor((g.expiresAt - this.now()) / 1000)) };
  }

  tokensFor(host: string): string[] {
    const now = this.now();
    return [...this.grants].filter(([, g]) => g.host === host && g.expiresAt > now).map(([t]) => t);
  }

  revokeSession(sessionId: string) {
    return this.revokeWhere((g) => g.sessionId === sessionId);
  }

  revokeApp(appId: string) {
    return this.revokeWhere((g) => g.appId === appId);
  }

  /** Drops expired credentials; run periodically. */
  prune() {
    return this.revokeWhere(() => false);
  }

  private async revokeWhere(pred: (g: Grant) => boolean) {
    for (const [t, g] of this.grants) {
      if (pred(g) || g.expiresAt <= this.now()) {
        this.grants.delete(t);
        await this.files.removeGrant(g.host, t);
      }
    }
    for (const [c, h] of this.handoffs) if (!this.grants.has(h.token)) this.handoffs.delete(c);
  }
}
