import type net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execRunner } from "../../server/adapters/firewall/command-runner";
import type { AppNetRule, CommandRunner, Egress } from "../../server/adapters/firewall/firewall";
import { legacyChainPrefix } from "../../server/adapters/firewall/legacy-iptables";
import { NftFirewall } from "../../server/adapters/firewall/nft-firewall";
import { tableName } from "../../server/adapters/firewall/nft-script";
import { createLogger } from "../../server/logger";
import { FakeInternet, freePort, hex, markerServer, must, ncProbe, pickAppNetwork, run, ScratchPodman, sleep } from "../helpers/netns";

/**
 * PCC's firewall against real nftables, real Podman (netavark's iptables rules beside PCC's tables) and
 * real network namespaces. Every probe is first shown to succeed without PCC's rules, then to be blocked
 * (or still allowed) with them.
 *
 * App A's network is created with isolate=true as PCC does; app B's without, so that netavark's own
 * isolation cannot hide whether PCC's rules work (netavark 1.4 also deletes its shared
 * NETAVARK_ISOLATION_1 jump whenever any isolated network on the machine is torn down, so on a busy
 * host it comes and goes).
 */

const NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"];
const IMAGE = "localhost/pcc-fw-busybox:latest";
const tag = hex(3);
const log = createLogger("silent");

/** Counts the commands a firewall runs, to show what one change costs. */
function countingRunner() {
  const counter = { calls: [] as string[] };
  const runner: CommandRunner = (file, args, opts) => {
    counter.calls.push(file);
    return execRunner(file, args, opts);
  };
  return { counter, runner };
}

/** Filter-table lines that are neither netavark's nor any PCC instance's (others may run beside us). */
async function foreignRules() {
  const lines = [...(await must("iptables-save", ["-t", "filter"])).split("\n"), ...(await must("ip6tables-save", ["-t", "filter"])).split("\n")];
  return lines.filter((l) => l && !l.startsWith("#") && !/NETAVARK|PCC-[0-9a-f]{8}|pcc-fw-test/.test(l)).map((l) => l.replace(/\[\d+:\d+\]/, ""));
}

/** The listing of an instance's tables, both families; empty when it has none. */
async function linesOf(table: string) {
  const out: string[] = [];
  for (const family of ["ip", "ip6"]) {
    const r = await run("nft", ["list", "table", family, table]);
    if (r.code === 0) out.push(...r.stdout.split("\n").filter((l) => l.trim()));
  }
  return out;
}

