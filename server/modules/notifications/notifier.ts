import type { PushRepository, PushSubscriptionRow } from "../../adapters/db/push-repository";
import type { EventBus, PccEvents } from "../../events";
import type { Logger } from "../../logger";
import { DOWN_STATES, messageFor, type NotifyEvent, type PushMessage } from "./messages";
import { endpointHint, type PushSender, type SendOptions } from "./push-sender";

/** One "app down" per app in this window: a flapping app (unhealthy, running, unhealthy...) says it once. */
export const DOWN_DEBOUNCE_MS = 30 * 60_000;
// A day: news older than that is no news (the shell shows the current state anyway).
const TTL_SECONDS = 24 * 3600;

export type Delivery = { sent: number; removed: number; failed: number };

export type NotifierDeps = {
  repo: PushRepository;
  sender: PushSender;
  log: Logger;
  /** The app's display name and whether it has a web page, or null if it is not (or no longer) installed. */
  appInfo: (appId: string) => Promise<{ name: string; web: boolean } | null>;
  now?: () => number;
};

/**
 * Turns what happens on the event bus into pushes to the owner's subscribed browsers. Sending never
 * throws and never blocks the emitter: each event's delivery runs on its own, failures are logged
 * (push service host only, never the endpoint's capability path) and a subscription the push service
 * calls gone (404/410) is deleted.
 */
export class Notifier {
  private readonly lastDown = new Map<string, number>();
  private readonly pending = new Set<Promise<unknown>>();
  private readonly now: () => number;

  constructor(private readonly d: NotifierDeps) {
    this.now = d.now ?? Date.now;
  }

  private offs: (() => void)[] = [];

  /** Listens on the bus until stop(). */
  start(events: Pick<EventBus, "subscribe">) {
    this.offs = [
      events.subscribe("app.done", (payload) => this.track(this.onDone(payload))),
      events.subscribe("app.state", (payload) => this.track(this.onState(payload))),
      events.subscribe("device.joined", (payload) => this.track(this.notify({ kind: "device.joined", payload }))),
    ];
  }

  /** Stops listening: PCC stopping its apps at shutdown is not "app down" news. */
  stop() {
    for (const off of this.offs.splice(0)) off();
  }

  /** Resolves when every delivery started so far has finished (tests, and a graceful stop). */
  async settled(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  /** Sends one message to the given subscriptions (all of them by default). */
  async deliver(message: PushMessage, targets?: PushSubscriptionRow[], opts: Partial<SendOptions> = {}): Promise<Delivery> {
    const subs = targets ?? (await this.d.repo.list());
    const payload = JSON.stringify(message);
    // Each subscription on its own: one broken push service (or a failed delete) spoils no other delivery.
    const results = await Promise.all(
      subs.map(async (s) => {
        const where = endpointHint(s.endpoint);
        try {
          const r = await this.d.sender.send({ endpoint: s.endpoint, keys: { p256dh: s.p256dh, auth: s.auth } }, payload, { ttlSeconds: TTL_SECONDS, urgency: "normal", ...opts });
          if (r.ok) return "sent" as const;
          if (r.gone) {
            await this.d.repo.removeEndpoint(s.endpoint);
            this.d.log.info({ push: where, status: r.status, deviceId: s.deviceId }, "push subscription expired; removed");
            return "removed" as const;
          }
          this.d.log.warn({ push: where, status: r.status, error: r.error, tag: message.tag }, "push notification not delivered");
        } catch (err) {
          this.d.log.error({ push: where, err, tag: message.tag }, "push notification failed");
        }
        return "failed" as const;
      }),
    );
    return { sent: count(results, "sent"), removed: count(results, "removed"), failed: count(results, "failed") };
  }

  private async onDone(payload: PccEvents["app.done"]) {
    const info = await this.d.appInfo(payload.appId);
    await this.notify({ kind: "app.done", payload, appName: info?.name ?? payload.appId, web: info?.web ?? true });
  }

  private async onState(payload: PccEvents["app.state"]) {
    if (!DOWN_STATES.has(payload.status)) return;
    // Debounced before anything else: a storm of state changes costs nothing.
    const last = this.lastDown.get(payload.appId);
    if (last !== undefined && this.now() - last < DOWN_DEBOUNCE_MS) return;
    this.lastDown.set(payload.appId, this.now());
    await this.notify({ kind: "app.state", payload, appName: await this.nameOf(payload.appId) });
  }

  private async nameOf(appId: string) {
    return (await this.d.appInfo(appId))?.name ?? appId;
  }

  private async notify(e: NotifyEvent) {
    const message = messageFor(e);
    if (!message) return;
    // App down is what the owner must see even on a phone in power saving.
    const urgency = e.kind === "app.state" ? "high" : "normal";
    await this.deliver(message, undefined, { urgency });
  }

  private track(p: Promise<unknown>) {
    const guarded = p.catch((err: unknown) => this.d.log.error({ err }, "push notification failed"));
    this.pending.add(guarded);
    void guarded.finally(() => this.pending.delete(guarded));
  }
}

const count = <T>(xs: T[], x: T) => xs.filter((y) => y === x).length;
