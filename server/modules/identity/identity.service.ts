import { randomUUID } from "node:crypto";
import type { IdentityRepository } from "../../adapters/db/identity-repository";
import { DomainError } from "../../errors";
import type { EventBus } from "../../events";
import type { Logger } from "../../logger";
import type { AuditService } from "../audit/audit.service";
import type { AppGrants } from "../gateway/app-grants";
import { Devices } from "./devices";
import { actorOf, IdentityCore } from "./identity-core";
import { LoginRequests } from "./login-requests";
import { OneTimeCode, type CodeCheck } from "./one-time-code";
import { Pairings } from "./pairing";
import { Passkeys, type AuthenticationResponseJSON, type RegistrationResponseJSON, type RelyingParty } from "./passkeys";
import type { ClientInfo } from "./rate-limit";
import { Recovery } from "./recovery";
import { clearSessionCookie, Sessions, type Session } from "./sessions";
import { cleanDeviceName, describeUserAgent } from "./user-agent";

const SETUP_TTL_MS = 60 * 60_000;

const setupMessages = {
  wrong: "That code is not right. Check it and try again.",
  expired: "That code has expired. PCC prints a new one on its console.",
  none: "There is no active setup code. Restart PCC for a new one.",
} as const;

export type IdentityState = { claimed: boolean; signedIn: boolean; fresh: boolean; device: { id: string; name: string } | null };

/**
 * The owner's identity: claiming the box with the setup code and a passkey, signing in by passkey,
 * step-up checks for the fresh-owner tier, and (in their own files) CLI sign-in requests, device
 * pairing, devices and sessions, and recovery codes. No passwords anywhere.
 */
export class IdentityService {
  readonly sessions: Sessions;
  readonly passkeys: Passkeys;
  readonly setupCode: OneTimeCode;
  readonly loginRequests: LoginRequests;
  readonly pairing: Pairings;
  readonly devices: Devices;
  readonly recovery: Recovery;
  private readonly core: IdentityCore;

  constructor(
    private readonly repo: IdentityRepository,
    grants: Pick<AppGrants, "revokeSession">,
    private readonly audit: AuditService,
    rp: RelyingParty,
    private readonly log: Logger,
    private readonly now = () => new Date(),
    events?: Pick<EventBus, "emit">,
  ) {
    this.sessions = new Sessions(repo, grants, now);
    this.passkeys = new Passkeys(rp);
    this.setupCode = new OneTimeCode(SETUP_TTL_MS, () => now().getTime());
    this.core = new IdentityCore({ repo, sessions: this.sessions, passkeys: this.passkeys, audit, log, now, events });
    this.loginRequests = new LoginRequests(this.core);
    this.pairing = new Pairings(this.core);
    this.devices = new Devices(this.core);
    this.recovery = new Recovery(this.core);
  }

  isClaimed() {
    return this.core.isClaimed();
  }

  async state(session: Session | null): Promise<IdentityState> {
    const device = session?.deviceId ? await this.repo.getDevice(session.deviceId) : null;
    return {
      claimed: await this.isClaimed(),
      signedIn: session !== null,
      fresh: session ? this.sessions.isFresh(session) : false,
      device: device ? { id: device.id, name: device.name } : null,
    };
  }

  /** A fresh setup code, or null once the box has an owner. */
  async issueSetupCode(): Promise<string | null> {
    if (await this.isClaimed()) return null;
    return this.setupCode.issue();
  }

  /** Step 1 of claiming: the setup code is checked (not spent) and a passkey registration begins. */
  async beginClaim(code: string, client: ClientInfo, binding: string) {
    if (await this.isClaimed()) throw new DomainError("ALREADY_CLAIMED", "This PCC already has an owner.");
    let result: CodeCheck = "none";
    await this.core.guarded(
      client,
      () => ((result = this.setupCode.check(code)) === "ok" ? true : null),
      () => setupMessages[result === "ok" ? "wrong" : result],
    );
    this.core.limitStarts(client);
    const ownerId = randomUUID();
    const options = await this.passkeys.registrationOptions({ ownerId, exclude: [] });
    this.core.ceremonies.put("claim", binding, { challenge: options.challenge, ownerId, setupCode: code });
    return options;
  }

