import dns from "node:dns";
import fs from "node:fs";
import { DomainError, toMessage } from "../../errors";
import type { Logger } from "../../logger";
import { execRunner } from "./command-runner";
import type { AppNetRule, ApplyResult, CommandRunner, Firewall, HostResolver, Unresolved } from "./firewall";
import { legacyChainPrefix, parseFilterSave, planLegacyTeardown } from "./legacy-iptables";
import { appendable, buildAppendScript, buildScript, removeScript, tableName } from "./nft-script";
import { blockedBy, classifyHost, validateApps, type ResolvedApp } from "./ruleset";

export type NftFirewallOptions = {
  /** Anything unique to this PCC (its data dir, say); hashed into the table name. */
  instanceId: string;
  log: Logger;
  run?: CommandRunner;
  /** Tests pass their own so that no real DNS server is ever asked. */
  resolve?: HostResolver;
  /** Per command; nft answers in milliseconds. */
  timeoutMs?: number;
  /** Where the kernel shows IPv6 support; absent means IPv6 is compiled out or disabled at boot. */
  ipv6ProcPath?: string;
};

const RESOLVE_TIMEOUT_MS = 5_000;
const ATTEMPTS = 3;

/** IPv4 addresses from the system resolver (hosts file included), bounded in time. */
export const systemResolver: HostResolver = (host) =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("lookup timed out")), RESOLVE_TIMEOUT_MS);
    dns.promises.lookup(host, { all: true, family: 4 }).then(
      (addrs) => (clearTimeout(timer), resolve(addrs.map((a) => a.address))),
      (e: unknown) => (clearTimeout(timer), reject(e instanceof Error ? e : new Error(String(e)))),
    );
  });

/**
 * PCC's firewall as nftables tables of its own (nft-script.ts has the design). Every apply writes the
 * whole ruleset in one `nft -f` transaction: one process per change, both families at once, and no read
 * of the kernel's state first, because a replacement does not depend on what was there.
 */
export class NftFirewall implements Firewall {
  readonly table: string;
  private readonly run: CommandRunner;
  private readonly resolve: HostResolver;
  private readonly timeoutMs: number;
  private readonly ipv6ProcPath: string;
  private last: AppNetRule[] | null = null;
  // A name that resolved once keeps its addresses through a DNS outage rather than cutting the app off.
  private readonly lastGood = new Map<string, string[]>();
  private queue: Promise<unknown> = Promise.resolve();
  private legacyGone = false;
  /** What this process last wrote to the kernel, and in which IPv6 mode: the base an append builds on. */
  private written: { apps: ResolvedApp[]; ipv6: ApplyResult["ipv6"] } | null = null;

  constructor(private readonly opts: NftFirewallOptions) {
    this.table = tableName(opts.instanceId);
    this.run = opts.run ?? execRunner;
    this.resolve = opts.resolve ?? systemResolver;
    this.timeoutMs = opts.timeoutMs ?? 15_000;
    this.ipv6ProcPath = opts.ipv6ProcPath ?? "/proc/sys/net/ipv6";
  }

  apply(apps: AppNetRule[]) {
    return this.serial(async () => {
      validateApps(apps);
      // Remembered before writing, so that a refresh retries the wanted state after a failure.
      this.last = structuredClone(apps);
      return this.write(apps, true);
    });
  }

  /** Re-resolves the host grants of the last apply and writes the tables again (repairing any meddling). */
  refresh() {
    return this.serial(async (): Promise<ApplyResult> => (this.last ? this.write(this.last, false) : { unresolved: [], ipv6: this.ipv6Mode() }));
  }

