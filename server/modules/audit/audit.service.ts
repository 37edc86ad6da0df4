import type { AuditRepository, AuditRow } from "../../adapters/db/audit-repository";
import type { Logger } from "../../logger";
import { ChainVerifier, entryHash, GENESIS_HASH, type ChainStatus } from "./audit-chain";

/** Actions PCC records; other modules may add their own names ("app.<verb>"). */
export type AuditAction =
  | "owner.claimed"
  | "signin.passkey"
  | "signin.code"
  | "signout"
  | "login-code.issued"
  | "device.paired"
  | "device.renamed"
  | "device.revoked"
  | "session.ended"
  | "passkey.added"
  | "recovery.used"
  | "recovery.regenerated"
  | "app.installed"
  | "app.removed"
  | "app.permissions"
  | (string & {});

/** Who did it: "device:<id>", "cli" (root on the machine), "system" or "anonymous". */
export type AuditInput = { action: AuditAction; actor: string; ip?: string | null; details?: Record<string, unknown> };

export type AuditEntryView = { seq: number; at: Date; action: string; actor: string; ip: string | null; details: Record<string, unknown>; hash: string };

const PAGE = 500;

/**
 * The append-only admin audit log. Entries are written one at a time (each needs the previous hash),
 * and the chain is verified at boot and whenever it is shown.
 */
export class AuditService {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly repo: AuditRepository,
    private readonly log: Logger,
    private readonly now = () => new Date(),
  ) {}

  /**
   * Appends an entry. Never throws: the action it records has already happened, and failing the
   * owner's request afterwards would not undo it. A failure is logged as an error instead.
   */
  record(input: AuditInput): Promise<void> {
    const run = this.tail.then(() => this.append(input));
    this.tail = run.catch(() => undefined);
    return run.catch((err) => this.log.error({ err, action: input.action }, "could not write the audit log"));
  }

  private async append(input: AuditInput) {
    const last = await this.repo.last();
    const row = {
      seq: (last?.seq ?? 0) + 1,
      at: this.now(),
      action: input.action,
      actor: input.actor,
      ip: input.ip ?? null,
      details: JSON.stringify(input.details ?? {}),
      prevHash: last?.hash ?? GENESIS_HASH,
    };
    await this.repo.append({ ...row, hash: entryHash(row) });
  }

  async verify(): Promise<ChainStatus> {
    await this.tail;
    const v = new ChainVerifier();
    let after = 0;
    for (;;) {
      const rows = await this.repo.after(after, PAGE);
      for (const r of rows) v.feed(r);
      if (rows.length < PAGE) break;
      after = rows[rows.length - 1]!.seq;
    }
    return v.status;
  }

  /** Newest first, with the chain's state, for the shell and the CLI. */
  async list(opts: { limit?: number; beforeSeq?: number } = {}) {
    const [rows, chain] = await Promise.all([this.tail.then(() => this.repo.latest(opts.limit ?? 100, opts.beforeSeq)), this.verify()]);
    return { entries: rows.map(view), chain };
  }

  /** A broken chain means someone edited the database: say so loudly, but keep the box running. */
  async verifyAtBoot(warn: (message: string) => void) {
    const status = await this.verify();
    if (!status.ok) {
      const message = `WARNING: the audit log has been tampered with: entry ${status.brokenAt} fails verification (${status.reason}). Run ./pcc audit to see it.`;
      this.log.error({ brokenAt: status.brokenAt, reason: status.reason }, "audit log chain broken");
      warn(message);
    }
    return status;
  }
}

function view(r: AuditRow): AuditEntryView {
  let details: Record<string, unknown> = {};
  try {
    details = JSON.parse(r.details) as Record<string, unknown>;
  } catch {
    details = { unreadable: r.details };
  }
  return { seq: r.seq, at: r.at, action: r.action, actor: r.actor, ip: r.ip, details, hash: r.hash };
}
