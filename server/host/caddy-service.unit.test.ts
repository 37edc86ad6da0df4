import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { initialCaddyConfig, waitForLogLine } from "./caddy-service";

describe("Caddy's first config", () => {
  it("names the real storage and a tls app, so the storage sweep runs before any certificate is managed", () => {
    const c = initialCaddyConfig("/run/pcc/caddy/admin.sock", "/var/lib/pcc/caddy");
    expect(c.storage).toEqual({ module: "file_system", root: "/var/lib/pcc/caddy" });
    expect(c.apps).toEqual({ tls: {} });
    expect(c.admin.listen).toBe("unix//run/pcc/caddy/admin.sock");
  });
});

describe("waitForLogLine", () => {
  let dir = "";
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("finds a line written after the offset, and ignores one from before it", async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pcc-log-"));
    const file = path.join(dir, "caddy.log");
    fs.writeFileSync(file, '{"msg":"finished cleaning storage units"}\n');
    const offset = fs.statSync(file).size;
    expect(await waitForLogLine(file, offset, "finished cleaning", 60)).toBe(false);
    setTimeout(() => fs.appendFileSync(file, '{"msg":"finished cleaning storage units"}\n'), 30);
    expect(await waitForLogLine(file, offset, "finished cleaning", 2000)).toBe(true);
  });

  it("waits for a file that does not exist yet, and gives up at the deadline", async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pcc-log-"));
    const started = Date.now();
    expect(await waitForLogLine(path.join(dir, "none.log"), 0, "x", 80)).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