  /**
   * Step 2: the passkey is verified, then owner, device, passkey, session and recovery codes are made in
   * one transaction. The setup code dies; the recovery codes are returned once, never again.
   */
  async finishClaim(response: RegistrationResponseJSON, deviceName: string | undefined, client: ClientInfo, binding: string) {
    const c = this.core.ceremonies.take("claim", binding);
    if (!c?.ownerId || !c.setupCode) throw new DomainError("UNAUTHORIZED", "This setup has expired. Enter the setup code again.");
    if (this.setupCode.check(c.setupCode) !== "ok") throw new DomainError("UNAUTHORIZED", setupMessages.expired);
    const name = cleanDeviceName(deviceName, describeUserAgent(client.userAgent));
    const joined = await this.core.joiningDevice(c.ownerId, "claim", name, client, { response, challenge: c.challenge });
    const codes = this.recovery.generate();
    if (!(await this.repo.claim(c.ownerId, joined, codes.hashes))) throw new DomainError("ALREADY_CLAIMED", "This PCC already has an owner.");
    this.setupCode.clear();
    this.core.markClaimed();
    this.log.info("PCC claimed by its owner");
    await this.audit.record({ action: "owner.claimed", actor: `device:${joined.device.id}`, ip: client.ip, details: { device: name } });
    return { cookie: joined.cookie, recoveryCodes: codes.codes };
  }

  /** Passkey sign-in, any of the owner's passkeys (discoverable credentials, no user name to type). */
  async beginSignIn(client: ClientInfo, binding: string) {
    await this.core.ownerId();
    this.core.limitStarts(client);
    const options = await this.passkeys.authenticationOptions();
    this.core.ceremonies.put("signin", binding, { challenge: options.challenge });
    return options;
  }

  async finishSignIn(response: AuthenticationResponseJSON, client: ClientInfo, binding: string) {
    const c = this.core.ceremonies.take("signin", binding);
    if (!c) throw new DomainError("UNAUTHORIZED", "This sign-in has expired. Try again.");
    const passkey = await this.verifyAssertion(response, c.challenge);
    if (!passkey.deviceId) throw new DomainError("UNAUTHORIZED", "This passkey is not registered on this PCC.");
    const { cookie } = await this.sessions.create(passkey.ownerId, passkey.deviceId, client);
    await this.audit.record({ action: "signin.passkey", actor: `device:${passkey.deviceId}`, ip: client.ip });
    return { cookie };
  }

  /** Step-up for the fresh-owner tier: a passkey check within the last few minutes. */
  async beginStepUp(session: Session) {
    const options = await this.passkeys.authenticationOptions(await this.repo.passkeysOf(session.ownerId));
    this.core.ceremonies.put("stepup", session.id, { challenge: options.challenge });
    return options;
  }

  async finishStepUp(session: Session, response: AuthenticationResponseJSON) {
    const c = this.core.ceremonies.take("stepup", session.id);
    if (!c) throw new DomainError("UNAUTHORIZED", "This check has expired. Try again.");
    const passkey = await this.verifyAssertion(response, c.challenge);
    if (passkey.ownerId !== session.ownerId) throw new DomainError("UNAUTHORIZED", "This passkey is not registered on this PCC.");
    await this.sessions.markVerified(session);
    return { fresh: true as const };
  }

  /** Ends the session and every app credential it held; returns the cookie that clears it. */
  async signOut(session: Session, client: ClientInfo) {
    await this.sessions.end(session.id);
    await this.audit.record({ action: "signout", actor: actorOf(session), ip: client.ip });
    return clearSessionCookie();
  }

  private async verifyAssertion(response: AuthenticationResponseJSON, challenge: string) {
    const passkey = await this.repo.findPasskey(response.id);
    // Revoked devices take their passkeys with them: an old passkey finds nothing here.
    if (!passkey) throw new DomainError("UNAUTHORIZED", "This passkey is not registered on this PCC (it may have been revoked).");
    const counter = await this.passkeys.verifyAuthentication(response, challenge, passkey);
    await this.repo.usePasskey(passkey.id, counter, this.now());
    return passkey;
  }
}
