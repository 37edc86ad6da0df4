import { describe, expect, it, vi } from "vitest";
import { silentLogger } from "../../testing/fakes";
import { MemoryAuditRepository } from "../../testing/identity-fakes";
import { entryHash, GENESIS_HASH } from "./audit-chain";
import { AuditService } from "./audit.service";

function setup() {
  const clock = { t: Date.parse("2030-01-01T00:00:00Z") };
  const repo = new MemoryAuditRepository();
  const log = silentLogger();
  const audit = new AuditService(repo, log, () => new Date((clock.t += 1000)));
  return { repo, audit, log };
}

async function filled(n = 5) {
  const s = setup();
  for (let i = 1; i <= n; i++) await s.audit.record({ action: "device.renamed", actor: `device:d${i}`, ip: "198.18.0.2", details: { to: `name ${i}` } });
  return s;
}

describe("AuditService", () => {
  it("chains each entry to the previous one with SHA-256, numbering from 1 without gaps", async () => {
    const { repo, audit } = await filled(3);
    expect(repo.rows.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(repo.rows[0]!.prevHash).toBe(GENESIS_HASH);
    expect(repo.rows[1]!.prevHash).toBe(repo.rows[0]!.hash);
    expect(repo.rows[2]!.hash).toBe(entryHash(repo.rows[2]!));
    expect(repo.rows[2]!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await audit.verify()).toEqual({ ok: true, entries: 3 });
  });

  it("concurrent records are written one after another, never forking the chain", async () => {
    const { repo, audit } = setup();
    await Promise.all(Array.from({ length: 20 }, (_, i) => audit.record({ action: "signin.passkey", actor: `device:${i}` })));
    expect(repo.rows.map((r) => r.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect((await audit.verify()).ok).toBe(true);
  });

  it.each([
    ["an edited detail", (rows: MemoryAuditRepository["rows"]) => void (rows[2]!.details = '{"to":"innocent"}'), 3, /edited/],
    ["an edited actor", (rows: MemoryAuditRepository["rows"]) => void (rows[1]!.actor = "cli"), 2, /edited/],
    ["a deleted entry", (rows: MemoryAuditRepository["rows"]) => void rows.splice(2, 1), 4, /missing/],
    [
      "an entry rewritten with a fresh hash",
      (rows: MemoryAuditRepository["rows"]) => {
        rows[1]!.details = "{}";
        rows[1]!.hash = entryHash(rows[1]!);
      },
      3,
      /does not link/,
    ],
  ])("detects %s", async (_what, tamper, brokenAt, reason) => {
    const { repo, audit } = await filled(5);
    tamper(repo.rows);
    const status = await audit.verify();
    expect(status).toMatchObject({ ok: false, brokenAt });
    expect(!status.ok && status.reason).toMatch(reason);
  });

  it("reports a broken chain loudly at boot, without throwing", async () => {
    const { repo, audit, log } = await filled(3);
    repo.rows[0]!.action = "signout";
    const errors = vi.spyOn(log, "error");
    const warn = vi.fn();
    await expect(audit.verifyAtBoot(warn)).resolves.toMatchObject({ ok: false, brokenAt: 1 });
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/audit log has been tampered with: entry 1/));
    expect(errors).toHaveBeenCalled();
    // An intact chain says nothing.
    const intact = await filled(2);
    const quiet = vi.fn();
    await intact.audit.verifyAtBoot(quiet);
    expect(quiet).not.toHaveBeenCalled();
  });

  it("lists newest first with readable details and the chain's state", async () => {
    const { audit } = await filled(4);
    const { entries, chain } = await audit.list({ limit: 2 });
    expect(entries.map((e) => e.seq)).toEqual([4, 3]);
    expect(entries[0]!.details).toEqual({ to: "name 4" });
    expect(chain).toEqual({ ok: true, entries: 4 });
    expect((await audit.list({ limit: 10, beforeSeq: 3 })).entries.map((e) => e.seq)).toEqual([2, 1]);
  });

  it("a failing write is logged, never thrown at the caller, and later writes still chain", async () => {
    const { repo, audit, log } = setup();
    const errors = vi.spyOn(log, "error");
    const append = repo.append.bind(repo);
    repo.append = vi.fn().mockRejectedValueOnce(new Error("disk full")).mockImplementation(append);
    await expect(audit.record({ action: "signout", actor: "device:x" })).resolves.toBeUndefined();
    expect(errors).toHaveBeenCalled();
    await audit.record({ action: "signout", actor: "device:x" });
    expect(repo.rows.map((r) => r.seq)).toEqual([1]);
    expect((await audit.verify()).ok).toBe(true);
  });
});
