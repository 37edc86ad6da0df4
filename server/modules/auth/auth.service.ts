import { randomUUID } from "node:crypto";
import type { AuthRepository } from "../../adapters/db/auth-repository";
import { DomainError } from "../../errors";
import type { Logger } from "../../logger";
import type { AppGrants } from "../gateway/app-grants";
import type { Session } from "./auth.types";
import { OneTimeCode } from "./one-time-code";
import { hashToken, randomToken } from "./tokens";

export const SESSION_COOKIE = "__Host-pcc_session";
const SESSION_TTL_MS = 30 * 24 * 3600_000;
const RENEW_BELOW_MS = 15 * 24 * 3600_000;
// Until passkeys arrive (their own issue), a session counts as fresh for this long after sign-in.
const FRESH_MS = 12 * 3600_000;

const codeMessages = {
  wrong: "That code is not right. Check it and try again.",
  expired: "That code has expired. A new one is printed by the server.",
  none: "There is no active code. Restart PCC or run ./pcc login-code for a new one.",
} as const;

export class AuthService {
  private claimed: boolean | null = null;
  readonly setupCode = new OneTimeCode(60 * 60_000);
  readonly loginCode = new OneTimeCode(10 * 60_000);

  constructor(
    private readonly repo: AuthRepository,
    readonly grants: AppGrants,
    private readonly log: Logger,
    private readonly now = () => new Date(),
  ) {}

  async isClaimed() {
    this.claimed ??= (await this.repo.ownerCount()) > 0;
    return this.claimed;
  }

  /** A fresh setup code, or null once the box has an owner. */
  async issueSetupCode(): Promise<string | null> {
    if (await this.isClaimed()) return null;
    return this.setupCode.issue();
  }

  async issueLoginCode(): Promise<string> {
    if (!(await this.isClaimed())) throw new DomainError("CONFLICT", "Nobody has claimed this PCC yet: use the setup code.");
    this.log.info("sign-in code issued");
    return this.loginCode.issue();
  }

  async claim(code: string) {
    const result = this.setupCode.consume(code);
    if (result !== "ok") throw new DomainError("UNAUTHORIZED", codeMessages[result]);
    const { token, row } = this.newSession(randomUUID());
    if (!(await this.repo.claim(row.ownerId, row))) throw new DomainError("ALREADY_CLAIMED", "This PCC already has an owner.");
    this.claimed = true;
    this.log.info("PCC claimed by its owner");
    return { cookie: this.sessionCookie(token, row.expiresAt) };
  }

  async signInWithCode(code: string) {
    const ownerId = await this.repo.firstOwnerId();
    if (!ownerId) throw new DomainError("CONFLICT", "Nobody has claimed this PCC yet: use the setup code.");
    const result = this.loginCode.consume(code);
    if (result !== "ok") throw new DomainError("UNAUTHORIZED", codeMessages[result]);
    const { token, row } = this.newSession(ownerId);
    await this.repo.createSession(row);
    this.log.info("owner signed in with a one-time code");
    return { cookie: this.sessionCookie(token, row.expiresAt) };
  }

  /** The session behind a cookie value, renewed when past half its life; null if invalid. */
  async validate(token: string | undefined): Promise<Session | null> {
    if (!token || token.length > 100) return null;
    const row = await this.repo.findSession(hashToken(token));
    if (!row) return null;
    const now = this.now().getTime();
    if (row.expiresAt.getTime() <= now) {
      await this.repo.deleteSession(row.id);
      return null;
    }
    if (row.expiresAt.getTime() - now < RENEW_BELOW_MS) {
      row.expiresAt = new Date(now + SESSION_TTL_MS);
      await this.repo.extendSession(row.id, row.expiresAt);
    }
    return row;
  }

  isFresh(session: Session) {
    return this.now().getTime() - session.verifiedAt.getTime() < FRESH_MS;
  }

  /** Ends the session and every app credential it held; returns the cookie that clears it. */
  async signOut(session: Session) {
    await this.repo.deleteSession(session.id);
    await this.grants.revokeSession(session.id);
    return `${SESSION_COOKIE}=; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=0`;
  }

  private newSession(ownerId: string) {
    const token = randomToken();
    const now = this.now();
    const row = { id: hashToken(token), ownerId, createdAt: now, expiresAt: new Date(now.getTime() + SESSION_TTL_MS), verifiedAt: now };
    return { token, row };
  }

  private sessionCookie(token: string, expiresAt: Date) {
    const maxAge = Math.floor((expiresAt.getTime() - this.now().getTime()) / 1000);
    // __Host-: host-only and Secure, so sibling app subdomains never receive it and cannot overwrite it.
    return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=${maxAge}`;
  }
}
