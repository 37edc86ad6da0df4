import dns from "node:dns";
import fs from "node:fs";
import { DomainError, toMessage } from "../../errors";
import type { Logger } from "../../logger";
import { execRunner } from "./command-runner";
import type { AppNetRule, ApplyResult, CommandRunner, Firewall, HostResolver, Unresolved } from "./firewall";
import { parseFilterSave, planApply, planTeardown, inSync } from "./restore-plan";
import { blockedBy, buildV4, buildV6, chainPrefix, classifyHost, validateApps, type ResolvedApp, type Ruleset } from "./ruleset";

export type IptablesFirewallOptions = {
  /** Anything unique to this PCC (its data dir, say); hashed into the chain prefix. */
  instanceId: string;
  log: Logger;
  run?: CommandRunner;
  /** Tests pass their own so that no real DNS server is ever asked. */
  resolve?: HostResolver;
  /** Per command; iptables answers in milliseconds unless something holds its lock. */
  timeoutMs?: number;
  /** Where the kernel shows IPv6 support; absent means IPv6 is compiled out or disabled at boot. */
  ipv6ProcPath?: string;
};

const RESOLVE_TIMEOUT_MS = 5_000;
const ATTEMPTS = 3;

const TOOLS = {
  v4: { save: "iptables-save", restore: "iptables-restore", name: "iptables" },
  v6: { save: "ip6tables-save", restore: "ip6tables-restore", name: "ip6tables" },
} as const;
type Family = keyof typeof TOOLS;

/** IPv4 addresses from the system resolver (hosts file included), bounded in time. */
export const systemResolver: HostResolver = (host) =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("lookup timed out")), RESOLVE_TIMEOUT_MS);
    dns.promises.lookup(host, { all: true, family: 4 }).then(
      (addrs) => (clearTimeout(timer), resolve(addrs.map((a) => a.address))),
      (e: unknown) => (clearTimeout(timer), reject(e instanceof Error ? e : new Error(String(e)))),
    );
  });

class MissingTool extends Error {}

export class IptablesFirewall implements Firewall {
  readonly prefix: string;
  private readonly run: CommandRunner;
  private readonly resolve: HostResolver;
  private readonly timeoutMs: number;
  private readonly ipv6ProcPath: string;
  private last: AppNetRule[] | null = null;
  // A name that resolved once keeps its addresses through a DNS outage rather than cutting the app off.
  private readonly lastGood = new Map<string, string[]>();
  private queue: Promise<unknown> = Promise.resolve();
  private warned = new Set<string>();

  constructor(private readonly opts: IptablesFirewallOptions) {
    this.prefix = chainPrefix(opts.instanceId);
    this.run = opts.run ?? execRunner;
    this.resolve = opts.resolve ?? systemResolver;
    this.timeoutMs = opts.timeoutMs ?? 15_000;
    this.ipv6ProcPath = opts.ipv6ProcPath ?? "/proc/sys/net/ipv6";
  }

  apply(apps: AppNetRule[]) {
    return this.serial(async () => {
      validateApps(apps);
      // Remembered before converging, so that a refresh retries the wanted state after a failure.
      this.last = structuredClone(apps);
      return this.converge(apps, false);
    });
  }

