import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../testing/fakes";
import { killStale, startChild } from "./child";

describe("killStale", () => {
  const pids: number[] = [];
  const dirs: string[] = [];
  afterEach(() => {
    pids.splice(0).forEach((pid) => (alive(pid) ? process.kill(pid, "SIGKILL") : undefined));
    dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
  });
  /** A leftover helper: not our child (as after a crash of PCC), its last argument naming its PCC's files. */
  const start = (marker: string) => {
    const out = execFileSync("sh", ["-c", `"$0" -e "setTimeout(() => {}, 30000)" "$1" >/dev/null 2>&1 & echo $!`, process.execPath, marker], { encoding: "utf8" });
    const pid = Number(out.trim());
    pids.push(pid);
    return { pid };
  };
  const pidFile = (pid: number) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pcc-child-"));
    dirs.push(dir);
    const f = path.join(dir, "helper.pid");
    fs.writeFileSync(f, String(pid));
    return f;
  };
  const alive = (pid: number) => fs.existsSync(`/proc/${pid}`) && !fs.readFileSync(`/proc/${pid}/stat`, "utf8").includes(") Z ");

  it("ends this PCC's own leftover helper", async () => {
    const p = start("/data/a/run/podman.sock");
    await new Promise((r) => setTimeout(r, 300));
    killStale(pidFile(p.pid!), "node", "/data/a/run/podman.sock", silentLogger());
    expect(alive(p.pid!)).toBe(false);
  });

  it("leaves alone a process that took over the pid: another PCC's helper of the same name, or another program", async () => {
    const other = start("/data/b/run/podman.sock");
    await new Promise((r) => setTimeout(r, 300));
    killStale(pidFile(other.pid!), "node", "/data/a/run/podman.sock", silentLogger());
    killStale(pidFile(other.pid!), "caddy", "/data/b/run/podman.sock", silentLogger());
    expect(alive(other.pid!)).toBe(true);
  });
});

describe("startChild", () => {
  it("runs the helper in the folder it is given, not in PCC's own", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pcc-child-"));
    try {
      const child = startChild("probe", "sh", ["-c", "pwd > where; exec sleep 30"], process.env, path.join(dir, "probe.log"), silentLogger(), path.join(dir, "probe.pid"), "sh", dir);
      for (let i = 0; i < 50 && !fs.existsSync(path.join(dir, "where")); i++) await new Promise((r) => setTimeout(r, 20));
      await child.stop();
      expect(fs.readFileSync(path.join(dir, "where"), "utf8").trim()).toBe(dir);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
