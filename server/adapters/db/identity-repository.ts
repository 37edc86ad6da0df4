import type { Db } from "./db";

export type SessionRow = {
  id: string;
  ownerId: string;
  deviceId: string | null;
  createdAt: Date;
  expiresAt: Date;
  verifiedAt: Date;
  lastSeenAt: Date;
  lastIp: string | null;
  userAgent: string | null;
};
export type DeviceOrigin = "claim" | "paired" | "recovery" | "cli-code";
export type DeviceRow = { id: string; ownerId: string; name: string; origin: DeviceOrigin; createdAt: Date; lastSeenAt: Date };
export type PasskeyRow = {
  id: string;
  deviceId: string;
  publicKey: Uint8Array<ArrayBuffer>;
  counter: number;
  transports: string[];
  deviceType: string;
  backedUp: boolean;
  createdAt: Date;
  lastUsedAt: Date | null;
};
/** A device joining, with its passkey (none for a CLI-code sign-in) and its first session. */
export type NewDevice = { device: DeviceRow; passkey: PasskeyRow | null; session: SessionRow };
export type DeviceWithDetails = DeviceRow & { passkeys: PasskeyRow[]; sessions: SessionRow[] };

export interface IdentityRepository {
  ownerCount(): Promise<number>;
  firstOwnerId(): Promise<string | null>;
  /** Owner, first device, passkey, session and recovery codes at once; false if an owner already exists. */
  claim(ownerId: string, first: NewDevice, recoveryHashes: string[]): Promise<boolean>;
  addDevice(d: NewDevice): Promise<void>;
  /**
   * Spends a recovery code and replaces every device (passkeys and sessions go with them) by the new one,
   * atomically. Null if the code is unknown or already used; else the ids of the sessions that ended.
   */
  recover(codeHash: string, usedAt: Date, d: NewDevice): Promise<string[] | null>;
  listDevices(ownerId: string): Promise<DeviceWithDetails[]>;
  legacySessions(ownerId: string): Promise<SessionRow[]>;
  getDevice(id: string): Promise<DeviceRow | null>;
  renameDevice(id: string, name: string): Promise<void>;
  touchDevice(id: string, at: Date): Promise<void>;
  /** Deletes a device with its passkeys and sessions; returns the ended session ids. */
  deleteDevice(id: string): Promise<string[]>;
  findPasskey(id: string): Promise<(PasskeyRow & { ownerId: string }) | null>;
  passkeysOf(ownerId: string): Promise<PasskeyRow[]>;
  addPasskey(p: PasskeyRow): Promise<void>;
  usePasskey(id: string, counter: number, at: Date): Promise<void>;
  createSession(s: SessionRow): Promise<void>;
  findSession(id: string): Promise<SessionRow | null>;
  updateSession(id: string, patch: Partial<Pick<SessionRow, "expiresAt" | "verifiedAt" | "lastSeenAt" | "lastIp" | "userAgent">>): Promise<void>;
  deleteSession(id: string): Promise<void>;
  deleteExpiredSessions(now: Date): Promise<string[]>;
  replaceRecoveryCodes(ownerId: string, hashes: string[]): Promise<void>;
  findRecoveryCode(hash: string): Promise<{ ownerId: string; usedAt: Date | null } | null>;
  unusedRecoveryCodes(ownerId: string): Promise<number>;
}

type PrismaPasskey = Omit<PasskeyRow, "counter" | "transports"> & { counter: bigint; transports: string };
const toPasskey = (p: PrismaPasskey): PasskeyRow => ({ ...p, publicKey: new Uint8Array(p.publicKey), counter: Number(p.counter), transports: JSON.parse(p.transports) as string[] });
const fromPasskey = (p: PasskeyRow) => ({ ...p, counter: BigInt(p.counter), transports: JSON.stringify(p.transports) });
const toDevice = <T extends { origin: string }>(d: T) => ({ ...d, origin: d.origin as DeviceOrigin });

export class PrismaIdentityRepository implements IdentityRepository {
  constructor(private readonly db: Db) {}

  ownerCount() {
    return this.db.owner.count();
  }

  async firstOwnerId() {
    return (await this.db.owner.findFirst({ select: { id: true }, orderBy: { createdAt: "asc" } }))?.id ?? null;
  }

  async claim(ownerId: string, first: NewDevice, recoveryHashes: string[]) {
    // Serialized by SQLite's write lock: two racing claims cannot both see zero owners.
    return this.db.$transaction(async (tx) => {
      if ((await tx.owner.count()) > 0) return false;
      await tx.owner.create({ data: { id: ownerId } });
      await tx.recoveryCode.createMany({ data: recoveryHashes.map((id) => ({ id, ownerId })) });
      await this.insertDevice(tx, first);
      return true;
    });
  }