  startRefresh(intervalMs = 5 * 60_000) {
    const timer = setInterval(() => {
      this.refresh().catch((e: unknown) => this.opts.log.error({ err: toMessage(e) }, "Firewall refresh failed"));
    }, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  teardown() {
    return this.serial(async () => {
      this.last = null;
      this.written = null;
      await this.nft(removeScript(this.table, { ipv6: this.ipv6Mode() === "enforced" }));
      await this.removeLegacy();
    });
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const next = this.queue.catch(() => undefined).then(task);
    this.queue = next;
    return next;
  }

  private ipv6Mode(): ApplyResult["ipv6"] {
    return fs.existsSync(this.ipv6ProcPath) ? "enforced" : "disabled-in-kernel";
  }

  /**
   * Writes the tables for these apps: whole, or (`mayAppend`) by adding only the new apps' rules when that
   * is all that changed since this process last wrote them, which is an install's common case and several
   * times faster (nft-script.ts, buildAppendScript). If an append is refused (the tables were meddled with),
   * the whole tables are written instead; the periodic refresh always writes them whole.
   */
  private async write(apps: AppNetRule[], mayAppend: boolean): Promise<ApplyResult> {
    const { resolved, unresolved } = await this.resolveGrants(apps);
    const ipv6 = this.ipv6Mode();
    const opts = { ipv6: ipv6 === "enforced" };
    const before = this.written?.ipv6 === ipv6 ? this.written.apps : null;
    this.written = null;
    const tables = async () => {
      if (mayAppend && before && appendable(before, resolved)) {
        const ids = new Set(before.map((a) => a.appId));
        const r = await this.exec("nft", ["-f", "-"], buildAppendScript(this.table, before, resolved.filter((a) => !ids.has(a.appId)), opts));
        if (r.code === 0) return;
        this.opts.log.warn({ stderr: r.stderr.trim().slice(0, 400) }, "Could not add to the firewall's tables; writing them whole");
      }
      await this.nft(buildScript(this.table, resolved, opts));
    };
    await Promise.all([tables(), this.legacyGone ? null : this.removeLegacy()]);
    // With no app the tables were removed: known to be absent, which an append can build on too.
    this.written = { apps: structuredClone(resolved), ipv6 };
    return { unresolved, ipv6 };
  }

  /** One transaction. A refusal is retried (a concurrent writer can make the kernel turn one away), then worded. */
  private async nft(script: string) {
    for (let attempt = 1; ; attempt++) {
      const r = await this.exec("nft", ["-f", "-"], script);
      if (r.code === 0) return;
      if (attempt >= ATTEMPTS) throw new DomainError("EXTERNAL_FAILURE", `nft refused PCC's firewall rules: ${r.stderr.trim().slice(0, 400) || `exit code ${r.code}`}`);
      this.opts.log.debug({ stderr: r.stderr.trim() }, "Firewall transaction refused; retrying");
    }
  }

  /**
   * The iptables chains of a PCC from before the nftables tables, removed once (legacy-iptables.ts).
   * Those rules could only ever narrow what apps reach, so a failure here is logged and retried at the
   * next write rather than failing this one.
   */
  private async removeLegacy() {
    const prefix = legacyChainPrefix(this.opts.instanceId);
    const families = this.ipv6Mode() === "enforced" ? ["iptables", "ip6tables"] : ["iptables"];
    try {
      await Promise.all(
        families.map(async (tool) => {
          const saved = await this.run(`${tool}-save`, ["-t", "filter"], { timeoutMs: this.timeoutMs });
          if (saved.code !== 0) throw new Error(`${tool}-save: ${saved.stderr.trim() || `exit code ${saved.code}`}`);
          const script = planLegacyTeardown(parseFilterSave(saved.stdout), prefix);
          if (!script) return;
          const r = await this.run(`${tool}-restore`, ["-w", "5", "--noflush"], { input: script, timeoutMs: this.timeoutMs });
          if (r.code !== 0) throw new Error(`${tool}-restore: ${r.stderr.trim() || `exit code ${r.code}`}`);
          this.opts.log.info({ tool, prefix }, "Removed the iptables chains of an earlier PCC version");
        }),
      );
      this.legacyGone = true;
    } catch (e) {
      // No iptables at all: there can be no chains of an earlier PCC.
      if ((e as NodeJS.ErrnoException).code === "ENOENT") this.legacyGone = true;
      else this.opts.log.warn({ err: toMessage(e) }, "Could not remove the iptables chains of an earlier PCC version; retrying at the next change");
    }
  }

  /** Host grants → addresses. Bad or blocked entries are reported, never fatal and never interpolated. */
  private async resolveGrants(apps: AppNetRule[]) {
    const unresolved: Unresolved[] = [];
    const names = new Set<string>();
    for (const a of apps) if (typeof a.egress === "object") for (const h of a.egress.hosts) {
      const k = classifyHost(h);
      if (k.kind === "name") names.add(k.name);
    }
    for (const name of this.lastGood.keys()) if (!names.has(name)) this.lastGood.delete(name);
    const lookups = new Map<string, { addrs: string[] } | { error: string }>();
    await Promise.all(
      [...names].map(async (name) => {
        try {
          const addrs = await this.resolve(name);
          this.lastGood.set(name, addrs);
          lookups.set(name, { addrs });
        } catch (e) {
          const kept = this.lastGood.get(name);
          if (kept) this.opts.log.warn({ host: name, err: toMessage(e) }, "Could not resolve an egress host; keeping its last known addresses");
          lookups.set(name, kept ? { addrs: kept } : { error: `could not be resolved (${toMessage(e)})` });
        }
      }),
    );

    const resolved: ResolvedApp[] = apps.map((a) => {
      if (typeof a.egress !== "object") return { ...a, allow: [] };
      const allow: string[] = [];
      for (const host of a.egress.hosts) {
        const k = classifyHost(host);
        const found = k.kind === "ip" ? { addrs: [k.ip] } : k.kind === "name" ? lookups.get(k.name)! : { error: k.reason };
        if ("error" in found) {
          unresolved.push({ appId: a.appId, host: String(host), reason: found.error });
          continue;
        }
        const usable = found.addrs.filter((ip) => blockedBy(ip, a.lan) === null);
        if (!usable.length) {
          const why = found.addrs.length ? `only reaches blocked addresses (${found.addrs.map((ip) => `${ip} in ${blockedBy(ip, a.lan)}`).join(", ")})` : "has no IPv4 address";
          unresolved.push({ appId: a.appId, host: String(host), reason: why });
        }
        allow.push(...usable);
      }
      return { ...a, allow };
    });
    if (unresolved.length) this.opts.log.warn({ unresolved }, "Some egress hosts give apps no address");
    return { resolved, unresolved };
  }

  private async exec(file: string, args: string[], input?: string) {
    try {
      return await this.run(file, args, { input, timeoutMs: this.timeoutMs });
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === "ENOENT") throw new DomainError("EXTERNAL_FAILURE", `${file} is not installed, so PCC cannot protect app networks (Debian package: nftables).`);
      const killed = (e as { killed?: boolean }).killed === true;
      if (killed) throw new DomainError("EXTERNAL_FAILURE", `${file} did not finish within ${Math.round(this.timeoutMs / 1000)} s and was stopped.`);
      throw new DomainError("EXTERNAL_FAILURE", `PCC could not run ${file}: ${toMessage(e)}`);
    }
  }
}
