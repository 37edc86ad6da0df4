import https from "node:https";
import tls from "node:tls";

export type PushTarget = { endpoint: string; keys: { p256dh: string; auth: string } };
export type VapidDetails = { subject: string; publicKey: string; privateKey: string };
export type SendOptions = { ttlSeconds: number; urgency: "normal" | "high" };
/** gone: the push service says this subscription no longer exists (404/410), so it is deleted. */
export type SendResult = { ok: true } | { ok: false; gone: boolean; status: number | null; error: string };

/** The adapter the notifier sends through: web push in PCC, a fake in unit tests. */
export interface PushSender {
  send(target: PushTarget, payload: string, opts: SendOptions): Promise<SendResult>;
}

/** How long one push may sit on a silent socket before it is given up (web-push's socket timeout). */
export const SEND_TIMEOUT_MS = 10_000;

/**
 * Web push (RFC 8030/8291/8292) through the web-push library: the payload encrypted to the browser's
 * keys (aes128gcm), a VAPID JWT signed with PCC's key, over HTTPS to the subscription's push service.
 * Never throws: every failure becomes a result, because a push is a side effect of something that
 * already happened and must not take it (or PCC) down.
 */
export class WebPushSender implements PushSender {
  private readonly agent: https.Agent;
  private readonly timeoutMs: number;

  constructor(
    private readonly vapid: () => Promise<VapidDetails>,
    opts: { timeoutMs?: number; extraCa?: string | null } = {},
  ) {
    this.timeoutMs = opts.timeoutMs ?? SEND_TIMEOUT_MS;
    // The tests' push-service stand-in has its own CA (PCC_PUSH_EXTRA_CA); real ones use public CAs.
    this.agent = new https.Agent({ keepAlive: true, maxSockets: 8, ...(opts.extraCa ? { ca: [...tls.rootCertificates, opts.extraCa] } : {}) });
  }

  async send(target: PushTarget, payload: string, opts: SendOptions): Promise<SendResult> {
    // Loaded on the first push, not at boot: about 11 MB that a PCC whose owner never enabled
    // notifications would carry for nothing.
    const { default: webpush } = await import("web-push");
    try {
      const res = await webpush.sendNotification(target, payload, {
        vapidDetails: await this.vapid(),
        contentEncoding: "aes128gcm",
        TTL: opts.ttlSeconds,
        urgency: opts.urgency,
        timeout: this.timeoutMs,
        agent: this.agent,
      });
      return res.statusCode >= 200 && res.statusCode < 300 ? { ok: true } : { ok: false, gone: false, status: res.statusCode, error: `status ${res.statusCode}` };
    } catch (e) {
      if (e instanceof webpush.WebPushError) {
        // The body is the push service's words; a short piece helps the log, more may echo our request.
        return { ok: false, gone: e.statusCode === 404 || e.statusCode === 410, status: e.statusCode, error: `status ${e.statusCode}: ${String(e.body ?? "").slice(0, 120)}` };
      }
      return { ok: false, gone: false, status: null, error: (e as Error).message ?? String(e) };
    }
  }
}

/** For logs: the push service's host and the last characters of the path, never the whole capability URL. */
export function endpointHint(endpoint: string): string {
  try {
    const u = new URL(endpoint);
    return `${u.host}/…${u.pathname.slice(-6)}`;
  } catch {
    return "(invalid endpoint)";
  }
}
