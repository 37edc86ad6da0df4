import { sha256 } from "@oslojs/crypto/sha2";
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from "@oslojs/encoding";
import { timingSafeEqual } from "node:crypto";

/** 160 bits of randomness, base32: session tokens and app credentials. */
export function randomToken(bytes = 20): string {
  const b = new Uint8Array(bytes);
  crypto.getRandomValues(b);
  return encodeBase32LowerCaseNoPadding(b);
}

/** Sessions are stored under the hash of their token, so a leaked database holds no usable cookie. */
export const hashToken = (token: string) => encodeHexLowerCase(sha256(new TextEncoder().encode(token)));

// No 0/O, 1/I/L: codes are read off a console and typed on a phone.
const CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/** A human-typable one-time code like "K7QM-4XPA" (about 40 bits). */
export function humanCode(): string {
  const b = new Uint8Array(8);
  crypto.getRandomValues(b);
  const chars = Array.from(b, (x) => CODE_ALPHABET[x % CODE_ALPHABET.length]);
  return `${chars.slice(0, 4).join("")}-${chars.slice(4).join("")}`;
}

export const normalizeCode = (code: string) => code.toUpperCase().replace(/[^A-Z0-9]/g, "");

export function sameSecret(a: string, b: string) {
  const x = Buffer.from(hashToken(a));
  const y = Buffer.from(hashToken(b));
  return timingSafeEqual(x, y);
}
