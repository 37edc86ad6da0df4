import fs from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { PccInstance, waitFor } from "../helpers/pcc-instance";

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
    pcc?.cleanup();
  });

  it.each(["SIGINT", "SIGTERM"] as const)("%s to the whole process group stops apps first, then the helpers, and exits in bounded time", async (sig) => {
    pcc ??= await PccInstance.start();
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
