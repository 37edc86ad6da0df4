import { randomUUID } from "node:crypto";
import type { DeviceOrigin, IdentityRepository, NewDevice } from "../../adapters/db/identity-repository";
import { DomainError } from "../../errors";
import type { EventBus } from "../../events";
import type { Logger } from "../../logger";
import type { AuditService } from "../audit/audit.service";
import { Ceremonies, type Passkeys, type RegistrationResponseJSON } from "./passkeys";
import { clientKey, RateLimiter, type ClientInfo } from "./rate-limit";
import type { Session, Sessions } from "./sessions";

/** What a passkey ceremony remembers between its two calls. */
export type Ceremony = { challenge: string; ownerId?: string; setupCode?: string; codeHash?: string; pairingId?: string };

/** Who did something, for the audit log. */
export const actorOf = (s: Session) => (s.deviceId ? `device:${s.deviceId}` : "legacy-session");

export type IdentityDeps = {
  repo: IdentityRepository;
  sessions: Sessions;
  passkeys: Passkeys;
  audit: AuditService;
  log: Logger;
  now: () => Date;
  /** Where a new device is announced (notifications tell the owner); absent in unit tests that don't care. */
  events?: Pick<EventBus, "emit">;
};

/** Shared by the identity services: the owner, ceremonies, per-client limits, joining devices. */
export class IdentityCore {
  readonly ceremonies: Ceremonies<Ceremony>;
  /** Wrong codes (setup, sign-in, recovery, pairing match): 10 per client per 15 minutes. */
  readonly guesses: RateLimiter;
  /** Anonymous calls that create state (sign-in requests, pairings, ceremonies): 60 per client per 10 minutes. */
  readonly starts: RateLimiter;
  private claimed: boolean | null = null;

  constructor(readonly d: IdentityDeps) {
    const ms = () => d.now().getTime();
    this.ceremonies = new Ceremonies<Ceremony>(150_000, ms);
    this.guesses = new RateLimiter(10, 15 * 60_000, ms);
    this.starts = new RateLimiter(60, 10 * 60_000, ms);
  }

  async isClaimed() {
    this.claimed ??= (await this.d.repo.ownerCount()) > 0;
    return this.claimed;
  }

  markClaimed() {
    this.claimed = true;
  }

  async ownerId(): Promise<string> {
    const id = await this.d.repo.firstOwnerId();
    if (!id) throw new DomainError("CONFLICT", "Nobody has claimed this PCC yet: use the setup code.");
    return id;
  }

  /** Runs a code check for a client: refused when over budget, and a wrong code costs budget. */
  async guarded<T>(client: ClientInfo, check: () => Promise<T | null> | T | null, wrong: string | (() => string)): Promise<T> {
    const key = clientKey(client.ip);
    this.guesses.check(key);
    const result = await check();
    if (result === null) {
      this.guesses.hit(key);
      throw new DomainError("UNAUTHORIZED", typeof wrong === "string" ? wrong : wrong());
    }
    return result;
  }

  /** Anonymous state-creating calls are limited per client, so a script cannot fill memory. */
  limitStarts(client: ClientInfo) {
    this.starts.take(clientKey(client.ip));
  }

  /**
   * A joining device, its passkey verified from the registration response (none for a CLI-code sign-in),
   * and its first session, fresh since the person just proved presence.
   */
  async joiningDevice(
    ownerId: string,
    origin: DeviceOrigin,
    name: string,
    client: ClientInfo,
    registration?: { response: RegistrationResponseJSON; challenge: string },
  ): Promise<NewDevice & { cookie: string }> {
    const now = this.d.now();
    const deviceId = randomUUID();
    const passkey = registration ? await this.d.passkeys.verifyRegistration(registration.response, registration.challenge, deviceId, now) : null;
    if (passkey && (await this.d.repo.findPasskey(passkey.id))) throw new DomainError("CONFLICT", "This passkey is already registered on this PCC.");
    const { row, cookie } = this.d.sessions.open(ownerId, deviceId, client);
    return { device: { id: deviceId, ownerId, name, origin, createdAt: now, lastSeenAt: now }, passkey, session: row, cookie };
  }
}
