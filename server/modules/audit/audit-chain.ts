import { sha256 } from "@oslojs/crypto/sha2";
import { encodeHexLowerCase } from "@oslojs/encoding";
import type { AuditRow } from "../../adapters/db/audit-repository";

/** The "previous hash" of the first entry. */
export const GENESIS_HASH = "0".repeat(64);

/**
 * SHA-256 over the entry's content and its predecessor's hash. An array in a fixed order is the
 * canonical form: JSON of an array has one serialization, unlike an object's key order.
 */
export function entryHash(e: Omit<AuditRow, "hash">): string {
  const canonical = JSON.stringify([e.seq, e.at.toISOString(), e.action, e.actor, e.ip, e.details, e.prevHash]);
  return encodeHexLowerCase(sha256(new TextEncoder().encode(canonical)));
}

export type ChainStatus = { ok: true; entries: number } | { ok: false; entries: number; brokenAt: number; reason: string };

/**
 * Checks entries fed oldest first: numbering without gaps from 1, each linked to the previous hash, each
 * hash matching its content. Any edit, deletion or insertion in the middle breaks one of the three.
 */
export class ChainVerifier {
  private prev = { seq: 0, hash: GENESIS_HASH };
  private broken: { seq: number; reason: string } | null = null;
  private count = 0;

  feed(row: AuditRow) {
    this.count++;
    if (this.broken) return;
    if (row.seq !== this.prev.seq + 1) this.broken = { seq: row.seq, reason: `entry ${this.prev.seq + 1} is missing` };
    else if (row.prevHash !== this.prev.hash) this.broken = { seq: row.seq, reason: "it does not link to the entry before it" };
    else if (entryHash(row) !== row.hash) this.broken = { seq: row.seq, reason: "its content does not match its hash (edited)" };
    this.prev = { seq: row.seq, hash: row.hash };
  }

  get status(): ChainStatus {
    return this.broken ? { ok: false, entries: this.count, brokenAt: this.broken.seq, reason: this.broken.reason } : { ok: true, entries: this.count };
  }
}
