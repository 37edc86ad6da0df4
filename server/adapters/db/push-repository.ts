import type { Db } from "./db";

export type StoredVapidKey = { publicKey: string; sealedPrivateKey: string };
export type PushSubscriptionRow = { id: string; deviceId: string; endpoint: string; p256dh: string; auth: string; browser: string; createdAt: Date };
export type PushSubscriptionWithDevice = PushSubscriptionRow & { deviceName: string };

/** PCC's VAPID key and the owner's push subscriptions (server/modules/notifications). */
export interface PushRepository {
  vapidKey(): Promise<StoredVapidKey | null>;
  /** Stores the key unless one exists; returns whichever is stored, so two first starts agree. */
  keepVapidKey(k: StoredVapidKey): Promise<StoredVapidKey>;
  /** By endpoint: the same browser subscribing again (or from another device) replaces its row. */
  upsert(s: Omit<PushSubscriptionRow, "createdAt">): Promise<void>;
  list(deviceId?: string): Promise<PushSubscriptionWithDevice[]>;
  /** Returns whether a row was removed. */
  removeEndpoint(endpoint: string): Promise<boolean>;
}

export class PrismaPushRepository implements PushRepository {
  constructor(private readonly db: Db) {}

  async vapidKey() {
    const r = await this.db.pushVapidKey.findUnique({ where: { id: "vapid" } });
    return r ? { publicKey: r.publicKey, sealedPrivateKey: r.privateKey } : null;
  }

  async keepVapidKey(k: StoredVapidKey) {
    // createMany + skipDuplicates is not on SQLite; an upsert that updates nothing keeps the first key.
    const r = await this.db.pushVapidKey.upsert({ where: { id: "vapid" }, create: { id: "vapid", publicKey: k.publicKey, privateKey: k.sealedPrivateKey }, update: {} });
    return { publicKey: r.publicKey, sealedPrivateKey: r.privateKey };
  }

  async upsert(s: Omit<PushSubscriptionRow, "createdAt">) {
    // The row keeps its id; who owns it and its keys are the latest subscriber's.
    const { deviceId, p256dh, auth, browser } = s;
    await this.db.pushSubscription.upsert({ where: { endpoint: s.endpoint }, create: s, update: { deviceId, p256dh, auth, browser, createdAt: new Date() } });
  }

  async list(deviceId?: string) {
    const rows = await this.db.pushSubscription.findMany({ where: deviceId ? { deviceId } : {}, include: { device: { select: { name: true } } }, orderBy: { createdAt: "asc" } });
    return rows.map(({ device, ...r }) => ({ ...r, deviceName: device.name }));
  }

  async removeEndpoint(endpoint: string) {
    return (await this.db.pushSubscription.deleteMany({ where: { endpoint } })).count > 0;
  }
}
