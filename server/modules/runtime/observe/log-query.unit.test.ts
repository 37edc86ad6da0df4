import { describe, expect, it } from "vitest";
import { DomainError } from "../../../errors";
import { parseSince } from "./log-query";

describe("parseSince", () => {
  const now = Date.UTC(2026, 0, 31, 12, 0, 0);
  it("reads durations back from now", () => {
    expect(parseSince("30s", now).getTime()).toBe(now - 30_000);
    expect(parseSince("10m", now).getTime()).toBe(now - 600_000);
    expect(parseSince("1h30m", now).getTime()).toBe(now - 5_400_000);
    expect(parseSince("2d", now).getTime()).toBe(now - 2 * 86_400_000);
  });
  it("reads instants", () => {
    expect(parseSince("2026-01-31T11:00:00Z", now).toISOString()).toBe("2026-01-31T11:00:00.000Z");
    expect(parseSince("2026-01-31T11:00:00.5+01:00", now).toISOString()).toBe("2026-01-31T10:00:00.500Z");
  });
  it("refuses anything else with a message saying what to give", () => {
    for (const bad of ["", "10", "ten minutes", "10x", "-5m", "2026-13-45T99:00:00Z"]) {
      expect(() => parseSince(bad, now)).toThrow(DomainError);
    }
    expect(() => parseSince("soon", now)).toThrow(/duration back from now/);
  });
});
