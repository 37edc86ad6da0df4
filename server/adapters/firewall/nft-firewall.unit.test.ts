import { describe, expect, it, vi } from "vitest";
import { DomainError } from "../../errors";
import type { Logger } from "../../logger";
import type { AppNetRule, CommandRunner } from "./firewall";
import { legacyChainPrefix } from "./legacy-iptables";
import { NftFirewall } from "./nft-firewall";
import { tableName } from "./nft-script";

const T = tableName("test-a");
const OLD = legacyChainPrefix("test-a");

/** iptables-save text holding an earlier PCC's chains (this instance's and another's) and a foreign rule. */
const legacySave = (prefix: string | null) =>
  [
    "*filter",
    ":INPUT ACCEPT [0:0]",
    ":FORWARD ACCEPT [0:0]",
    ":OUTPUT ACCEPT [0:0]",
    ...(prefix ? [`:${prefix}-IN - [0:0]`, `:${prefix}-FWD - [0:0]`] : []),
    ":PCC-99999999-IN - [0:0]",
    ...(prefix ? [`-A INPUT -j ${prefix}-IN`, `-A FORWARD -j ${prefix}-FWD`] : []),
    "-A INPUT -j PCC-99999999-IN",
    "-A FORWARD -s 192.0.2.7/32 -j DROP",
    "COMMIT",
    "",
  ].join("\n");

function setup(opts: { refuse?: number; resolve?: (h: string) => Promise<string[]>; ipv6ProcPath?: string; legacy?: boolean; noIptables?: boolean } = {}) {
  const calls: { file: string; input: string }[] = [];
  let refuse = opts.refuse ?? 0;
  let legacy = opts.legacy ?? false;
  const run: CommandRunner = async (file, _args, o) => {
    calls.push({ file, input: o.input ?? "" });
    if (file === "nft") {
      if (refuse > 0) return (refuse--, { code: 1, stdout: "", stderr: "Error: Could not process rule: Device or resource busy" });
      return { code: 0, stdout: "", stderr: "" };
    }
    if (opts.noIptables) throw Object.assign(new Error(`spawn ${file} ENOENT`), { code: "ENOENT" });
    if (file.endsWith("-save")) return { code: 0, stdout: legacySave(legacy ? OLD : null), stderr: "" };
    if (file.endsWith("-restore")) return (legacy = false), { code: 0, stdout: "", stderr: "" };
    throw new Error(`unexpected ${file}`);
  };
  const warnings: string[] = [];
  const log = { warn: (...a: unknown[]) => warnings.push(String(a.find((x) => typeof x === "string"))), debug: () => undefined, error: () => undefined, info: () => undefined } as unknown as Logger;
  const resolve = vi.fn(opts.resolve ?? (async () => ["198.18.0.9"]));
  const fw = new NftFirewall({ instanceId: "test-a", log, run, resolve, ipv6ProcPath: opts.ipv6ProcPath ?? "/" });
  const nftScripts = () => calls.filter((c) => c.file === "nft").map((c) => c.input);
  return { fw, calls, nftScripts, warnings, resolve };
}

const app = (over: Partial<AppNetRule> = {}): AppNetRule => ({ appId: "notes", bridge: "pccab12c", subnet: "10.131.7.0/24", egress: "none", lan: false, ...over });
const egressOf = (script: string, appId = "notes") => {
  const start = script.indexOf(`chain egress-${appId} {`);
  return script.slice(start, script.indexOf("}", start)).split("\n").slice(1).map((l) => l.trim()).filter(Boolean);
};

