import { randomUUID } from "node:crypto";
import { isIP } from "node:net";
import type { PushRepository } from "../../adapters/db/push-repository";
import { isPrivateName } from "../../config";
import { DomainError } from "../../errors";
import type { AuditService } from "../audit/audit.service";
import { actorOf } from "../identity/identity-core";
import type { ClientInfo } from "../identity/rate-limit";
import type { Session } from "../identity/sessions";
import { describeUserAgent } from "../identity/user-agent";
import { TEST_MESSAGE } from "./messages";
import type { PushSubscriptionInput } from "./notifications.schemas";
import type { Delivery, Notifier } from "./notifier";
import type { VapidKeys } from "./vapid-keys";

/** A device has a few browsers (and profiles) at most; more is a script filling the table. */
export const MAX_PER_DEVICE = 10;

export type SubscriptionView = { id: string; device: string; current: boolean; browser: string; service: string; createdAt: Date };

/** The owner's side of notifications: PCC's public key, subscribing this device, listing, a test push. */
export class NotificationsService {
  constructor(
    private readonly d: {
      repo: PushRepository;
      vapid: VapidKeys;
      notifier: Notifier;
      audit: Pick<AuditService, "record">;
      /** Test-only (with PCC_PUSH_EXTRA_CA): the tests' push-service stand-in listens on 127.0.0.1. */
      allowLoopbackEndpoints?: boolean;
    },
  ) {}

  /** The applicationServerKey browsers subscribe with (base64url, uncompressed P-256 point). */
  async publicKey() {
    return { publicKey: await this.d.vapid.publicKey() };
  }

  /** Stores this browser's subscription under the session's device: revoking the device removes it. */
  async subscribe(session: Session, sub: PushSubscriptionInput, client: ClientInfo) {
    const deviceId = this.deviceOf(session);
    if (!isPushServiceHost(new URL(sub.endpoint).hostname, this.d.allowLoopbackEndpoints ?? false)) {
      throw new DomainError("INVALID_INPUT", "That is not the address of a push service.");
    }
    const mine = await this.d.repo.list(deviceId);
    if (!mine.some((s) => s.endpoint === sub.endpoint) && mine.length >= MAX_PER_DEVICE) {
      throw new DomainError("CONFLICT", `This device already has ${MAX_PER_DEVICE} browsers with notifications on. Turn one off first.`);
    }
    const browser = describeUserAgent(client.userAgent);
    await this.d.repo.upsert({ id: randomUUID(), deviceId, endpoint: sub.endpoint, p256dh: sub.keys.p256dh, auth: sub.keys.auth, browser });
    await this.d.audit.record({ action: "notifications.subscribed", actor: actorOf(session), ip: client.ip, details: { deviceId, browser, service: new URL(sub.endpoint).host } });
    return { ok: true as const };
  }

  async unsubscribe(session: Session, endpoint: string, client: ClientInfo) {
    const removed = await this.d.repo.removeEndpoint(endpoint);
    if (removed) await this.d.audit.record({ action: "notifications.unsubscribed", actor: actorOf(session), ip: client.ip, details: { service: new URL(endpoint).host } });
    return { removed };
  }

  /** Every subscription, by device; the push service by host only (the URL's path is a capability). */
  async list(session: Session): Promise<SubscriptionView[]> {
    return (await this.d.repo.list()).map((s) => ({
      id: s.id,
      device: s.deviceName,
      current: s.deviceId === session.deviceId,
      browser: s.browser,
      service: new URL(s.endpoint).host,
      createdAt: s.createdAt,
    }));
  }

  /** A test push to this device's subscriptions; says how many went out (and how many had expired). */
  async test(session: Session): Promise<Delivery> {
    const mine = await this.d.repo.list(this.deviceOf(session));
    if (!mine.length) throw new DomainError("CONFLICT", "Turn on notifications on this device first.");
    return this.d.notifier.deliver(TEST_MESSAGE, mine, { urgency: "high" });
  }

  private deviceOf(session: Session): string {
    if (!session.deviceId) throw new DomainError("CONFLICT", "Sign in again on this device to turn on notifications.");
    return session.deviceId;
  }
}

/**
 * Browsers' push services are public hosts with names (fcm.googleapis.com, updates.push.services.mozilla.com,
 * web.push.apple.com, ...). An address or a private name would have PCC post into its own network on
 * every event, so neither is taken (a name that resolves to a private address is not caught here).
 */
export function isPushServiceHost(hostname: string, allowLoopback: boolean): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (allowLoopback && (host === "127.0.0.1" || host === "::1")) return true;
  return isIP(host) === 0 && host.includes(".") && !isPrivateName(host);
}