  async addDevice(d: NewDevice) {
    await this.db.$transaction((tx) => this.insertDevice(tx, d));
  }

  async recover(codeHash: string, usedAt: Date, d: NewDevice) {
    return this.db.$transaction(async (tx) => {
      const spent = await tx.recoveryCode.updateMany({ where: { id: codeHash, ownerId: d.device.ownerId, usedAt: null }, data: { usedAt } });
      if (spent.count !== 1) return null;
      const ended = await tx.session.findMany({ where: { ownerId: d.device.ownerId }, select: { id: true } });
      await tx.session.deleteMany({ where: { ownerId: d.device.ownerId } });
      await tx.device.deleteMany({ where: { ownerId: d.device.ownerId } });
      await this.insertDevice(tx, d);
      return ended.map((s) => s.id);
    });
  }

  async listDevices(ownerId: string) {
    const rows = await this.db.device.findMany({
      where: { ownerId },
      include: { passkeys: { orderBy: { createdAt: "asc" } }, sessions: { orderBy: { lastSeenAt: "desc" } } },
      orderBy: { createdAt: "asc" },
    });
    return rows.map((d) => ({ ...toDevice(d), passkeys: d.passkeys.map(toPasskey), sessions: d.sessions }));
  }

  legacySessions(ownerId: string) {
    return this.db.session.findMany({ where: { ownerId, deviceId: null }, orderBy: { lastSeenAt: "desc" } });
  }

  async getDevice(id: string) {
    const d = await this.db.device.findUnique({ where: { id } });
    return d ? toDevice(d) : null;
  }

  async renameDevice(id: string, name: string) {
    await this.db.device.updateMany({ where: { id }, data: { name } });
  }

  async touchDevice(id: string, at: Date) {
    await this.db.device.updateMany({ where: { id }, data: { lastSeenAt: at } });
  }

  async deleteDevice(id: string) {
    return this.db.$transaction(async (tx) => {
      const ended = await tx.session.findMany({ where: { deviceId: id }, select: { id: true } });
      // Explicit, not only by cascade: a session must never outlive its device.
      await tx.session.deleteMany({ where: { deviceId: id } });
      await tx.device.deleteMany({ where: { id } });
      return ended.map((s) => s.id);
    });
  }

  async findPasskey(id: string) {
    const p = await this.db.passkey.findUnique({ where: { id }, include: { device: { select: { ownerId: true } } } });
    if (!p) return null;
    const { device, ...rest } = p;
    return { ...toPasskey(rest), ownerId: device.ownerId };
  }

  async passkeysOf(ownerId: string) {
    return (await this.db.passkey.findMany({ where: { device: { ownerId } } })).map(toPasskey);
  }

  async addPasskey(p: PasskeyRow) {
    await this.db.passkey.create({ data: fromPasskey(p) });
  }

  async usePasskey(id: string, counter: number, at: Date) {
    await this.db.passkey.updateMany({ where: { id }, data: { counter: BigInt(counter), lastUsedAt: at } });
  }

  async createSession(s: SessionRow) {
    await this.db.session.create({ data: s });
  }

  findSession(id: string) {
    return this.db.session.findUnique({ where: { id } });
  }

  async updateSession(id: string, patch: Partial<Pick<SessionRow, "expiresAt" | "verifiedAt" | "lastSeenAt" | "lastIp" | "userAgent">>) {
    await this.db.session.updateMany({ where: { id }, data: patch });
  }

  async deleteSession(id: string) {
    await this.db.session.deleteMany({ where: { id } });
  }

  async deleteExpiredSessions(now: Date) {
    const gone = await this.db.session.findMany({ where: { expiresAt: { lt: now } }, select: { id: true } });
    await this.db.session.deleteMany({ where: { id: { in: gone.map((s) => s.id) } } });
    return gone.map((s) => s.id);
  }

  async replaceRecoveryCodes(ownerId: string, hashes: string[]) {
    await this.db.$transaction([
      this.db.recoveryCode.deleteMany({ where: { ownerId } }),
      this.db.recoveryCode.createMany({ data: hashes.map((id) => ({ id, ownerId })) }),
    ]);
  }

  findRecoveryCode(hash: string) {
    return this.db.recoveryCode.findUnique({ where: { id: hash }, select: { ownerId: true, usedAt: true } });
  }

  unusedRecoveryCodes(ownerId: string) {
    return this.db.recoveryCode.count({ where: { ownerId, usedAt: null } });
  }

  private async insertDevice(tx: Pick<Db, "device" | "passkey" | "session">, d: NewDevice) {
    await tx.device.create({ data: d.device });
    if (d.passkey) await tx.passkey.create({ data: fromPasskey(d.passkey) });
    await tx.session.create({ data: d.session });
  }
}
