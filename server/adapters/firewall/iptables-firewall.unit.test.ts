import { describe, expect, it, vi } from "vitest";
import { DomainError } from "../../errors";
import type { Logger } from "../../logger";
import type { AppNetRule, CommandRunner } from "./firewall";
import { IptablesFirewall } from "./iptables-firewall";
import { chainNames, chainPrefix } from "./ruleset";

const BUILTINS = ["INPUT", "FORWARD", "OUTPUT"];

/** A small in-memory filter table that speaks iptables-save / iptables-restore --noflush, all-or-nothing. */
class FakeTable {
  chains = new Map<string, string[]>(BUILTINS.map((b) => [b, []]));

  save() {
    const decl = [...this.chains.keys()].map((c) => (BUILTINS.includes(c) ? `:${c} ACCEPT [0:0]` : `:${c} - [0:0]`));
    return ["*filter", ...decl, ...[...this.chains.values()].flat(), "COMMIT", ""].join("\n");
  }

  restore(script: string): string | null {
    const next = new Map([...this.chains].map(([k, v]) => [k, [...v]]));
    const needChain = (c: string) => (next.has(c) ? null : `chain ${c} does not exist`);
    for (const line of script.split("\n")) {
      let m: RegExpExecArray | null;
      if (line === "*filter" || line === "COMMIT" || line === "") continue;
      if ((m = /^:(\S+) - \[0:0\]$/.exec(line))) next.set(m[1], []);
      else if ((m = /^-X (\S+)$/.exec(line))) {
        if ([...next.values()].flat().some((r) => r.includes(` -j ${m![1]}`))) return `chain ${m[1]} is in use`;
        next.delete(m[1]);
      } else if ((m = /^-(A|I|D) (\S+)(?: 1)? (.*)$/.exec(line))) {
        const [, op, chain, rest] = m;
        const err = needChain(chain) ?? needChain(/-j (\S+)/.exec(rest)![1].replace(/^(REJECT|RETURN|DROP|ACCEPT)$/, chain));
        if (err) return err;
        const rule = `-A ${chain} ${rest}`;
        const list = next.get(chain)!;
        if (op === "A") list.push(rule);
        else if (op === "I") list.unshift(rule);
        else if (list.indexOf(rule) >= 0) list.splice(list.indexOf(rule), 1);
        else return `no such rule: ${line}`;
      } else return `bad line: ${line}`;
    }
    this.chains = next;
    return null;
  }
}

function setup(opts: { ip6?: "ok" | "missing"; refuse?: number; resolve?: (h: string) => Promise<string[]>; ipv6ProcPath?: string } = {}) {
  const v4 = new FakeTable();
  const v6 = new FakeTable();
  const calls: string[] = [];
  let refuse = opts.refuse ?? 0;
  const run: CommandRunner = async (file, _args, o) => {
    calls.push(file);
    if (file.startsWith("ip6") && opts.ip6 === "missing") throw Object.assign(new Error(`spawn ${file} ENOENT`), { code: "ENOENT" });
    const t = file.startsWith("ip6") ? v6 : v4;
    if (file.endsWith("-save")) return { code: 0, stdout: t.save(), stderr: "" };
    if (refuse > 0) return (refuse--, { code: 1, stdout: "", stderr: "iptables-restore: line 9 failed" });
    const err = t.restore(o.input ?? "");
    return err ? { code: 1, stdout: "", stderr: err } : { code: 0, stdout: "", stderr: "" };
  };
  const warnings: string[] = [];
  const log = { warn: (...a: unknown[]) => warnings.push(String(a.find((x) => typeof x === "string"))), debug: () => undefined, error: () => undefined, info: () => undefined } as unknown as Logger;
  const resolve = vi.fn(opts.resolve ?? (async () => ["198.18.0.9"]));
  const fw = new IptablesFirewall({ instanceId: "test-a", log, run, resolve, ipv6ProcPath: opts.ipv6ProcPath ?? "/" });
  return { fw, v4, v6, calls, warnings, resolve, run, log };
}

