import { sign, verify, type KeyObject } from "node:crypto";
import { z } from "zod";
import { DomainError } from "../../errors";
import type { AppSpec } from "../spec";
import { appId } from "../spec/spec-fields";
import { publicKeyObject } from "./source-index";

/**
 * Licence keys of paid apps (documented in apps-catalog/README.md, "Paid apps"), checked offline against
 * the Ed25519 public key in the app's `license.publicKey`:
 *
 *   PCCL1.<base64url of the payload's JSON bytes>.<base64url of the 64-byte signature>
 *
 * The signature covers "pcc.licence/v1\n" followed by those exact payload bytes. The payload is
 * { v: 1, app, licence, buyer?, issued, expires? }: the app id it unlocks, the developer's id for this
 * licence, who bought it, when it was issued and, optionally, when it stops working (ISO 8601 times).
 */
export const LICENCE_PREFIX = "PCCL1";
const DOMAIN = "pcc.licence/v1\n";
const MAX_KEY_CHARS = 2048;

const payloadSchema = z.strictObject({
  v: z.literal(1),
  app: appId,
  licence: z.string().min(1).max(100).regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces"),
  buyer: z.string().max(200).optional(),
  issued: z.iso.datetime({ offset: true }),
  expires: z.iso.datetime({ offset: true }).optional(),
});
export type LicencePayload = z.infer<typeof payloadSchema>;
export type Licence = { key: string; payload: LicencePayload };

export class LicenceError extends Error {}

const B64URL = /^[A-Za-z0-9_-]+$/;
const message = (bytes: Buffer) => Buffer.concat([Buffer.from(DOMAIN, "utf8"), bytes]);

/** Makes a licence key (scripts/issue-licence.ts): the developer signs with the private half of the app's key. */
export function issueLicence(privateKey: KeyObject, payload: LicencePayload): string {
  const parsed = payloadSchema.parse(payload);
  const bytes = Buffer.from(JSON.stringify(parsed), "utf8");
  return `${LICENCE_PREFIX}.${bytes.toString("base64url")}.${sign(null, message(bytes), privateKey).toString("base64url")}`;
}

/** Checks a licence key against an app id and its developer's key; throws LicenceError saying what is wrong. */
export function verifyLicence(text: string, app: { id: string; publicKey: string }, now = new Date()): Licence {
  // Keys get pasted from mails and web pages: spaces and line breaks are not part of one.
  const key = text.replace(/\s+/g, "");
  if (key.length > MAX_KEY_CHARS) throw new LicenceError("That is not a PCC licence key: it is far too long.");
  const parts = key.split(".");
  if (parts.length !== 3 || parts[0] !== LICENCE_PREFIX || !B64URL.test(parts[1]!) || !B64URL.test(parts[2]!)) {
    throw new LicenceError(`That is not a PCC licence key (one looks like ${LICENCE_PREFIX}.xxxx.yyyy).`);
  }
  const bytes = Buffer.from(parts[1]!, "base64url");
  const sig = Buffer.from(parts[2]!, "base64url");
  // Strict base64url: one key has exactly one spelling.
  if (bytes.toString("base64url") !== parts[1] || sig.toString("base64url") !== parts[2] || sig.length !== 64) {
    throw new LicenceError("That licence key is damaged (was it copied whole?).");
  }
  let ok = false;
  try {
    ok = verify(null, message(bytes), publicKeyObject(app.publicKey), sig);
  } catch {
    ok = false;
  }
  if (!ok) throw new LicenceError("That licence key was not issued by this app's developer: its signature does not match the app's key. Was it copied whole?");
  let payload: LicencePayload;
  try {
    payload = payloadSchema.parse(JSON.parse(bytes.toString("utf8")));
  } catch {
    throw new LicenceError("That licence key is signed by the developer but its contents are not a PCC licence; ask the developer for a new one.");
  }
  if (payload.app !== app.id) throw new LicenceError(`That licence key is for the app "${payload.app}", not this one.`);
  if (payload.expires && Date.parse(payload.expires) <= now.getTime()) throw new LicenceError(`That licence key expired on ${payload.expires.slice(0, 10)}.`);
  return { key, payload };
}

/**
 * What installing asks of a paid app: a licence key that verifies, or a refusal that says how to get one.
 * Free apps need none (a key given anyway is ignored). Returns the accepted licence, or null.
 */
export function checkLicence(spec: AppSpec, key: string | undefined, now = new Date()): Licence | null {
  if (!spec.license) return null;
  const { price, purchaseUrl, publicKey } = spec.license;
  const cost = `${spec.name} costs ${price.amount} ${price.currency}`;
  if (!key?.trim()) {
    throw new DomainError("INVALID_INPUT", `${cost}. Buy it at ${purchaseUrl}, then install it with the licence key you get. Nothing was installed.`, { licence: "required" });
  }
  try {
    return verifyLicence(key, { id: spec.id, publicKey }, now);
  } catch (e) {
    if (!(e instanceof LicenceError)) throw e;
    throw new DomainError("INVALID_INPUT", `${e.message} ${cost} (${purchaseUrl}). Nothing was installed.`, { licence: "invalid" });
  }
}
