import type { PushRepository, PushSubscriptionRow, StoredVapidKey } from "../adapters/db/push-repository";

/** PushRepository in memory, for unit tests: device names come from `devices`. */
export class MemoryPushRepository implements PushRepository {
  key: StoredVapidKey | null = null;
  readonly rows = new Map<string, PushSubscriptionRow>();
  constructor(readonly devices = new Map<string, string>()) {}

  async vapidKey() {
    return this.key;
  }
  async keepVapidKey(k: StoredVapidKey) {
    this.key ??= k;
    return this.key;
  }
  async upsert(s: Omit<PushSubscriptionRow, "createdAt">) {
    const old = this.rows.get(s.endpoint);
    this.rows.set(s.endpoint, { ...s, id: old?.id ?? s.id, createdAt: new Date() });
  }
  async list(deviceId?: string) {
    return [...this.rows.values()].filter((r) => !deviceId || r.deviceId === deviceId).map((r) => ({ ...r, deviceName: this.devices.get(r.deviceId) ?? r.deviceId }));
  }
  async removeEndpoint(endpoint: string) {
    return this.rows.delete(endpoint);
  }
}
