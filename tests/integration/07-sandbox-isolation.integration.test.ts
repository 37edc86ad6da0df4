import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tableName } from "../../server/adapters/firewall/nft-script";
import { FakeInternet, markerServer, must } from "../helpers/netns";
import { freePort, waitFor, type PccInstance } from "../helpers/pcc-instance";
import { expectBlockedOnly, NOBODY, reachesHealth, reachesMarker, SandboxFixture, settleAll, uidMap, type Container, type Outcome } from "../helpers/sandbox-probes";

/**
 * Sandbox escape probes (issue 6), part 2: apps kept apart from each other and from the network. Run
 * INSIDE app containers that a real PCC installed, each one first shown to get through against an
 * unprotected target (tests/helpers/sandbox-probes.ts): every app container runs PCC's seccomp profile,
 * no app reaches another's processes, volume, ports or user ids, and the network around an app.
 * Nothing leaves the machine: "the internet" is a network namespace (198.18.0.0/15, plus one link-local
 * address routed into it, standing in for cloud metadata).
 * Part 1, what one app's processes can do to the kernel and the host: 07-sandbox-process.integration.test.ts.
 */

describe.skipIf(process.getuid?.() !== 0)("sandbox escape probes inside real apps", () => {
  const sbx = new SandboxFixture({ apps: ["escape", "neighbour", "online"], boxes: ["open", "bridged"] });
  const { c, appProbe, appExec, appExtra, scratchProbe, scratchExtra } = sbx;
  let pcc: PccInstance;
  let session = "";
  let internet: FakeInternet;
  let hostServer: Awaited<ReturnType<typeof markerServer>>;
  const ports = { host: 0 };
  const neighbourMarker = `pcc-neighbour-${sbx.tag}`;
  const volumeMarker = `pcc-volume-secret-${sbx.tag}`;
  let metadata = ""; // a link-local address (not 169.254.169.254) routed into the fake internet
  let scratchNet: SandboxFixture["scratchNet"];
  let bridgedIp = "";

  beforeAll(async () => {
    ports.host = await freePort();
    // The fixtures outside PCC, started beside it: the fake internet, then the host's services.
    internet = new FakeInternet();
    await settleAll([sbx.start(), internet.start()]);
    ({ pcc, session, scratchNet, bridgedIp } = sbx);
    hostServer = await markerServer(ports.host);

    // A link-local address in the fake internet, never the real metadata address: traffic to it stays here.
    metadata = `169.254.${1 + crypto.randomInt(160)}.${1 + crypto.randomInt(254)}`;
    await internet.exec("ip", "addr", "add", `${metadata}/32`, "dev", `${internet.hostIf.slice(0, -1)}n`);
    await must("ip", ["route", "add", `${metadata}/32`, "via", internet.ips[0], "dev", internet.hostIf]);
    for (const subnet of [c.escape.subnet, scratchNet.subnet]) await internet.routeTo(subnet);
  });

  afterAll(async () => {
    hostServer?.close();
    try {
      await sbx.stop();
    } finally {
      await internet?.stop();
    }
    console.log(`sandbox escape probes (isolation): ${Date.now() - sbx.t0} ms in all`);
  });

  describe("PCC's seccomp profile", () => {
    it("is the one every app container runs with, and a process exec'd into the app is confined like its server", async () => {
      const profile = path.join(pcc.dataDir, "etc/seccomp.json");
      expect(fs.statSync(profile).mode & 0o777).toBe(0o600);
      // Podman's inspect does not name a profile given through the API: read the OCI spec runc ran with.
      type Rule = { names: string[]; action: string; errnoRet?: number; args?: unknown[] };
      for (const who of [c.escape, c.worker, c.neighbour, c.online]) {
        const id = ((await pcc.podman(`/containers/${who.name}/json`)).json as { Id: string }).Id;
        const oci = JSON.parse(fs.readFileSync(path.join(pcc.dataDir, "podman/storage/overlay-containers", id, "userdata/config.json"), "utf8")) as {
          linux: { seccomp: { defaultAction: string; syscalls: Rule[] } };
        };
        const rules = (name: string) => oci.linux.seccomp.syscalls.filter((r) => r.names.includes(name));
        expect(rules("ptrace"), who.name).toEqual([expect.objectContaining({ action: "SCMP_ACT_ERRNO", errnoRet: 1 })]);
        expect(rules("unshare").filter((r) => r.action === "SCMP_ACT_ALLOW").every((r) => r.args?.length), who.name).toBe(true);
        expect(rules("clone3"), who.name).toEqual([expect.objectContaining({ action: "SCMP_ACT_ERRNO", errnoRet: 38 })]);
      }
      // A process exec'd into the app reports what the server's own children report (so exec probes mean what they say).
      const fields = (line: string) => Object.fromEntries([...line.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1]!, m[2]!]));
      const server = fields((await appProbe(c.escape, "caps")).line);
      const exec = fields((await appExtra(c.escape, "status")).line);
      for (const k of ["CapEff", "CapPrm", "CapBnd", "CapAmb", "NoNewPrivs", "Seccomp"]) expect(exec[k], k).toBe(server[k]);
      expect(exec.Seccomp_filters).toBe("1");
    });
  });

  describe("other apps", () => {
    it("another app's processes are invisible (it sees its own)", async () => {
      await appExec(c.neighbour, "sh", "-c", `exec python3 -c 'import time; time.sleep(600)' ${neighbourMarker} >/dev/null 2>&1 &`);
      await waitFor("the neighbour's marker process", async () => (await appExtra(c.neighbour, "pids", neighbourMarker)).verdict === "PASS", 10_000);
      expectBlockedOnly(await scratchExtra("open", "pids", neighbourMarker), await appExtra(c.escape, "pids", neighbourMarker));
    });

    it("another app's volume: not mounted, not reachable by its host path", async () => {
      expect((await appExec(c.escape, "sh", "-c", `echo ${volumeMarker} > /data/secret && chmod 600 /data/secret`)).code).toBe(0);
      const vol = (await pcc.podman("/volumes/pcc_escape_data/json")).json as { Mountpoint: string };
      const hostPath = path.join(vol.Mountpoint, "secret");
      expect(fs.readFileSync(hostPath, "utf8")).toContain(volumeMarker);
      // The owner app reads it; root on the host (here a privileged container) reads it at its host path.
      expect((await appExtra(c.escape, "read", "/data/secret", volumeMarker)).verdict).toBe("PASS");
      expectBlockedOnly(await scratchExtra("open", "read", hostPath, volumeMarker), await appExtra(c.neighbour, "read", hostPath, volumeMarker));
      expect((await appExtra(c.neighbour, "read", "/data/secret")).verdict).toBe("BLOCKED");
      expectBlockedOnly(await appExtra(c.escape, "mountinfo", "pcc_escape_data"), await appExtra(c.neighbour, "mountinfo", "pcc_escape_data"));
    });

    it("another app's containers and ports: no app reaches another, in either direction", async () => {
      // Each server answers (its own app and root on the host reach it); no other app does.
      for (const target of [c.escape, c.worker, c.neighbour, c.online]) {
        expect((await appProbe(target, "tcp", target.ip, "8080")).verdict, `${target.name} reaches itself`).toBe("PASS");
        expect(await reachesHealth([], target.ip, 8080), `root reaches ${target.name}`).toBe(true);
      }
      const attempts: [Container, Container][] = [
        [c.escape, c.neighbour],
        [c.neighbour, c.escape],
        [c.online, c.escape],
        [c.neighbour, c.worker],
      ];
      for (const [from, to] of attempts) {
        const r = await appProbe(from, "tcp", to.ip, "8080");
        expect(r.verdict, `${from.name} → ${to.name}: ${r.line}`).toBe("BLOCKED");
      }
    });

    it("one app, one user-namespace range: its services share it, no other app overlaps it, none maps host ids", async () => {
      const maps = Object.fromEntries(Object.entries(c).map(([k, v]) => [k, uidMap(v.pid)]));
      expect(maps.worker).toEqual(maps.escape);
      const ranges = [maps.escape!, maps.neighbour!, maps.online!];
      for (const r of ranges) {
        expect(r.inside).toBe(0);
        expect(r.size).toBe(65536);
        expect(r.outside).toBeGreaterThanOrEqual(2_147_483_647);
      }
      for (let i = 0; i < ranges.length; i++) {
        for (let j = i + 1; j < ranges.length; j++) {
          const [a, b] = [ranges[i]!, ranges[j]!];
          expect(a.outside + a.size <= b.outside || b.outside + b.size <= a.outside, `${JSON.stringify(a)} vs ${JSON.stringify(b)}`).toBe(true);
        }
      }
    });
  });

  describe("the network around an app", () => {
    it("the host's services on 0.0.0.0, via the gateway or any other address of the host", async () => {
      expect((await scratchProbe("bridged", "tcp", scratchNet.gateway, String(ports.host))).verdict).toBe("PASS");
      expect(await reachesMarker([], c.escape.gateway, ports.host)).toBe(true);
      for (const ip of [c.escape.gateway, c.neighbour.gateway, internet.hostIp]) {
        const r = await appProbe(c.escape, "tcp", ip, String(ports.host));
        expect(r.verdict, r.line).toBe("BLOCKED");
      }
    });

    it("the host's services on [::], via the bridge's IPv6 link-local address (apps have no IPv6)", async () => {
      const linkLocal = async (dev: string) => /inet6 (fe80::[0-9a-f:]+)/.exec(await must("ip", ["-6", "-o", "addr", "show", "dev", dev, "scope", "link"]))?.[1];
      const [appLl, scratchLl] = [await linkLocal(c.escape.bridge), await linkLocal(scratchNet.bridge)];
      expect(appLl && scratchLl).toBeTruthy();
      // The server answers on it (root on the host), and an unguarded container reaches its own bridge's.
      expect(await reachesMarker([], `${appLl}%${c.escape.bridge}`, ports.host)).toBe(true);
      // A fresh link-local address is "tentative" for a moment (duplicate address detection): wait that out, so
      // that BLOCKED below is the firewall dropping the packet, not an address the container cannot use yet.
      const notTentative = (o: Outcome) => !/Cannot assign requested address/.test(o.line) && o;
      const control = await waitFor("the unguarded container's link-local", async () => notTentative(await scratchProbe("bridged", "tcp", `${scratchLl}%eth0`, String(ports.host))), 20_000);
      expect(control.verdict, control.line).toBe("PASS");
      const r = await waitFor("the app's link-local", async () => notTentative(await appProbe(c.escape, "tcp", `${appLl}%eth0`, String(ports.host))), 20_000);
      expect(r.verdict, r.line).toBe("BLOCKED");
      expect(r.line).toMatch(/timed out/); // PCC's ip6tables DROP on the app's bridge
    });

    it("egress without a grant is blocked; the same app, granted, reaches the (fake) internet", async () => {
      const target = [internet.ips[0], String(internet.port)];
      expect((await scratchProbe("bridged", "tcp", ...target)).verdict).toBe("PASS");
      expect((await appProbe(c.online, "tcp", ...target)).verdict).toBe("BLOCKED");
      expect((await appProbe(c.escape, "tcp", ...target)).verdict).toBe("BLOCKED");
      const r = await pcc.trpc("apps.reconfigure", { id: "online", grants: { internet: true } }, session);
      expect(r.status, r.text).toBe(200);
      expect((await appProbe(c.online, "tcp", ...target)).verdict).toBe("PASS");
      expect((await appProbe(c.escape, "tcp", ...target)).verdict).toBe("BLOCKED");
    });

    it("cloud metadata: the link-local range is rejected even for an app granted the internet", async () => {
      // Granted (again: the grant is idempotent, so this test also stands alone).
      expect((await pcc.trpc("apps.reconfigure", { id: "online", grants: { internet: true } }, session)).status).toBe(200);
      // The rule: in the granted app's egress chain, 169.254.0.0/16 is rejected before anything else can let it through.
      const table = tableName(pcc.dataDir);
      const listed = async (chain: string) => (await must("nft", ["list", "chain", "ip", table, chain])).split("\n").map((l) => l.trim());
      const rules = await listed("egress-online");
      const meta = rules.indexOf("ip daddr 169.254.0.0/16 reject with icmp admin-prohibited");
      expect(meta, rules.join("\n")).toBeGreaterThanOrEqual(0);
      expect(rules.slice(0, meta).some((l) => /\b(return|accept)\b/.test(l))).toBe(false);
      expect(await listed("forward")).toContain(`iifname "${c.online.bridge}" jump egress-online comment "pcc app online"`);
      // A live address in that range, routed into the fake internet: checked for every sender before any packet is sent.
      for (const from of [[], ["from", c.online.ip, "iif", c.online.bridge], ["from", bridgedIp, "iif", scratchNet.bridge]]) {
        expect(await must("ip", ["route", "get", metadata, ...from])).toContain(`dev ${internet.hostIf}`);
      }
      expect(await reachesMarker([], metadata, internet.port)).toBe(true);
      expect((await scratchProbe("bridged", "tcp", metadata, String(internet.port))).verdict).toBe("PASS");
      const r = await appProbe(c.online, "tcp", metadata, String(internet.port));
      expect(r.verdict, r.line).toBe("BLOCKED");
      expect(r.line).toMatch(/No route to host/); // PCC's REJECT (icmp-admin-prohibited), not a missing route
      // Meanwhile the grant works, and still opens neither the host nor another app.
      expect((await appProbe(c.online, "tcp", internet.ips[0], String(internet.port))).verdict).toBe("PASS");
      for (const [ip, port] of [[c.online.gateway, ports.host], [c.escape.ip, 8080], [c.neighbour.ip, 8080]] as const) {
        const other = await appProbe(c.online, "tcp", ip, String(port));
        expect(other.verdict, other.line).toBe("BLOCKED");
      }
    });

    it("from the host, only root reaches an app: not an unprivileged user", async () => {
      expect(await reachesHealth(NOBODY, bridgedIp, 8080)).toBe(true);
      expect(await reachesHealth([], c.escape.ip, 8080)).toBe(true);
      // Each refused attempt waits out nc's 3 s: ask both at once.
      expect(await Promise.all([reachesHealth(NOBODY, c.escape.ip, 8080), reachesHealth(NOBODY, c.neighbour.ip, 8080)])).toEqual([false, false]);
    });

    it("from another network namespace routed to the app's subnet (a LAN neighbour)", async () => {
      const inNs = ["ip", "netns", "exec", internet.ns];
      expect(await reachesHealth(inNs, bridgedIp, 8080)).toBe(true);
      expect(await reachesHealth(inNs, c.escape.ip, 8080)).toBe(false);
    });
  });
});
