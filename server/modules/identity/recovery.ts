import { DomainError } from "../../errors";
import { actorOf, type IdentityCore } from "./identity-core";
import type { RegistrationResponseJSON } from "./passkeys";
import type { ClientInfo } from "./rate-limit";
import type { Session } from "./sessions";
import { hashToken, humanCode, normalizeCode } from "./tokens";
import { cleanDeviceName, describeUserAgent } from "./user-agent";

export const RECOVERY_CODE_COUNT = 8;

const wrongCode = "That recovery code is not right, or it was already used.";

/**
 * Lost phone: a one-time recovery code (≈59 bits, from the sheet shown once at claim) lets a new
 * device register a passkey, and every old device, passkey, session and app credential ends with it.
 */
export class Recovery {
  constructor(private readonly core: IdentityCore) {}

  /** Fresh codes to show once; only their hashes are stored. */
  generate() {
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => humanCode(3));
    return { codes, hashes: codes.map(hashCode) };
  }

  async status(session: Session) {
    return { remaining: await this.core.d.repo.unusedRecoveryCodes(session.ownerId), total: RECOVERY_CODE_COUNT };
  }

  /** Fresh-owner tier: the old sheet stops working. */
  async regenerate(session: Session, client: ClientInfo) {
    const { codes, hashes } = this.generate();
    await this.core.d.repo.replaceRecoveryCodes(session.ownerId, hashes);
    await this.core.d.audit.record({ action: "recovery.regenerated", actor: actorOf(session), ip: client.ip });
    return { recoveryCodes: codes };
  }

  /** The code is checked (not yet spent) and the new device's passkey registration begins. */
  async begin(code: string, client: ClientInfo, binding: string) {
    await this.core.ownerId();
    const codeHash = hashCode(code);
    const found = await this.core.guarded(
      client,
      async () => {
        const row = await this.core.d.repo.findRecoveryCode(codeHash);
        return row && !row.usedAt ? row : null;
      },
      wrongCode,
    );
    this.core.limitStarts(client);
    const options = await this.core.d.passkeys.registrationOptions({ ownerId: found.ownerId, exclude: [] });
    this.core.ceremonies.put("recovery", binding, { challenge: options.challenge, ownerId: found.ownerId, codeHash });
    return options;
  }

  /** Spends the code and replaces every device by this one, in one transaction. */
  async finish(response: RegistrationResponseJSON, deviceName: string | undefined, client: ClientInfo, binding: string) {
    const c = this.core.ceremonies.take("recovery", binding);
    if (!c?.ownerId || !c.codeHash) throw new DomainError("UNAUTHORIZED", "This recovery has expired. Enter the recovery code again.");
    const name = cleanDeviceName(deviceName, describeUserAgent(client.userAgent));
    const joined = await this.core.joiningDevice(c.ownerId, "recovery", name, client, { response, challenge: c.challenge });
    const ended = await this.core.d.repo.recover(c.codeHash, this.core.d.now(), joined);
    if (!ended) throw new DomainError("UNAUTHORIZED", wrongCode);
    await this.core.d.sessions.revokeCredentials(ended);
    const remaining = await this.core.d.repo.unusedRecoveryCodes(c.ownerId);
    this.core.d.log.warn({ endedSessions: ended.length }, "recovery code used: every other device was revoked");
    await this.core.d.audit.record({ action: "recovery.used", actor: `device:${joined.device.id}`, ip: client.ip, details: { device: name, endedSessions: ended.length, remaining } });
    return { cookie: joined.cookie, remaining };
  }
}

const hashCode = (code: string) => hashToken(`recovery:${normalizeCode(code)}`);