const app = (over: Partial<AppNetRule> = {}): AppNetRule => ({ appId: "notes", bridge: "pccab12c", subnet: "10.131.7.0/24", egress: "none", lan: false, ...over });
const n = chainNames(chainPrefix("test-a"));
const restores = (calls: string[]) => calls.filter((c) => c.endsWith("-restore")).length;

describe("IptablesFirewall", () => {
  it("installs both families once, then finds nothing to do", async () => {
    const { fw, v4, v6, calls } = setup();
    expect(await fw.apply([app()])).toEqual({ unresolved: [], ipv6: "enforced" });
    expect(v4.chains.get("FORWARD")).toEqual([`-A FORWARD -j ${n.forward}`]);
    expect(v6.chains.get("INPUT")).toEqual([`-A INPUT -j ${n.input}`]);
    expect(restores(calls)).toBe(2);
    calls.length = 0;
    await fw.apply([app()]);
    await fw.refresh();
    expect(restores(calls)).toBe(0);
  });

  it("an install's apply reads each table once and writes it once; the refresh also reads back what it wrote", async () => {
    const { fw, v4, calls } = setup();
    await fw.apply([app()]);
    expect([...calls].sort()).toEqual(["ip6tables-restore", "ip6tables-save", "iptables-restore", "iptables-save"]);
    calls.length = 0;
    v4.chains.set("FORWARD", ["-A FORWARD -j NETAVARK_ISOLATION_1", ...v4.chains.get("FORWARD")!]);
    await fw.refresh();
    expect(calls.filter((c) => c === "iptables-save")).toHaveLength(2);
    expect(calls.filter((c) => c === "iptables-restore")).toHaveLength(1);
  });

  it("puts its jump back on top after someone inserts above it, and keeps their rule", async () => {
    const { fw, v4 } = setup();
    await fw.apply([app()]);
    v4.chains.set("FORWARD", ["-A FORWARD -j NETAVARK_ISOLATION_1", ...v4.chains.get("FORWARD")!]);
    await fw.refresh();
    expect(v4.chains.get("FORWARD")).toEqual([`-A FORWARD -j ${n.forward}`, "-A FORWARD -j NETAVARK_ISOLATION_1"]);
  });

  it("removes an app's chain when the app goes, and everything at teardown, leaving others alone", async () => {
    const { fw, v4, v6 } = setup();
    v4.restore("*filter\n:FOREIGN - [0:0]\n-A FOREIGN -j DROP\n-I FORWARD 1 -j FOREIGN\nCOMMIT\n");
    const before = v4.save();
    await fw.apply([app(), app({ appId: "b", bridge: "pccb", subnet: "10.140.0.0/24" })]);
    expect(v4.chains.has(n.egress("pccb"))).toBe(true);
    await fw.apply([app()]);
    expect(v4.chains.has(n.egress("pccb"))).toBe(false);
    await fw.teardown();
    expect(v4.save()).toBe(before);
    expect([...v6.chains.keys()]).toEqual(BUILTINS);
  });

  it("retries a transaction the kernel refused, then gives up with a sentence", async () => {
    const ok = setup({ refuse: 2 });
    await expect(ok.fw.apply([app()])).resolves.toBeTruthy();
    const bad = setup({ refuse: 99 });
    const err = await bad.fw.apply([app()]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe("EXTERNAL_FAILURE");
    expect((err as DomainError).message).toMatch(/^iptables refused PCC's firewall rules: iptables-restore: line 9 failed/);
  });

  it("reports a missing ip6tables instead of failing", async () => {
    const { fw, v4, warnings } = setup({ ip6: "missing" });
    expect((await fw.apply([app()])).ipv6).toBe("unavailable");
    await fw.apply([app()]);
    expect(v4.chains.has(n.forward)).toBe(true);
    expect(warnings.filter((w) => w.includes("ip6tables is not installed"))).toHaveLength(1);
    await expect(fw.teardown()).resolves.toBeUndefined();
  });

  it("skips IPv6 when the kernel has none", async () => {
    const { fw, calls } = setup({ ipv6ProcPath: "/nonexistent/ipv6" });
    expect((await fw.apply([app()])).ipv6).toBe("disabled-in-kernel");
    expect(calls.some((c) => c.startsWith("ip6"))).toBe(false);
  });

  it("turns a missing iptables or a timeout into EXTERNAL_FAILURE", async () => {
    const log = { warn: () => undefined, debug: () => undefined } as unknown as Logger;
    const missing = new IptablesFirewall({ instanceId: "x", log, run: async () => Promise.reject(Object.assign(new Error("ENOENT"), { code: "ENOENT" })) });
    await expect(missing.apply([app()])).rejects.toThrow(/iptables-save is not installed/);
    const slow = new IptablesFirewall({ instanceId: "x", log, timeoutMs: 2000, run: async () => Promise.reject(Object.assign(new Error("killed"), { killed: true })) });
    await expect(slow.apply([app()])).rejects.toThrow(/did not finish within 2 s and was stopped/);
  });

  it("refuses invalid apps before running anything", async () => {
    const { fw, calls } = setup();
    await expect(fw.apply([app({ bridge: "br0 -j ACCEPT" })])).rejects.toMatchObject({ code: "INVALID_INPUT" });
    expect(calls).toEqual([]);
  });

  it("resolves each name once, reports what gives no address, and never writes a refused host", async () => {
    const table: Record<string, string[]> = { "good.example": ["198.18.0.9"], "lan.example": ["192.168.1.5"], "meta.example": ["169.254.169.254"] };
    const { fw, v4, resolve } = setup({ resolve: async (h) => table[h] ?? Promise.reject(new Error("ENOTFOUND")) });
    const hosts = ["good.example", "GOOD.example.", "lan.example", "meta.example", "nope.example", "evil.com -j ACCEPT", "1.2.3.4", "10.1.2.3"];
    const r = await fw.apply([app({ egress: { hosts } }), app({ appId: "b", bridge: "pccb", subnet: "10.140.0.0/24", egress: { hosts: ["good.example"] }, lan: true })]);
    expect(resolve.mock.calls.map((c) => c[0]).sort()).toEqual(["good.example", "lan.example", "meta.example", "nope.example"]);
    expect(r.unresolved.map((u) => [u.appId, u.host])).toEqual([
      ["notes", "lan.example"],
      ["notes", "meta.example"],
      ["notes", "nope.example"],
      ["notes", "evil.com -j ACCEPT"],
      ["notes", "10.1.2.3"],
    ]);
    expect(r.unresolved[0].reason).toContain("192.168.1.5 in 192.168.0.0/16");
    const returns = v4.chains.get(n.egress("pccab12c"))!.filter((l) => l.endsWith("-j RETURN"));
    expect(returns).toEqual([`-A ${n.egress("pccab12c")} -d 1.2.3.4/32 -j RETURN`, `-A ${n.egress("pccab12c")} -d 198.18.0.9/32 -j RETURN`]);
    expect(v4.save()).not.toContain("evil");
  });

  it("follows DNS changes on refresh and keeps the last good addresses through an outage", async () => {
    let answer: string[] | null = ["198.18.0.9"];
    const { fw, v4 } = setup({ resolve: async () => (answer ? answer : Promise.reject(new Error("SERVFAIL"))) });
    const allowed = () => v4.chains.get(n.egress("pccab12c"))!.filter((l) => l.endsWith("-j RETURN"));
    await fw.apply([app({ egress: { hosts: ["api.example"] } })]);
    answer = ["198.18.0.10"];
    await fw.refresh();
    expect(allowed()).toEqual([`-A ${n.egress("pccab12c")} -d 198.18.0.10/32 -j RETURN`]);
    answer = null;
    expect((await fw.refresh()).unresolved).toEqual([]);
    expect(allowed()).toEqual([`-A ${n.egress("pccab12c")} -d 198.18.0.10/32 -j RETURN`]);
  });

  it("refreshes on an interval until stopped", async () => {
    vi.useFakeTimers();
    try {
      const { fw, calls } = setup();
      await fw.apply([app()]);
      calls.length = 0;
      const stop = fw.startRefresh(1000);
      await vi.advanceTimersByTimeAsync(3500);
      stop();
      const during = calls.length;
      await vi.advanceTimersByTimeAsync(5000);
      expect(during).toBe(3 * 2); // one iptables-save per family per refresh, nothing to restore
      expect(calls.length).toBe(during);
    } finally {
      vi.useRealTimers();
    }
  });
});
