import { randomToken } from "./tokens";

type Grant = { appId: string; sessionId: string; expiresAt: number };
type Handoff = { appId: string; token: string; expiresAt: number };

const HANDOFF_TTL_MS = 60_000;

/**
 * Per-app credentials. Each owner session gets its own token per app, scoped by the cookie to that
 * app's host and matched by Caddy, so one app's credential opens nothing else. They live in memory
 * only: after a restart the browser silently fetches new ones through the shell.
 */
export class AppGrants {
  private readonly grants = new Map<string, Grant>();
  private readonly handoffs = new Map<string, Handoff>();

  constructor(
    private readonly onChange: () => Promise<void>,
    private readonly now = () => Date.now(),
  ) {}

  /** Returns a one-time handoff code the app host exchanges for the cookie (never the token in a URL). */
  async issue(appId: string, sessionId: string, sessionExpiresAt: Date): Promise<string> {
    for (const [c, h] of this.handoffs) if (h.expiresAt < this.now()) this.handoffs.delete(c);
    let token = [...this.grants].find(([, g]) => g.appId === appId && g.sessionId === sessionId && g.expiresAt > this.now())?.[0];
    if (!token) {
      token = randomToken(32);
      this.grants.set(token, { appId, sessionId, expiresAt: sessionExpiresAt.getTime() });
      await this.onChange();
    }
    const code = randomToken(20);
    this.handoffs.set(code, { appId, token, expiresAt: this.now() + HANDOFF_TTL_MS });
    return code;
  }

  /** Single use; the code must be redeemed on the host of the app it was issued for. */
  redeem(code: string, appId: string): { token: string; maxAgeSeconds: number } | null {
    const h = this.handoffs.get(code);
    this.handoffs.delete(code);
    if (!h || h.appId !== appId || h.expiresAt < this.now()) return null;
    const g = this.grants.get(h.token);
    if (!g) return null;
    return { token: h.token, maxAgeSeconds: Math.max(0, Math.floor((g.expiresAt - this.now()) / 1000)) };
  }

  tokensFor(appId: string): string[] {
    const now = this.now();
    return [...this.grants].filter(([, g]) => g.appId === appId && g.expiresAt > now).map(([t]) => t);
  }

  async revokeSession(sessionId: string) {
    await this.revokeWhere((g) => g.sessionId === sessionId);
  }

  async revokeApp(appId: string) {
    await this.revokeWhere((g) => g.appId === appId);
  }

  private async revokeWhere(pred: (g: Grant) => boolean) {
    let changed = false;
    for (const [t, g] of this.grants) if (pred(g) || g.expiresAt <= this.now()) changed = this.grants.delete(t) || changed;
    if (changed) await this.onChange();
  }
}
