import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { must, run } from "../helpers/netns";
import type { PccInstance } from "../helpers/pcc-instance";
import { expectBlockedOnly, SandboxFixture, startAbstractServer } from "../helpers/sandbox-probes";

/**
 * Sandbox escape probes (issue 6), part 1: what the processes of ONE app can do to the kernel and the host.
 * Run INSIDE app containers that a real PCC installed, each one first shown to get through against an
 * unprotected target (tests/helpers/sandbox-probes.ts), so that a BLOCKED never just means "the tool broke":
 * the app's own process against a privileged container, the syscalls PCC's seccomp profile closes, its
 * limits and privileges, and PCC's, Caddy's and Podman's sockets, files and processes. Only the escape app
 * is installed: nothing here needs another app, and each install costs seconds.
 * Part 2, apps between themselves and the network around them: 07-sandbox-isolation.integration.test.ts.
 */

describe.skipIf(process.getuid?.() !== 0)("sandbox escape probes inside real apps", () => {
  const sbx = new SandboxFixture({ apps: ["escape"], boxes: ["priv", "loose", "open"] });
  const { c, appProbe, appExtra, scratchProbe, scratchExtra } = sbx;
  let pcc: PccInstance;
  const abstractName = `pcc-sbx-${sbx.tag}`;
  let abstractServer: Awaited<ReturnType<typeof startAbstractServer>> | null = null;

  beforeAll(async () => {
    await sbx.start();
    pcc = sbx.pcc;
    abstractServer = await startAbstractServer(abstractName);
  });

  afterAll(async () => {
    abstractServer?.kill("SIGKILL");
    await sbx.stop();
    console.log(`sandbox escape probes (process): ${Date.now() - sbx.t0} ms in all`);
  });

  describe("the app's own process (probe server), against a privileged container", () => {
    const cases: [string, string[], RegExp][] = [
      ["raw-socket", [], /Operation not permitted/],
      ["mount", [], /EPERM/],
      ["proc-sys", [], /Read-only file system/],
      ["proc-sys", ["/proc/sys/net/ipv4/ip_forward"], /Read-only file system/],
      ["keyctl", [], /EPERM/],
      ["ptrace", ["1"], /EPERM/],
      ["bpf", [], /EPERM/],
      ["unshare-user", [], /EPERM/],
      ["mknod", [], /Operation not permitted/],
      ["write-root", [], /Read-only file system/],
      ["uid-map", [], /uid 1000 uid_map \[0 \d+ 65536\]/],
    ];
    for (const [name, args, why] of cases) {
      it(`${name} ${args.join(" ")}`.trim(), async () => {
        const control = await scratchProbe("priv", name, ...args);
        const attempt = await appProbe(c.escape, name, ...args);
        expectBlockedOnly(control, attempt);
        expect(attempt.line).toMatch(why);
      });
    }

    it("capabilities: none effective, none in the bounding set, no new privileges, seccomp on", async () => {
      expectBlockedOnly(await scratchProbe("priv", "caps"), await appProbe(c.escape, "caps"));
      const caps = await appProbe(c.escape, "caps");
      for (const k of ["CapEff", "CapPrm", "CapBnd", "CapAmb"]) expect(caps.line).toContain(`${k}=0000000000000000`);
      expect(caps.line).toContain("NoNewPrivs=1");
      expect(caps.line).toContain("Seccomp=2");
    });

    it("pids limit: an app limited to 64 cannot start 200 processes", async () => {
      expectBlockedOnly(await scratchProbe("loose", "pids", "200"), await appProbe(c.escape, "pids", "200"));
      expect(Number(/stopped after (\d+)/.exec((await appProbe(c.escape, "pids", "200")).line)?.[1])).toBeLessThan(64);
    });
  });

  describe("PCC's seccomp profile", () => {
    // Every app container runs with the profile: checked in 07-sandbox-isolation, where all the apps are.
    // Each was open under Podman's default profile (loose) and is closed by PCC's.
    for (const name of ["ptrace", "unshare-user"]) {
      it(`${name}: allowed by Podman's default profile, refused by PCC's`, async () => {
        expectBlockedOnly(await scratchProbe("loose", name), await appProbe(c.escape, name));
      });
    }
    for (const name of ["clone-newuser", "clone3-newuser", "process-vm-readv", "keyctl-session"]) {
      it(`${name}: allowed by Podman's default profile, refused by PCC's`, async () => {
        expectBlockedOnly(await scratchExtra("loose", name), await appExtra(c.escape, name));
      });
    }
    for (const name of ["syslog", "userfaultfd", "perf-event", "io-uring", "setns"]) {
      it(`${name}: refused`, async () => {
        expectBlockedOnly(await scratchExtra("priv", name), await appExtra(c.escape, name));
      });
    }
  });

  describe("limits and privileges", () => {
    it("memory limit: a process touching 512 MB in a 128 MB app is killed, and the app keeps serving", async () => {
      expectBlockedOnly(await scratchExtra("loose", "memory", "512"), await appExtra(c.escape, "memory", "512"));
      expect((await appExtra(c.escape, "memory", "512")).line).toMatch(/killed by signal 9 \(limit 134217728\)/);
      expect((await fetch(`http://${c.escape.ip}:8080/health`)).status).toBe(200);
    });

    it("setuid binaries: su runs without its setuid bit (no-new-privileges)", async () => {
      expectBlockedOnly(await scratchExtra("loose", "setuid"), await appExtra(c.escape, "setuid"));
      expect((await appExtra(c.escape, "setuid")).line).toMatch(/uid 1000\/1000\/1000/);
    });
  });

  describe("PCC, Caddy and Podman", () => {
    const sockets = () => {
      const found: string[] = [];
      const walk = (dir: string) => {
        for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
          const p = path.join(dir, d.name);
          if (d.isSocket()) found.push(p);
          else if (d.isDirectory() && !/\/podman\/(storage|volumes)$/.test(p)) walk(p);
        }
      };
      walk(pcc.dataDir);
      return found.sort();
    };

    it("no socket under PCC's data dir is reachable from an app (PCC's CLI, the shell, the gate, Caddy's admin API, Podman, the gateway's)", async () => {
      const all = sockets();
      for (const s of ["run/pcc.sock", "run/podman.sock", "run/web.sock", "run/gate.sock", "run/caddy/admin.sock"]) expect(all).toContain(path.join(pcc.dataDir, s));
      for (const s of all) {
        expectBlockedOnly(await scratchExtra("open", "unix", s), await appExtra(c.escape, "unix", s));
        expect((await appExtra(c.escape, "unix", s)).line).toMatch(/No such file or directory/);
      }
    });

    it("no file of PCC's is visible either (database, secrets key)", async () => {
      for (const f of ["pcc.db", "secrets.key"]) {
        const file = path.join(pcc.dataDir, f);
        expectBlockedOnly(await scratchExtra("open", "read", file), await appExtra(c.escape, "read", file));
      }
    });

    it("Caddy's admin API: alive on its unix socket for root, out of reach for an app, and on no TCP port", async () => {
      const admin = path.join(pcc.dataDir, "run/caddy/admin.sock");
      // Caddy's admin API answers only requests with an empty Host header (curl's "Host;" sends one).
      const config = await run("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--unix-socket", admin, "-H", "Host;", "http://localhost/config/"]);
      expect(config.stdout).toBe("200");
      expect((await must("ss", ["-Hltn", "sport = :2019"])).trim()).toBe("");
      for (const ip of [c.escape.gateway, "127.0.0.1"]) expect((await appProbe(c.escape, "tcp", ip, "2019")).verdict).toBe("BLOCKED");
      expectBlockedOnly(await scratchExtra("open", "unix", admin), await appExtra(c.escape, "unix", admin));
    });

    it("Podman's socket: neither PCC's nor any usual one", async () => {
      const own = path.join(pcc.dataDir, "run/podman.sock");
      expectBlockedOnly(await scratchExtra("open", "unix", own), await appExtra(c.escape, "unix", own));
      for (const s of ["/run/podman/podman.sock", "/var/run/docker.sock", "/run/docker.sock", "/run/user/0/podman/podman.sock"]) {
        expect((await appExtra(c.escape, "unix", s)).verdict, s).toBe("BLOCKED");
      }
    });

    it("abstract unix sockets of the host", async () => {
      expectBlockedOnly(await scratchExtra("open", "unix", `@${abstractName}`), await appExtra(c.escape, "unix", `@${abstractName}`));
    });

    it("the host's processes (PCC's Podman) are invisible", async () => {
      expectBlockedOnly(await scratchExtra("open", "pids", `${pcc.dataDir}/run/podman.sock`), await appExtra(c.escape, "pids", `${pcc.dataDir}/run/podman.sock`));
    });
  });
});