describe("NftFirewall", () => {
  it("writes both families in one nft transaction per apply, with nothing read first", async () => {
    const { fw, calls, nftScripts } = setup();
    expect(await fw.apply([app()])).toEqual({ unresolved: [], ipv6: "enforced" });
    const [script] = nftScripts();
    expect(script).toContain(`table ip ${T} {`);
    expect(script).toContain(`table ip6 ${T} {`);
    calls.length = 0;
    await fw.apply([app()]);
    expect(calls.map((c) => c.file)).toEqual(["nft"]); // the legacy check ran once, at the first apply
  });

  it("removes an earlier version's iptables chains of this instance once, and nothing else", async () => {
    const { fw, calls } = setup({ legacy: true });
    await fw.apply([app()]);
    const restores = calls.filter((c) => c.file.endsWith("-restore"));
    expect(restores.map((c) => c.file).sort()).toEqual(["ip6tables-restore", "iptables-restore"]);
    const script = restores[0]!.input;
    expect(script).toContain(`-D INPUT -j ${OLD}-IN\n`);
    expect(script).toContain(`-X ${OLD}-FWD\n`);
    expect(script).not.toContain("PCC-99999999");
    expect(script).not.toContain("192.0.2.7");
    calls.length = 0;
    await fw.apply([app()]);
    expect(calls.some((c) => c.file.startsWith("ip"))).toBe(false);
  });

  it("treats a machine without iptables as having no earlier chains", async () => {
    const { fw, calls, warnings } = setup({ noIptables: true });
    await fw.apply([app()]);
    calls.length = 0;
    await fw.apply([app()]);
    expect(calls.map((c) => c.file)).toEqual(["nft"]);
    expect(warnings).toEqual([]);
  });

  it("refresh writes the last wanted state again, so meddling is repaired within one period", async () => {
    const { fw, nftScripts } = setup();
    await fw.apply([app(), app({ appId: "b", bridge: "pccb", subnet: "10.140.0.0/24" })]);
    await fw.refresh();
    const [first, again] = nftScripts();
    expect(again).toBe(first);
  });

  it("an install adds only the new app's rules to what this process wrote; any other change rewrites the tables", async () => {
    const { fw, nftScripts } = setup();
    const b = app({ appId: "b", bridge: "pccb", subnet: "10.140.0.0/24" });
    const c = app({ appId: "c", bridge: "pccc", subnet: "10.140.1.0/24" });
    await fw.apply([app()]); // the first write of a process: whole (the kernel may hold anything)
    await fw.apply([app(), b]); // an install: appended
    await fw.refresh(); // whole, to repair meddling
    await fw.apply([app(), b, c]); // appended again
    await fw.apply([app(), c]); // a removal: whole
    await fw.apply([app({ egress: "all" }), c, b]); // a changed grant: whole
    const kinds = nftScripts().map((s) => (s.startsWith("add ") ? "append" : s.includes("delete table") ? "whole" : "?"));
    expect(kinds).toEqual(["whole", "append", "whole", "append", "whole", "whole"]);
    expect(nftScripts()[1]).not.toContain("notes");
    await fw.apply([]); // the last app removed: the tables go
    await fw.apply([b]); // and come back with the next install, by adding only
    expect(nftScripts().at(-1)).toMatch(/^add table ip /);
    await fw.teardown();
    await fw.apply([app()]);
    expect(nftScripts().at(-1)).toContain("delete table"); // after a teardown nothing is assumed
  });

  it("an append the kernel refuses (its tables were meddled with) is followed by a whole rewrite", async () => {
    const scripts: string[] = [];
    const warnings: string[] = [];
    let refuseAppend = true;
    const run: CommandRunner = async (file, _args, o) => {
      if (file !== "nft") return { code: 0, stdout: file.endsWith("-save") ? "*filter\nCOMMIT\n" : "", stderr: "" };
      scripts.push(o.input ?? "");
      if (refuseAppend && o.input?.startsWith("add ")) return (refuseAppend = false), { code: 1, stdout: "", stderr: "Error: No such file or directory" };
      return { code: 0, stdout: "", stderr: "" };
    };
    const log = { warn: (...a: unknown[]) => warnings.push(String(a.find((x) => typeof x === "string"))), debug: () => undefined, error: () => undefined, info: () => undefined } as unknown as Logger;
    const fw = new NftFirewall({ instanceId: "test-a", log, run, ipv6ProcPath: "/" });
    await fw.apply([app()]);
    await fw.apply([app(), app({ appId: "b", bridge: "pccb", subnet: "10.140.0.0/24" })]);
    expect(scripts.map((s) => (s.startsWith("add ") ? "append" : "whole"))).toEqual(["whole", "append", "whole"]);
    expect(scripts[2]).toContain("chain egress-b {");
    expect(warnings).toEqual(["Could not add to the firewall's tables; writing them whole"]);
  });

  it("removes the tables when the last app goes, and at teardown", async () => {
    const { fw, nftScripts } = setup();
    await fw.apply([app()]);
    await fw.apply([]);
    await fw.teardown();
    const [, empty, down] = nftScripts();
    const removal = `table ip ${T}\ndelete table ip ${T}\ntable ip6 ${T}\ndelete table ip6 ${T}\n`;
    expect(empty).toBe(removal);
    expect(down).toBe(removal);
  });

  it("retries a transaction the kernel refused, then gives up with a sentence", async () => {
    const ok = setup({ refuse: 2 });
    await expect(ok.fw.apply([app()])).resolves.toBeTruthy();
    const bad = setup({ refuse: 99 });
    const err = await bad.fw.apply([app()]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe("EXTERNAL_FAILURE");
    expect((err as DomainError).message).toMatch(/^nft refused PCC's firewall rules: Error: Could not process rule/);
  });

  it("skips IPv6 when the kernel has none", async () => {
    const { fw, calls, nftScripts } = setup({ ipv6ProcPath: "/nonexistent/ipv6" });
    expect((await fw.apply([app()])).ipv6).toBe("disabled-in-kernel");
    expect(nftScripts()[0]).not.toContain("ip6");
    expect(calls.some((c) => c.file.startsWith("ip6"))).toBe(false);
  });

  it("turns a missing nft or a timeout into EXTERNAL_FAILURE", async () => {
    const log = { warn: () => undefined, debug: () => undefined, info: () => undefined } as unknown as Logger;
    const missing = new NftFirewall({ instanceId: "x", log, run: async () => Promise.reject(Object.assign(new Error("ENOENT"), { code: "ENOENT" })) });
    await expect(missing.apply([app()])).rejects.toThrow(/nft is not installed.*nftables/);
    const slow = new NftFirewall({ instanceId: "x", log, timeoutMs: 2000, run: async () => Promise.reject(Object.assign(new Error("killed"), { killed: true })) });
    await expect(slow.apply([app()])).rejects.toThrow(/did not finish within 2 s and was stopped/);
  });

  it("refuses invalid apps before running anything", async () => {
    const { fw, calls } = setup();
    await expect(fw.apply([app({ bridge: 'br0" accept' })])).rejects.toMatchObject({ code: "INVALID_INPUT" });
    expect(calls).toEqual([]);
  });

  it("resolves each name once, reports what gives no address, and never writes a refused host", async () => {
    const table: Record<string, string[]> = { "good.example": ["198.18.0.9"], "lan.example": ["192.168.1.5"], "meta.example": ["169.254.169.254"] };
    const { fw, nftScripts, resolve } = setup({ resolve: async (h) => table[h] ?? Promise.reject(new Error("ENOTFOUND")) });
    const hosts = ["good.example", "GOOD.example.", "lan.example", "meta.example", "nope.example", 'evil.com" accept', "1.2.3.4", "10.1.2.3"];
    const r = await fw.apply([app({ egress: { hosts } }), app({ appId: "b", bridge: "pccb", subnet: "10.140.0.0/24", egress: { hosts: ["good.example"] }, lan: true })]);
    expect(resolve.mock.calls.map((c) => c[0]).sort()).toEqual(["good.example", "lan.example", "meta.example", "nope.example"]);
    expect(r.unresolved.map((u) => [u.appId, u.host])).toEqual([
      ["notes", "lan.example"],
      ["notes", "meta.example"],
      ["notes", "nope.example"],
      ["notes", 'evil.com" accept'],
      ["notes", "10.1.2.3"],
    ]);
    expect(r.unresolved[0]!.reason).toContain("192.168.1.5 in 192.168.0.0/16");
    const script = nftScripts()[0]!;
    expect(egressOf(script).filter((l) => l.endsWith(" return"))).toEqual(["ip daddr 1.2.3.4 return", "ip daddr 198.18.0.9 return"]);
    expect(script).not.toContain("evil");
  });

  it("follows DNS changes on refresh and keeps the last good addresses through an outage", async () => {
    let answer: string[] | null = ["198.18.0.9"];
    const { fw, nftScripts } = setup({ resolve: async () => (answer ? answer : Promise.reject(new Error("SERVFAIL"))) });
    const allowed = () => egressOf(nftScripts().at(-1)!).filter((l) => l.endsWith(" return"));
    await fw.apply([app({ egress: { hosts: ["api.example"] } })]);
    answer = ["198.18.0.10"];
    await fw.refresh();
    expect(allowed()).toEqual(["ip daddr 198.18.0.10 return"]);
    answer = null;
    expect((await fw.refresh()).unresolved).toEqual([]);
    expect(allowed()).toEqual(["ip daddr 198.18.0.10 return"]);
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
      expect(during).toBe(3); // one nft transaction per refresh
      expect(calls.length).toBe(during);
    } finally {
      vi.useRealTimers();
    }
  });
});
