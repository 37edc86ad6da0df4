import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url)).replace(/\/$/, "");

/** `./pcc enable|disable` as root would run it, with systemd's places moved into a temp dir. */
function pcc(args: string[], env: Record<string, string>) {
  const r = spawnSync(path.join(ROOT, "pcc"), args, { cwd: os.tmpdir(), env: { ...process.env, ...env }, encoding: "utf8", timeout: 60_000 });
  return { code: r.status, out: r.stdout + r.stderr };
}

describe("reboot survival: ./pcc enable writes a systemd unit that runs ./pcc start at boot", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pcc-unit-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("generates a unit that systemd-analyze verify accepts without a single warning, with PCC's settings kept", () => {
    const tricky = `/srv/my "apps" 100% \\ here`;
    const r = spawnSync("bash", [path.join(ROOT, "scripts/pcc-service.sh"), "unit", ROOT], {
      env: { ...process.env, PCC_DOMAIN: "box.example.com", PCC_CATALOG_DIR: tricky, PCC_SYSTEMD_UNIT_DIR: "/not/this", PCC_CRASH_AT: "install:journaled" },
      encoding: "utf8",
    });
    expect(r.status, r.stderr).toBe(0);
    const unit = path.join(dir, "pcc.service");
    fs.writeFileSync(unit, r.stdout);
    // Works without systemd as PID 1 (this machine has none): it only parses and checks the unit.
    const verify = spawnSync("systemd-analyze", ["verify", "--man=no", unit], { encoding: "utf8" });
    expect(verify.stderr).toBe("");
    expect(verify.status).toBe(0);

    const text = r.stdout;
    expect(text).toContain(`ExecStart=${ROOT}/pcc start\n`);
    expect(text).toContain(`WorkingDirectory=${ROOT}\n`);
    expect(text).toMatch(/^After=network-online\.target$/m);
    expect(text).toMatch(/^Wants=network-online\.target$/m);
    expect(text).toMatch(/^Restart=on-failure$/m);
    expect(text).toMatch(/^KillMode=mixed$/m);
    expect(text).toMatch(/^WantedBy=multi-user\.target$/m);
    expect(text).toContain('Environment="PCC_DOMAIN=box.example.com"\n');
    expect(text).toContain('Environment="PCC_CATALOG_DIR=/srv/my \\"apps\\" 100%% \\\\ here"\n');
    // Test hooks stay out of it.
    expect(text).not.toContain("PCC_SYSTEMD_");
    expect(text).not.toContain("PCC_CRASH_AT");
    // systemd waits a little longer than PCC's own shutdown deadline, so PCC's always acts first.
    const deadlineMs = Number(/SHUTDOWN_DEADLINE_MS = ([\d_]+)/.exec(fs.readFileSync(path.join(ROOT, "server/main.ts"), "utf8"))![1]!.replace(/_/g, ""));
    const stopS = Number(/^TimeoutStopSec=(\d+)s$/m.exec(text)![1]);
    expect(stopS * 1000).toBeGreaterThan(deadlineMs);
    expect(stopS * 1000).toBeLessThanOrEqual(deadlineMs + 10_000);
  });

  it("without systemd, writes the unit and says what to run instead; disable removes it", () => {
    const env = { PCC_SYSTEMD_UNIT_DIR: dir, PCC_SYSTEMD_RUN_DIR: path.join(dir, "no-systemd") };
    const on = pcc(["enable"], env);
    expect(on.code, on.out).toBe(0);
    expect(fs.existsSync(path.join(dir, "pcc.service"))).toBe(true);
    expect(fs.statSync(path.join(dir, "pcc.service")).mode & 0o777).toBe(0o644);
    expect(on.out).toMatch(/systemd is not running on this machine/);
    expect(on.out).toContain(`${ROOT}/pcc start`);
    const off = pcc(["disable"], env);
    expect(off.code, off.out).toBe(0);
    expect(fs.existsSync(path.join(dir, "pcc.service"))).toBe(false);
  });

  it("with systemd, reloads it and enables the service now; disable stops it and takes it away", () => {
    // A stand-in systemctl that records its calls; "is-active" answers inactive, as for a fresh unit.
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, "systemctl"), `#!/bin/sh\necho "$*" >> "${dir}/calls"\n[ "$1" = is-active ] && exit 3\nexit 0\n`, { mode: 0o755 });
    fs.mkdirSync(path.join(dir, "run-systemd"));
    const env = {
      PCC_SYSTEMD_UNIT_DIR: path.join(dir, "units"),
      PCC_SYSTEMD_RUN_DIR: path.join(dir, "run-systemd"),
      PCC_DATA_DIR: path.join(dir, "data"),
      PATH: `${bin}:${process.env.PATH}`,
    };
    const on = pcc(["enable"], env);
    expect(on.code, on.out).toBe(0);
    expect(fs.readFileSync(path.join(dir, "calls"), "utf8").trim().split("\n")).toEqual(["daemon-reload", "is-active --quiet pcc.service", "enable --now pcc.service"]);
    expect(fs.readFileSync(path.join(dir, "units/pcc.service"), "utf8")).toContain(`Environment="PCC_DATA_DIR=${path.join(dir, "data")}"`);
    fs.rmSync(path.join(dir, "calls"));
    const off = pcc(["disable"], env);
    expect(off.code, off.out).toBe(0);
    expect(fs.readFileSync(path.join(dir, "calls"), "utf8").trim().split("\n")).toEqual(["disable --now pcc.service", "daemon-reload"]);
    expect(fs.existsSync(path.join(dir, "units/pcc.service"))).toBe(false);
  });
});
