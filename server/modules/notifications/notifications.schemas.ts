import { z } from "zod";

const B64URL = /^[A-Za-z0-9_-]+={0,2}$/;

/** base64url (padding tolerated, as some browsers add it) that decodes to exactly `bytes` bytes. */
const keyOf = (bytes: number, what: string, check: (b: Buffer) => boolean = () => true) =>
  z
    .string()
    .max(200)
    .regex(B64URL, `${what} must be base64url`)
    .refine((v) => {
      const b = Buffer.from(v.replace(/=+$/, ""), "base64url");
      return b.length === bytes && check(b);
    }, `${what} must be ${bytes} bytes`);

/**
 * A push service URL as browsers hand it out: https only (the payload is encrypted, but the VAPID
 * token and the capability path must not travel in the clear), no user info, bounded length.
 */
export const pushEndpoint = z
  .string()
  .max(2048)
  .refine((v) => {
    try {
      const u = new URL(v);
      return u.protocol === "https:" && !u.username && !u.password && u.hostname.length > 0;
    } catch {
      return false;
    }
  }, "must be an https:// push service URL");

/** PushSubscription.toJSON() from the browser: the endpoint and the keys payloads are encrypted to. */
export const pushSubscription = z.object({
  endpoint: pushEndpoint,
  expirationTime: z.number().nullable().optional(),
  keys: z.object({
    // An uncompressed P-256 point: 65 bytes starting with 0x04.
    p256dh: keyOf(65, "keys.p256dh", (b) => b[0] === 4),
    auth: keyOf(16, "keys.auth"),
  }),
});

export type PushSubscriptionInput = z.infer<typeof pushSubscription>;