  /** Converges on the last wanted state again, and checks that the kernel shows PCC's rules as PCC wrote them. */
  refresh() {
    return this.serial(async (): Promise<ApplyResult> => (this.last ? this.converge(this.last, true) : { unresolved: [], ipv6: this.ipv6Mode() }));
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
      await this.transact("v4", (state) => planTeardown(state, this.prefix));
      if (this.ipv6Mode() === "enforced") {
        await this.transact("v6", (state) => planTeardown(state, this.prefix)).catch((e: unknown) => {
          if (!(e instanceof MissingTool)) throw e;
        });
      }
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
   * Both families at once: separate tables and tools, so an install waits for the slower of the two, not
   * their sum. `verify` reads each table back after a change (the periodic refresh does; an install or a
   * start does not wait for it).
   */
  private async converge(apps: AppNetRule[], verify: boolean): Promise<ApplyResult> {
    const { resolved, unresolved } = await this.resolveGrants(apps);
    const v4 = buildV4(this.prefix, resolved);
    const mode = this.ipv6Mode();
    const six = async (): Promise<ApplyResult["ipv6"]> => {
      if (mode !== "enforced") return mode;
      const v6 = buildV6(this.prefix, apps);
      try {
        await this.transact("v6", (state) => planApply(state, this.prefix, v6), verify ? v6 : undefined);
        return "enforced";
      } catch (e) {
        if (!(e instanceof MissingTool)) throw e;
        this.warnOnce("ip6tables", "ip6tables is not installed: IPv6 to and from app bridges (link-local included) is not filtered.");
        return "unavailable";
      }
    };
    const [, ipv6] = await Promise.all([this.transact("v4", (state) => planApply(state, this.prefix, v4), verify ? v4 : undefined), six()]);
    return { unresolved, ipv6 };
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

  /**
   * Reads the table, plans, and restores in one transaction. A concurrent writer (netavark, another PCC)
   * can change the table between our read and our write and make a `-D` miss; the whole transaction is
   * then refused by the kernel, so we simply read again and retry.
   */
  private async transact(family: Family, plan: (state: ReturnType<typeof parseFilterSave>) => string | null, want?: Ruleset) {
    const t = TOOLS[family];
    for (let attempt = 1; ; attempt++) {
      const script = plan(await this.save(family));
      if (script === null) return;
      const r = await this.exec(t.restore, ["-w", "5", "--noflush"], script);
      if (r.code === 0) {
        if (want) await this.checkCanonical(family, want);
        return;
      }
      if (attempt >= ATTEMPTS) {
        throw new DomainError("EXTERNAL_FAILURE", `${t.name} refused PCC's firewall rules: ${r.stderr.trim().slice(0, 400) || `exit code ${r.code}`}`);
      }
      this.opts.log.debug({ family, stderr: r.stderr.trim() }, "Firewall transaction refused; retrying on a fresh read");
    }
  }

  private async save(family: Family) {
    const t = TOOLS[family];
    const r = await this.exec(t.save, ["-t", "filter"]);
    if (r.code !== 0) throw new DomainError("EXTERNAL_FAILURE", `${t.save} failed: ${r.stderr.trim().slice(0, 400) || `exit code ${r.code}`}`);
    return parseFilterSave(r.stdout);
  }

  /** Our rules are written in iptables-save's own spelling; if the kernel echoes them differently, every refresh rewrites them. */
  private async checkCanonical(family: Family, want: Ruleset) {
    if (!inSync(await this.save(family), this.prefix, want)) {
      this.warnOnce(`canonical-${family}`, `${TOOLS[family].save} shows PCC's rules differently from how PCC writes them (or another writer moved them); they will be rewritten at every refresh.`);
    }
  }

  private async exec(file: string, args: string[], input?: string) {
    try {
      return await this.run(file, args, { input, timeoutMs: this.timeoutMs });
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === "ENOENT") {
        if (file.startsWith("ip6")) throw new MissingTool(file);
        throw new DomainError("EXTERNAL_FAILURE", `${file} is not installed, so PCC cannot protect app networks (Debian package: iptables).`);
      }
      const killed = (e as { killed?: boolean }).killed === true;
      if (killed) throw new DomainError("EXTERNAL_FAILURE", `${file} did not finish within ${Math.round(this.timeoutMs / 1000)} s and was stopped.`);
      throw new DomainError("EXTERNAL_FAILURE", `PCC could not run ${file}: ${toMessage(e)}`);
    }
  }

  private warnOnce(key: string, msg: string) {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.opts.log.warn(msg);
  }
}
