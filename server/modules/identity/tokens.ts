import { sha256 } from "@oslojs/crypto/sha2";
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from "@oslojs/encoding";
import { randomInt, timingSafeEqual } from "node:crypto";

/** 160 bits of randomness, base32: session tokens, browser bindings and app credentials. */
export function randomToken(bytes = 20): string {
  const b = new Uint8Array(bytes);
  crypto.getRandomValues(b);
  return encodeBase32LowerCaseNoPadding(b);
}

/** Secrets are stored under their hash, so a leaked database holds no usable cookie or code. */
export const hashToken = (token: string) => encodeHexLowerCase(sha256(new TextEncoder().encode(token)));

// No 0/O, 1/I/L: codes are read off a console or a sheet of paper and typed on a phone.
const CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

function codeChars(n: number): string {
  // randomInt is uniform (no modulo bias), unlike taking bytes modulo 31.
  return Array.from({ length: n }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join("");
}

/** A human-typable one-time code like "K7QM-4XPA": groups of 4 (2 groups ≈ 40 bits, 3 ≈ 59 bits). */
export function humanCode(groups = 2): string {
  return Array.from({ length: groups }, () => codeChars(4)).join("-");
}

/** A short public name for a pending request, shown on screen and typed into the CLI ("ABCD"). */
export const requestId = () => codeChars(4);

/** A 6-digit code two screens show (pairing), compared by a person. */
export const matchCode = () => String(randomInt(1_000_000)).padStart(6, "0");

export const normalizeCode = (code: string) => code.toUpperCase().replace(/[^A-Z0-9]/g, "");

export function sameSecret(a: string, b: string) {
  const x = Buffer.from(hashToken(a));
  const y = Buffer.from(hashToken(b));
  return timingSafeEqual(x, y);
}
