import { describe, expect, it } from "vitest";
import type { AppStats } from "../modules/runtime/observe/app-stats";
import { bytes, formatLine, formatStats, parseObserveArgs } from "./observe-cli";

describe("./pcc app logs|stats arguments", () => {
  it("reads logs ID [SERVICE] with -f, --since, --tail (both spellings), -t and --json", () => {
    expect(parseObserveArgs(["logs", "kv"])).toEqual({ req: { cmd: "app.logs", id: "kv", follow: false }, json: false, timestamps: false });
    expect(parseObserveArgs(["logs", "kv", "store", "-f", "--since", "10m", "--tail", "20", "-t"])).toEqual({
      req: { cmd: "app.logs", id: "kv", service: "store", follow: true, since: "10m", tail: 20 },
      json: false,
      timestamps: true,
    });
    expect(parseObserveArgs(["logs", "--tail=5", "kv", "--follow", "--since=2026-01-01T00:00:00Z", "--json"])?.req).toEqual({
      cmd: "app.logs",
      id: "kv",
      follow: true,
      tail: 5,
      since: "2026-01-01T00:00:00Z",
    });
  });

  it("refuses what it does not understand (usage)", () => {
    for (const bad of [["logs"], ["logs", "kv", "--tail", "x"], ["logs", "kv", "--tail"], ["logs", "kv", "a", "b"], ["logs", "kv", "--bogus"], ["stats", "kv", "web"], ["stats"]]) {
      expect(parseObserveArgs(bad)).toBeNull();
    }
    expect(parseObserveArgs(["stats", "kv", "--json"])).toEqual({ req: { cmd: "app.stats", id: "kv" }, json: true, timestamps: false });
  });
});

describe("printing", () => {
  it("prefixes lines with their service only when several are shown", () => {
    const l = { service: "web", stream: "stdout" as const, time: "2026-01-01T00:00:00Z", text: "hi" };
    expect(formatLine(l, { width: 0, timestamps: false, json: false })).toBe("hi\n");
    expect(formatLine(l, { width: 5, timestamps: true, json: false })).toBe("web   | 2026-01-01T00:00:00Z hi\n");
    expect(JSON.parse(formatLine(l, { width: 5, timestamps: false, json: true }))).toEqual(l);
  });

  it("shows sizes in binary units and a stats table with a total row and the disk line", () => {
    expect([bytes(0), bytes(1023), bytes(1536), bytes(10 << 20), bytes(null)]).toEqual(["0 B", "1023 B", "1.50 KiB", "10.0 MiB", "?"]);
    const svc = { container: "c", cpuPercent: 1.5, memoryBytes: 1 << 20, memoryLimitBytes: 256 << 20, netRxBytes: 2048, netTxBytes: 1024, netRxBytesPerSec: 0, netTxBytesPerSec: 0, blockReadBytes: 0, blockWriteBytes: 0, pids: 2 };
    const s: AppStats = {
      appId: "kv",
      at: "2026-01-01T00:00:00.000Z",
      services: [
        { ...svc, service: "web", running: true },
        { ...svc, service: "store", running: false, cpuPercent: null },
      ],
      total: { ...svc, running: 1 },
      disk: { bytes: 1 << 20, volumes: [{ volume: "data", name: "pcc_kv_data", bytes: 1 << 20 }] },
    };
    const out = formatStats(s).split("\n");
    expect(out[0]).toMatch(/^SERVICE\s+STATE\s+CPU\s+MEMORY \/ LIMIT\s+NET IN \/ OUT\s+BLOCK READ \/ WRITE\s+PIDS$/);
    expect(out[1]).toMatch(/^web\s+running\s+1\.50%\s+1\.00 MiB \/ 256\.0 MiB\s+2\.00 KiB \/ 1\.00 KiB/);
    expect(out[2]).toMatch(/^store\s+stopped\s+-\s+-/);
    expect(out[3]).toMatch(/^total\s+1\/2 up\s+1\.50%/);
    expect(out.at(-1)).toBe("disk: 1.00 MiB in volumes (data 1.00 MiB)");
  });
});
