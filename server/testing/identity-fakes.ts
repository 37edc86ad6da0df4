/** In-memory fakes of the identity and audit repositories, for unit tests only. */
import type { AuditRepository, AuditRow } from "../adapters/db/audit-repository";
import type { DeviceRow, IdentityRepository, NewDevice, PasskeyRow, SessionRow } from "../adapters/db/identity-repository";

export class MemoryIdentityRepository implements IdentityRepository {
  readonly owners: string[] = [];
  readonly devices = new Map<string, DeviceRow>();
  readonly passkeys = new Map<string, PasskeyRow>();
  readonly sessions = new Map<string, SessionRow>();
  readonly recovery = new Map<string, { ownerId: string; usedAt: Date | null }>();

  async ownerCount() {
    return this.owners.length;
  }
  async firstOwnerId() {
    return this.owners[0] ?? null;
  }
  async claim(ownerId: string, first: NewDevice, recoveryHashes: string[]) {
    if (this.owners.length > 0) return false;
    this.owners.push(ownerId);
    for (const h of recoveryHashes) this.recovery.set(h, { ownerId, usedAt: null });
    await this.addDevice(first);
    return true;
  }
  async addDevice(d: NewDevice) {
    this.devices.set(d.device.id, { ...d.device });
    if (d.passkey) this.passkeys.set(d.passkey.id, { ...d.passkey });
    this.sessions.set(d.session.id, { ...d.session });
  }
  async recover(codeHash: string, usedAt: Date, d: NewDevice) {
    const code = this.recovery.get(codeHash);
    if (!code || code.usedAt || code.ownerId !== d.device.ownerId) return null;
    code.usedAt = usedAt;
    const ended = [...this.sessions.values()].filter((s) => s.ownerId === d.device.ownerId).map((s) => s.id);
    for (const id of ended) this.sessions.delete(id);
    for (const dev of [...this.devices.values()]) if (dev.ownerId === d.device.ownerId) await this.deleteDevice(dev.id);
    await this.addDevice(d);
    return ended;
  }
  async listDevices(ownerId: string) {
    return [...this.devices.values()]
      .filter((d) => d.ownerId === ownerId)
      .map((d) => ({
        ...d,
        passkeys: [...this.passkeys.values()].filter((p) => p.deviceId === d.id),
        sessions: [...this.sessions.values()].filter((s) => s.deviceId === d.id),
      }));
  }
  async legacySessions(ownerId: string) {
    return [...this.sessions.values()].filter((s) => s.ownerId === ownerId && s.deviceId === null);
  }
  async getDevice(id: string) {
    const d = this.devices.get(id);
    return d ? { ...d } : null;
  }
  async renameDevice(id: string, name: string) {
    const d = this.devices.get(id);
    if (d) d.name = name;
  }
  async touchDevice(id: string, at: Date) {
    const d = this.devices.get(id);
    if (d) d.lastSeenAt = at;
  }
  async deleteDevice(id: string) {
    const ended = [...this.sessions.values()].filter((s) => s.deviceId === id).map((s) => s.id);
    for (const s of ended) this.sessions.delete(s);
    for (const [pid, p] of this.passkeys) if (p.deviceId === id) this.passkeys.delete(pid);
    this.devices.delete(id);
    return ended;
  }
  async findPasskey(id: string) {
    const p = this.passkeys.get(id);
    const d = p && this.devices.get(p.deviceId);
    return p && d ? { ...p, ownerId: d.ownerId } : null;
  }
  async passkeysOf(ownerId: string) {
    return [...this.passkeys.values()].filter((p) => this.devices.get(p.deviceId)?.ownerId === ownerId);
  }
  async addPasskey(p: PasskeyRow) {
    this.passkeys.set(p.id, { ...p });
  }
  async usePasskey(id: string, counter: number, at: Date) {
    const p = this.passkeys.get(id);
    if (p) Object.assign(p, { counter, lastUsedAt: at });
  }
  async createSession(s: SessionRow) {
    this.sessions.set(s.id, { ...s });
  }
  async findSession(id: string) {
    const s = this.sessions.get(id);
    return s ? { ...s } : null;
  }
  async updateSession(id: string, patch: Partial<SessionRow>) {
    const s = this.sessions.get(id);
    if (s) Object.assign(s, patch);
  }
  async deleteSession(id: string) {
    this.sessions.delete(id);
  }
  async deleteExpiredSessions(now: Date) {
    const gone = [...this.sessions.values()].filter((s) => s.expiresAt < now).map((s) => s.id);
    for (const id of gone) this.sessions.delete(id);
    return gone;
  }
  async replaceRecoveryCodes(ownerId: string, hashes: string[]) {
    for (const [h, c] of this.recovery) if (c.ownerId === ownerId) this.recovery.delete(h);
    for (const h of hashes) this.recovery.set(h, { ownerId, usedAt: null });
  }
  async findRecoveryCode(hash: string) {
    const c = this.recovery.get(hash);
    return c ? { ...c } : null;
  }
  async unusedRecoveryCodes(ownerId: string) {
    return [...this.recovery.values()].filter((c) => c.ownerId === ownerId && !c.usedAt).length;
  }
}

export class MemoryAuditRepository implements AuditRepository {
  readonly rows: AuditRow[] = [];

  async last() {
    return this.rows.at(-1) ?? null;
  }
  async append(row: AuditRow) {
    if (this.rows.some((r) => r.seq === row.seq)) throw new Error("seq taken");
    this.rows.push({ ...row });
  }
  async after(seq: number, limit: number) {
    return this.rows.filter((r) => r.seq > seq).slice(0, limit);
  }
  async latest(limit: number, beforeSeq?: number) {
    return this.rows
      .filter((r) => !beforeSeq || r.seq < beforeSeq)
      .reverse()
      .slice(0, limit);
  }
}
