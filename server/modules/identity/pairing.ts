import { DomainError } from "../../errors";
import { actorOf, type IdentityCore } from "./identity-core";
import type { RegistrationResponseJSON } from "./passkeys";
import { clientKey, type ClientInfo } from "./rate-limit";
import type { Session } from "./sessions";
import { matchCode as newMatchCode, randomToken, sameSecret } from "./tokens";
import { cleanDeviceName, describeUserAgent } from "./user-agent";

type Pairing = {
  id: string;
  binding: string;
  client: string;
  ip: string | null;
  userAgent: string | null;
  matchCode: string;
  createdAt: number;
  expiresAt: number;
  approvedBy: string | null;
  wrongTries: number;
};

export type PairingState = "waiting" | "approved" | "expired";

const WAIT_MS = 5 * 60_000;
const REGISTER_MS = 5 * 60_000;
const MAX_WRONG = 5;
const MAX_PER_CLIENT = 3;
const MAX_PENDING = 100;

/**
 * A new device joins like a Signal linked device: it shows a QR code (a link with the pairing id) and
 * a 6-digit match code; the owner opens the link on a device that is signed in, types the code shown
 * on the new device (so approving means looking at it), and approves after a fresh passkey check.
 * Only the new browser that started the pairing (its binding cookie) can then register its passkey.
 */
export class Pairings {
  private readonly pending = new Map<string, Pairing>();

  constructor(private readonly core: IdentityCore) {}

  private get now() {
    return this.core.d.now().getTime();
  }

  async start(binding: string, client: ClientInfo) {
    await this.core.ownerId();
    this.core.limitStarts(client);
    this.prune();
    const key = clientKey(client.ip);
    for (const [id, p] of this.pending) if (p.binding === binding) this.pending.delete(id);
    const mine = [...this.pending.values()].filter((p) => p.client === key);
    while (mine.length >= MAX_PER_CLIENT) this.pending.delete(mine.shift()!.id);
    while (this.pending.size >= MAX_PENDING) this.pending.delete(this.pending.keys().next().value!);
    const p: Pairing = {
      id: randomToken(16),
      binding,
      client: key,
      ip: client.ip,
      userAgent: client.userAgent,
      matchCode: newMatchCode(),
      createdAt: this.now,
      expiresAt: this.now + WAIT_MS,
      approvedBy: null,
      wrongTries: 0,
    };
    this.pending.set(p.id, p);
    return { pairingId: p.id, matchCode: p.matchCode, expiresAt: new Date(p.expiresAt) };
  }

  /** For the new device, polling: only the browser that started the pairing gets an answer. */
  status(pairingId: string, binding: string): { state: PairingState } {
    const p = this.find(pairingId);
    if (!p || p.binding !== binding) return { state: "expired" };
    return { state: p.approvedBy ? "approved" : "waiting" };
  }

  /** For the approving owner: what asks to join (never the match code: that is read off the new device). */
  describe(pairingId: string) {
    const p = this.require(pairingId);
    return {
      pairingId: p.id,
      device: describeUserAgent(p.userAgent),
      ip: p.ip,
      requestedAt: new Date(p.createdAt),
      expiresAt: new Date(p.expiresAt),
      state: (p.approvedBy ? "approved" : "waiting") as PairingState,
    };
  }

  /** Fresh-owner tier: the owner typed the code the new device shows. */
  async approve(pairingId: string, code: string, session: Session, client: ClientInfo) {
    const p = this.require(pairingId);
    if (p.approvedBy) return { state: "approved" as const };
    await this.core.guarded(
      client,
      () => (sameSecret(code.replace(/\D/g, ""), p.matchCode) ? true : null),
      () => {
        // A few wrong tries end this pairing: only the owner gets here, and the new device can start over.
        if (++p.wrongTries >= MAX_WRONG) this.pending.delete(p.id);
        return p.wrongTries >= MAX_WRONG
          ? "That is not the code on the new device. This pairing has ended; start again on the new device."
          : "That is not the code the new device shows. Check it and try again.";
      },
    );
    p.approvedBy = actorOf(session);
    p.expiresAt = this.now + REGISTER_MS;
    return { state: "approved" as const };
  }

  /** The approved new device creates its own passkey. */
  async beginRegistration(pairingId: string, binding: string) {
    const p = this.approved(pairingId, binding);
    const ownerId = await this.core.ownerId();
    const options = await this.core.d.passkeys.registrationOptions({ ownerId, exclude: await this.core.d.repo.passkeysOf(ownerId) });
    this.core.ceremonies.put("pair", binding, { challenge: options.challenge, ownerId, pairingId: p.id });
    return options;
  }

  async finishRegistration(pairingId: string, response: RegistrationResponseJSON, deviceName: string | undefined, binding: string, client: ClientInfo) {
    const p = this.approved(pairingId, binding);
    const c = this.core.ceremonies.take("pair", binding);
    if (!c?.ownerId || c.pairingId !== p.id) throw new DomainError("UNAUTHORIZED", "This step has expired. Try again.");
    const name = cleanDeviceName(deviceName, describeUserAgent(client.userAgent));
    const joined = await this.core.joiningDevice(c.ownerId, "paired", name, client, { response, challenge: c.challenge });
    await this.core.d.repo.addDevice(joined);
    this.pending.delete(p.id);
    await this.core.d.audit.record({ action: "device.paired", actor: p.approvedBy ?? "anonymous", ip: client.ip, details: { device: name, deviceId: joined.device.id } });
    this.core.d.events?.emit("device.joined", { deviceId: joined.device.id, name, how: "paired" });
    return { cookie: joined.cookie };
  }

  private approved(pairingId: string, binding: string) {
    const p = this.find(pairingId);
    if (!p || p.binding !== binding || !p.approvedBy) throw new DomainError("UNAUTHORIZED", "This pairing is not approved (or has expired). Start again.");
    return p;
  }

  private require(pairingId: string) {
    const p = this.find(pairingId);
    if (!p) throw new DomainError("NOT_FOUND", "This pairing request has expired or does not exist. Start again on the new device.");
    return p;
  }

  private find(pairingId: string) {
    const p = this.pending.get(pairingId);
    if (p && p.expiresAt <= this.now) {
      this.pending.delete(p.id);
      return null;
    }
    return p ?? null;
  }

  private prune() {
    for (const [id, p] of this.pending) if (p.expiresAt <= this.now) this.pending.delete(id);
  }
}
