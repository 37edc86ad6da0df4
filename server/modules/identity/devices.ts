import type { SessionRow } from "../../adapters/db/identity-repository";
import { DomainError } from "../../errors";
import { actorOf, type IdentityCore } from "./identity-core";
import type { RegistrationResponseJSON } from "./passkeys";
import type { ClientInfo } from "./rate-limit";
import { clearSessionCookie, type Session } from "./sessions";
import { cleanDeviceName, describeUserAgent } from "./user-agent";

export type SessionView = { id: string; createdAt: Date; lastSeenAt: Date; expiresAt: Date; lastIp: string | null; browser: string; current: boolean };
export type DeviceView = {
  id: string;
  name: string;
  origin: string;
  createdAt: Date;
  lastSeenAt: Date;
  current: boolean;
  passkeys: { id: string; createdAt: Date; lastUsedAt: Date | null; backedUp: boolean; synced: boolean }[];
  sessions: SessionView[];
};

/** The owner's devices and their sessions: listed, renamed, revoked. */
export class Devices {
  constructor(private readonly core: IdentityCore) {}

  private get repo() {
    return this.core.d.repo;
  }

  async list(session: Session): Promise<{ devices: DeviceView[]; otherSessions: SessionView[] }> {
    const rows = await this.repo.listDevices(session.ownerId);
    const sessionView = (s: SessionRow): SessionView => ({
      id: s.id,
      createdAt: s.createdAt,
      lastSeenAt: s.lastSeenAt,
      expiresAt: s.expiresAt,
      lastIp: s.lastIp,
      browser: describeUserAgent(s.userAgent),
      current: s.id === session.id,
    });
    const devices = rows.map((d) => ({
      id: d.id,
      name: d.name,
      origin: d.origin,
      createdAt: d.createdAt,
      lastSeenAt: d.lastSeenAt,
      current: d.id === session.deviceId,
      // Credential ids are not secret, but a short form is all a person needs to tell them apart.
      passkeys: d.passkeys.map((p) => ({ id: p.id.slice(0, 10), createdAt: p.createdAt, lastUsedAt: p.lastUsedAt, backedUp: p.backedUp, synced: p.deviceType === "multiDevice" })),
      sessions: d.sessions.map(sessionView),
    }));
    // Sessions from before devices existed (an upgraded PCC) have no device, but can still be ended.
    return { devices, otherSessions: (await this.repo.legacySessions(session.ownerId)).map(sessionView) };
  }

  async rename(session: Session, deviceId: string, name: string, client: ClientInfo) {
    const device = await this.ownDevice(session, deviceId);
    const clean = cleanDeviceName(name, device.name);
    await this.repo.renameDevice(deviceId, clean);
    await this.core.d.audit.record({ action: "device.renamed", actor: actorOf(session), ip: client.ip, details: { deviceId, from: device.name, to: clean } });
  }

  /** Its passkeys, sessions and app credentials end at once: its next request is refused. */
  async revoke(session: Session, deviceId: string, client: ClientInfo) {
    const device = await this.ownDevice(session, deviceId);
    if (deviceId === session.deviceId) throw new DomainError("CONFLICT", "This is the device you are using. To leave it, sign out; to remove it, use another device.");
    const ended = await this.repo.deleteDevice(deviceId);
    await this.core.d.sessions.revokeCredentials(ended);
    await this.core.d.audit.record({ action: "device.revoked", actor: actorOf(session), ip: client.ip, details: { deviceId, device: device.name, sessions: ended.length } });
  }

  /** Ends one session (and its app credentials); ending one's own returns the cookie that clears it. */
  async endSession(session: Session, sessionId: string, client: ClientInfo) {
    const target = await this.repo.findSession(sessionId);
    if (!target || target.ownerId !== session.ownerId) throw new DomainError("NOT_FOUND", "That session has already ended.");
    await this.core.d.sessions.end(sessionId);
    await this.core.d.audit.record({ action: "session.ended", actor: actorOf(session), ip: client.ip, details: { deviceId: target.deviceId, browser: describeUserAgent(target.userAgent) } });
    return { clearCookie: sessionId === session.id ? clearSessionCookie() : null };
  }

  /** A device that came in by a CLI code (or lost its passkey) gets a passkey of its own. */
  async beginAddPasskey(session: Session) {
    if (!session.deviceId) throw new DomainError("CONFLICT", "Sign in again to add a passkey to this device.");
    const options = await this.core.d.passkeys.registrationOptions({ ownerId: session.ownerId, exclude: await this.repo.passkeysOf(session.ownerId) });
    this.core.ceremonies.put("addkey", session.id, { challenge: options.challenge });
    return options;
  }

  async finishAddPasskey(session: Session, response: RegistrationResponseJSON, client: ClientInfo) {
    const c = this.core.ceremonies.take("addkey", session.id);
    if (!c || !session.deviceId) throw new DomainError("UNAUTHORIZED", "This step has expired. Try again.");
    const now = this.core.d.now();
    const passkey = await this.core.d.passkeys.verifyRegistration(response, c.challenge, session.deviceId, now);
    if (await this.repo.findPasskey(passkey.id)) throw new DomainError("CONFLICT", "This passkey is already registered on this PCC.");
    await this.repo.addPasskey(passkey);
    await this.core.d.sessions.markVerified(session);
    await this.core.d.audit.record({ action: "passkey.added", actor: actorOf(session), ip: client.ip, details: { deviceId: session.deviceId } });
  }

  private async ownDevice(session: Session, deviceId: string) {
    const device = await this.repo.getDevice(deviceId);
    if (!device || device.ownerId !== session.ownerId) throw new DomainError("NOT_FOUND", "That device is not on this PCC (it may have been removed already).");
    return device;
  }
}