describe.skipIf(process.getuid?.() !== 0)("PCC firewall (real nftables, Podman, namespaces)", () => {
  // Created in beforeAll, so that a skipped run (not root) leaves nothing behind.
  let podman: ScratchPodman;
  let internet: FakeInternet;
  let hostServer: net.Server | null = null;
  const ports = { host: 0, local: 0, veth: 0 };
  const A = { subnet: "", bridge: "", name: `pcc-fw-${tag}-a`, container: `pcc-fw-${tag}-a`, ip: "", gw: "", ll: "" };
  const B = { subnet: "", bridge: "", name: `pcc-fw-${tag}-b`, container: `pcc-fw-${tag}-b`, ip: "" };
  const idA = `fw-test-${tag}-a`;
  const idB = `fw-test-${tag}-b`;
  const a = countingRunner();
  const fwA = new NftFirewall({ instanceId: idA, log, run: a.runner, resolve: async (h) => (h === "good.example" ? [internet.ips[0]] : Promise.reject(new Error("ENOTFOUND"))) });
  const fwB = new NftFirewall({ instanceId: idB, log });
  const ruleA = (egress: Egress = "none"): AppNetRule => ({ appId: "alpha", bridge: A.bridge, subnet: A.subnet, egress, lan: false });
  const ruleB = (): AppNetRule => ({ appId: "beta", bridge: B.bridge, subnet: B.subnet, egress: "none", lan: false });
  let before: string[] = [];
  // Someone else's rule (matching only an unused address of our fake internet), to be left alone.
  const foreignRule = () => ["FORWARD", "-s", `${internet.hostIp.replace(/\d+$/, "7")}/32`, "-m", "comment", "--comment", "pcc-fw-test-foreign", "-j", "DROP"];
  // Rules that would let app A out and into the host, as an administrator (or any program) might put on
  // top of iptables' chains: PCC's tables come first whatever iptables holds.
  const openingRules = () => [
    ["FORWARD", "-s", A.subnet, "-m", "comment", "--comment", "pcc-fw-test-open", "-j", "ACCEPT"],
    ["INPUT", "-i", A.bridge, "-m", "comment", "--comment", "pcc-fw-test-open", "-j", "ACCEPT"],
  ];

  /** Everything one can try against app A, each answering "did it get through?". */
  const probes = {
    egressAllowedHost: () => podman.probeFrom(A.container, internet.ips[0], internet.port),
    egressOtherHost: () => podman.probeFrom(A.container, internet.ips[1], internet.port),
    appToHostViaGateway: () => podman.probeFrom(A.container, A.gw, ports.host),
    appToHostIpv6LinkLocal: () => podman.probeFrom(A.container, `${A.ll}%eth0`, ports.host),
    appAToAppB: () => podman.probeFrom(A.container, B.ip, 8080),
    appBToAppA: () => podman.probeFrom(B.container, A.ip, 8080),
    rootToApp: () => ncProbe([], A.ip, 8080),
    nobodyToApp: () => ncProbe(NOBODY, A.ip, 8080),
    nobodyToAardvark: async () => (await run(NOBODY[0]!, [...NOBODY.slice(1), "busybox", "nslookup", A.container, A.gw], { timeoutMs: 20_000 })).stdout.includes(A.ip),
    otherNetnsToApp: () => internet.probe(A.ip, 8080),
    nobodyToPublishedLoopback: () => ncProbe(NOBODY, "127.0.0.1", ports.local),
    otherNetnsToPublishedVeth: () => internet.probe(internet.hostIp, ports.veth),
    dnsFromApp: async () => (await podman.exec(A.container, "nslookup", A.container, A.gw)).stdout.includes(A.ip),
  };
  type ProbeName = keyof typeof probes;
  const check = async (names: ProbeName[]) => Object.fromEntries(await Promise.all(names.map(async (n) => [n, await probes[n]()] as const)));
  const all = Object.keys(probes) as ProbeName[];

  beforeAll(async () => {
    before = await foreignRules();
    Object.assign(A, await pickAppNetwork());
    Object.assign(B, await pickAppNetwork([A.subnet]));
    podman = new ScratchPodman();
    internet = new FakeInternet();
    await internet.start();
    Object.assign(ports, { host: await freePort(), local: await freePort(), veth: await freePort() });
    hostServer = await markerServer(ports.host);
    await podman.importBusybox(IMAGE);
    A.gw = podman.createNetwork(A.name, A.bridge, A.subnet, true).gateway;
    podman.createNetwork(B.name, B.bridge, B.subnet, false);
    const web = ["httpd", "-f", "-p", "8080", "-h", "/www"];
    await podman.podman("run", "-d", "--name", A.container, "--network", A.name, "-p", `127.0.0.1:${ports.local}:8080`, "-p", `${internet.hostIp}:${ports.veth}:8080`, IMAGE, ...web);
    await podman.podman("run", "-d", "--name", B.container, "--network", B.name, IMAGE, ...web);
    A.ip = await podman.ip(A.container);
    B.ip = await podman.ip(B.container);
    A.ll = (await must("ip", ["-6", "-o", "addr", "show", "dev", A.bridge, "scope", "link"])).match(/inet6 (fe80::[0-9a-f:]+)/)![1]!;
    await internet.routeTo(A.subnet);
    // Fresh link-local addresses stay "tentative" (duplicate address detection) for a second or two, on
    // the bridge and in the container; until then the IPv6 probe would fail for the wrong reason.
    const tentative = async () =>
      (await must("ip", ["-6", "addr", "show", "dev", A.bridge])).includes("tentative") ||
      (await podman.exec(A.container, "busybox", "ip", "-6", "addr", "show", "dev", "eth0")).stdout.includes("tentative");
    for (let i = 0; i < 100 && (await tentative()); i++) await sleep(100);
  });

  afterAll(async () => {
    await fwA.teardown().catch(() => undefined);
    await fwB.teardown().catch(() => undefined);
    if (internet?.hostIp) await run("iptables", ["-D", ...foreignRule()]);
    for (const r of A.subnet ? openingRules() : []) await run("iptables", ["-D", ...r]);
    hostServer?.close();
    await podman?.destroy();
    await internet?.stop();
  });

  it("without PCC's rules, every probe gets through", async () => {
    expect(await check(all)).toEqual(Object.fromEntries(all.map((n) => [n, true])));
  });

  it("with them, only root and published ports reach an app; apps reach nothing, not even DNS", async () => {
    expect(await fwA.apply([ruleA()])).toEqual({ unresolved: [], ipv6: "enforced" });
    expect(await fwB.apply([ruleB()])).toEqual({ unresolved: [], ipv6: "enforced" });
    expect(await check(all)).toEqual({
      egressAllowedHost: false,
      egressOtherHost: false,
      appToHostViaGateway: false,
      appToHostIpv6LinkLocal: false,
      appAToAppB: false,
      appBToAppA: false,
      rootToApp: true,
      nobodyToApp: false,
      nobodyToAardvark: false,
      otherNetnsToApp: false,
      nobodyToPublishedLoopback: true,
      otherNetnsToPublishedVeth: true,
      // Without an internet grant there is no DNS: Podman's resolver would forward any name off the box.
      dnsFromApp: false,
    });
  });

  it("egress grants: all reaches public addresses only; hosts only the names' addresses", async () => {
    const egress: ProbeName[] = ["egressAllowedHost", "egressOtherHost", "appToHostViaGateway", "appAToAppB"];
    await fwA.apply([ruleA("all")]);
    expect(await check([...egress, "dnsFromApp"])).toEqual({ egressAllowedHost: true, egressOtherHost: true, appToHostViaGateway: false, appAToAppB: false, dnsFromApp: true });

    const r = await fwA.apply([ruleA({ hosts: ["good.example", "nope.example", "bad host\"", "169.254.169.254"] })]);
    expect(r.unresolved.map((u) => u.host)).toEqual(["nope.example", "bad host\"", "169.254.169.254"]);
    expect(await check(egress)).toEqual({ egressAllowedHost: true, egressOtherHost: false, appToHostViaGateway: false, appAToAppB: false });

    await fwA.apply([ruleA({ hosts: [internet.ips[1]] })]);
    expect(await check(["egressAllowedHost", "egressOtherHost"])).toEqual({ egressAllowedHost: false, egressOtherHost: true });

    await fwA.apply([ruleA()]);
    expect(await check(["egressAllowedHost", "egressOtherHost"])).toEqual({ egressAllowedHost: false, egressOtherHost: false });
  });

  it("one change is one nft transaction, and no iptables rule, however high, gets ahead of PCC's", async () => {
    a.counter.calls.length = 0;
    await fwA.apply([ruleA()]);
    expect(a.counter.calls).toEqual(["nft"]);

    for (const r of openingRules()) await must("iptables", ["-I", r[0]!, "1", ...r.slice(1)]);
    await must("iptables", ["-I", ...foreignRule().slice(0, 1), "1", ...foreignRule().slice(1)]);
    expect(await check(["egressOtherHost", "appToHostViaGateway", "nobodyToApp"])).toEqual({ egressOtherHost: false, appToHostViaGateway: false, nobodyToApp: false });
    await fwA.refresh();
    const forward = await must("iptables", ["-S", "FORWARD"]);
    expect(forward).toContain("pcc-fw-test-foreign"); // not ours: left alone
    expect(forward).toContain("pcc-fw-test-open");
    for (const r of openingRules()) await must("iptables", ["-D", ...r]);
    await must("iptables", ["-D", ...foreignRule()]);
  });

  it("an install adds the new app's rules to the tables as they are; the kernel then holds what a whole write would", async () => {
    // Each chain's rules; chains are listed in the order they were made, which an append changes.
    const listing = async () => (await must("nft", ["list", "table", "ip", tableName(idA)])).replace(/\n\}\s*$/, "").split(/\n(?=\tchain )/).map((c) => c.trim()).sort();
    const tableHandle = async () => /table ip \S+ \{ # handle (\d+)/.exec(await must("nft", ["-a", "list", "table", "ip", tableName(idA)]))![1];
    await fwA.refresh(); // whole: the base the append builds on
    await fwA.apply([ruleA()]);
    const handle = await tableHandle();
    await fwA.apply([ruleA(), ruleB()]);
    expect(await tableHandle()).toBe(handle); // added to, not replaced
    const appended = await listing();
    expect(await check(["appAToAppB", "appBToAppA", "nobodyToApp"])).toEqual({ appAToAppB: false, appBToAppA: false, nobodyToApp: false });
    expect(await ncProbe(NOBODY, B.ip, 8080)).toBe(false);
    await fwA.refresh(); // whole again
    expect(await tableHandle()).not.toBe(handle);
    expect(await listing()).toEqual(appended);
    await fwA.apply([ruleA()]);
  });

  it("the periodic refresh repairs a table someone deleted", async () => {
    await must("nft", ["delete", "table", "ip", tableName(idA)]);
    expect(await check(["nobodyToApp"])).toEqual({ nobodyToApp: true });
    await fwA.refresh();
    expect(await check(["nobodyToApp", "egressOtherHost"])).toEqual({ nobodyToApp: false, egressOtherHost: false });
  });

  it("removes an earlier version's iptables chains of its own instance at its first write, and nobody else's", async () => {
    const idC = `fw-test-${tag}-c`;
    const old = legacyChainPrefix(idC);
    const other = legacyChainPrefix(`fw-test-${tag}-d`);
    for (const c of [`${old}-IN`, `${old}-FWD`, `${other}-IN`]) await must("iptables", ["-N", c]);
    await must("iptables", ["-A", `${old}-FWD`, "-s", "192.0.2.0/24", "-j", "REJECT"]);
    await must("iptables", ["-I", "INPUT", "1", "-j", `${old}-IN`]);
    await must("iptables", ["-I", "FORWARD", "1", "-j", `${old}-FWD`]);
    await must("iptables", ["-I", "INPUT", "1", "-j", `${other}-IN`]);
    try {
      const fwC = new NftFirewall({ instanceId: idC, log });
      await fwC.apply([]);
      const save = await must("iptables-save", ["-t", "filter"]);
      expect(save).not.toContain(old);
      expect(save).toContain(`-A INPUT -j ${other}-IN`);
      expect(await linesOf(tableName(idC))).toEqual([]);
    } finally {
      await run("iptables", ["-D", "INPUT", "-j", `${other}-IN`]);
      await run("iptables", ["-X", `${other}-IN`]);
    }
  });

  it("two instances do not disturb each other", async () => {
    const mine = await linesOf(tableName(idA));
    expect(mine.length).toBeGreaterThan(0);
    await fwB.teardown();
    expect(await linesOf(tableName(idB))).toEqual([]);
    expect(await linesOf(tableName(idA))).toEqual(mine);
    // B's app is open again (its instance is gone) while A's stays closed.
    expect(await check(["appBToAppA", "nobodyToApp"])).toEqual({ appBToAppA: false, nobodyToApp: false });
    expect(await ncProbe(NOBODY, B.ip, 8080)).toBe(true);
    await fwB.apply([ruleB()]);
    expect(await ncProbe(NOBODY, B.ip, 8080)).toBe(false);
    expect(await linesOf(tableName(idA))).toEqual(mine);
  });

  it("teardown removes every rule it made and nothing else", async () => {
    await fwA.teardown();
    await fwB.teardown();
    expect(await linesOf(tableName(idA))).toEqual([]);
    expect(await linesOf(tableName(idB))).toEqual([]);
    // Everything that was there before is still there (others on this machine may have added rules since).
    expect(await foreignRules()).toEqual(expect.arrayContaining(before));
    expect(await check(["nobodyToApp", "appToHostViaGateway", "otherNetnsToApp"])).toEqual({ nobodyToApp: true, appToHostViaGateway: true, otherNetnsToApp: true });
  });
});
