import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { PccInstance, waitFor } from "../helpers/pcc-instance";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Processes whose command line mentions this PCC's data dir: its helpers, conmon of its apps. */
function processesOf(dataDir: string): string[] {
  const found: string[] = [];
  for (const pid of fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
      if (cmd.includes(dataDir)) found.push(`${pid}: ${cmd.slice(0, 120)}`);
    } catch {
      /* exited meanwhile */
    }
  }
  return found;
}

describe("stopping PCC the way a terminal does", () => {
  let pcc: PccInstance;
  afterAll(async () => {
    await pcc?.stop();
    await pcc?.cleanup();
  });

  it.each(["SIGINT", "SIGTERM"] as const)("%s to the whole process group stops apps first, then the helpers, and exits in bounded time", async (sig) => {
    // The compiled server with scripts/server.env, as ./pcc start runs it: what an owner's terminal holds,
    // and the suite's proof that the build itself boots, migrates and installs.
    pcc ??= await PccInstance.start({ compiled: true });
    if (sig === "SIGINT") {
      expect(pcc.cli("app", "install", "hello").code).toBe(0);
    } else {
      await pcc.boot();
      await waitFor("hello running again", async () => JSON.parse(pcc.cli("app", "list", "--json").stdout)[0]?.status === "running");
    }
    expect(processesOf(pcc.dataDir).length).toBeGreaterThan(2);
    const before = pcc.output.length;

    const { code, ms } = await pcc.signalGroup(sig);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(30_000);
    // Nothing of this PCC is left: not Podman's service, not Caddy, not an app's conmon.
    await waitFor("every process of this PCC gone", async () => processesOf(pcc.dataDir).length === 0, 10_000);
    const log = fs.readFileSync(`${pcc.dataDir}/logs/pcc.log`, "utf8");
    expect(log).not.toMatch(/helper died|stop failed|could not stop apps/);
    expect(pcc.output.slice(before)).not.toMatch(/error|fail/i);
  });

  it("the next start brings the app back as the owner left it", async () => {
    await pcc.boot();
    await waitFor("hello running", async () => JSON.parse(pcc.cli("app", "list", "--json").stdout)[0]?.status === "running");
  });
});

describe("starting on a machine that lacks what PCC runs", () => {
  it("refuses to start and names each missing piece with its fix, before touching anything", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pcc-prereq-"));
    try {
      const r = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "server/main.ts")], {
        cwd: ROOT,
        // A PATH that reaches none of Podman, Caddy, iptables (an empty folder), as a careless service file would.
        env: { ...process.env, PATH: dataDir, PCC_DATA_DIR: dataDir, PCC_WEB: "off" },
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(r.status).toBe(1);
      for (const name of ["podman", "caddy", "iptables"]) expect(r.stderr).toContain(name);
      expect(r.stderr).toMatch(/\.\/pcc start/);
      // Nothing was started or written.
      expect(fs.readdirSync(dataDir)).toEqual([]);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
