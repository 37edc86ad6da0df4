import type { IdentityRepository, SessionRow } from "../../adapters/db/identity-repository";
import type { AppGrants } from "../gateway/app-grants";
import type { ClientInfo } from "./rate-limit";
import { hashToken, randomToken } from "./tokens";

export type Session = SessionRow;

export const SESSION_COOKIE = "__Host-pcc_session";
/** Ties a sign-in request, a pairing or a passkey ceremony to the browser that started it. */
export const BROWSER_COOKIE = "__Host-pcc_browser";

/** Idle sessions end after this long; any use pushes the end out again (sliding). */
export const SESSION_TTL_MS = 30 * 24 * 3600_000;
/** A session counts as "fresh" (fresh-owner tier) this long after a passkey check. */
export const FRESH_MS = 5 * 60_000;
// Renewing rewrites the row and re-sends the cookie: at most this often, not on every request.
const RENEW_EVERY_MS = 3600_000;
const SEEN_EVERY_MS = 60_000;
const BROWSER_TTL_S = 7 * 24 * 3600;

// __Host-: host-only and Secure, so sibling app subdomains never receive it and cannot overwrite it.
const cookie = (name: string, value: string, maxAgeS: number, sameSite: "Lax" | "Strict") =>
  `${name}=${value}; Path=/; HttpOnly; Secure; SameSite=${sameSite}; Max-Age=${Math.max(0, maxAgeS)}`;

/**
 * The binding of a request's browser: the hash of its binding cookie, made (with the Set-Cookie to
 * send) when the browser has none yet. The cookie is random and HttpOnly: a page cannot read it, and
 * another browser cannot present it.
 */
export function bindBrowser(existing: string | undefined): { binding: string; cookie: string | null } {
  const valid = existing && /^[a-z2-7]{32}$/.test(existing);
  const token = valid ? existing : randomToken();
  return { binding: hashToken(`browser:${token}`), cookie: valid ? null : cookie(BROWSER_COOKIE, token, BROWSER_TTL_S, "Strict") };
}
export const clearSessionCookie = () => cookie(SESSION_COOKIE, "", 0, "Lax");

/** Owner sessions: hashed ids in SQLite, a sliding expiry the browser's cookie follows, revocable at once. */
export class Sessions {
  constructor(
    private readonly repo: IdentityRepository,
    /** What a session's end revokes with it: app credentials (and the OIDC grants it approved). */
    private readonly grants: Pick<AppGrants, "revokeSession">,
    private readonly now = () => new Date(),
  ) {}

  /** A new session row (not yet stored) and the cookie that carries its token. */
  open(ownerId: string, deviceId: string | null, client: ClientInfo): { row: SessionRow; cookie: string } {
    const token = randomToken();
    const now = this.now();
    const row: SessionRow = {
      id: hashToken(token),
      ownerId,
      deviceId,
      createdAt: now,
      expiresAt: new Date(now.getTime() + SESSION_TTL_MS),
      verifiedAt: now,
      lastSeenAt: now,
      lastIp: client.ip,
      userAgent: client.userAgent?.slice(0, 300) ?? null,
    };
    return { row, cookie: this.cookieFor(token, row.expiresAt) };
  }

  async create(ownerId: string, deviceId: string, client: ClientInfo) {
    const s = this.open(ownerId, deviceId, client);
    await this.repo.createSession(s.row);
    return s;
  }

  /**
   * The session behind a cookie value, or null. Using a session renews it: the row's expiry moves out
   * and `cookie` is the Set-Cookie that moves the browser's copy out too (else the browser would drop a
   * session the server still considers alive).
   */
  async validate(token: string | undefined, client?: ClientInfo): Promise<{ session: Session; cookie: string | null } | null> {
    if (!token || token.length > 100 || !/^[a-z2-7]+$/.test(token)) return null;
    const row = await this.repo.findSession(hashToken(token));
    if (!row) return null;
    const now = this.now().getTime();
    if (row.expiresAt.getTime() <= now) {
      await this.end(row.id);
      return null;
    }
    const patch: Parameters<IdentityRepository["updateSession"]>[1] = {};
    let cookie: string | null = null;
    if (row.expiresAt.getTime() - now < SESSION_TTL_MS - RENEW_EVERY_MS) {
      patch.expiresAt = row.expiresAt = new Date(now + SESSION_TTL_MS);
      cookie = this.cookieFor(token, row.expiresAt);
    }
    if (client && now - row.lastSeenAt.getTime() >= SEEN_EVERY_MS) {
      patch.lastSeenAt = row.lastSeenAt = new Date(now);
      patch.lastIp = row.lastIp = client.ip;
      patch.userAgent = row.userAgent = client.userAgent?.slice(0, 300) ?? null;
      if (row.deviceId) await this.repo.touchDevice(row.deviceId, row.lastSeenAt);
    }
    if (Object.keys(patch).length) await this.repo.updateSession(row.id, patch);
    return { session: row, cookie };
  }

  isFresh(session: Pick<Session, "verifiedAt">) {
    return this.now().getTime() - session.verifiedAt.getTime() < FRESH_MS;
  }

  /** After a passkey check: the session is fresh again. */
  async markVerified(session: Session) {
    session.verifiedAt = this.now();
    await this.repo.updateSession(session.id, { verifiedAt: session.verifiedAt });
  }

  /** Ends a session and every app credential it held, at once (Caddy checks the credential files). */
  async end(sessionId: string) {
    await this.repo.deleteSession(sessionId);
    await this.grants.revokeSession(sessionId);
  }

  /** For sessions already deleted from SQLite (with their device): their app credentials go too. */
  async revokeCredentials(sessionIds: string[]) {
    for (const id of sessionIds) await this.grants.revokeSession(id);
  }

  async pruneExpired() {
    await this.revokeCredentials(await this.repo.deleteExpiredSessions(this.now()));
  }

  private cookieFor(token: string, expiresAt: Date) {
    return cookie(SESSION_COOKIE, token, Math.floor((expiresAt.getTime() - this.now().getTime()) / 1000), "Lax");
  }
}
