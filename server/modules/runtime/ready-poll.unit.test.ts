import { describe, expect, it } from "vitest";
import { readyPollMs } from "./app-runtime";
import type { Healthcheck } from "../spec";

const http = { http: { port: 8080, path: "/" }, interval: 5_000, timeout: 2_000, retries: 3, startPeriod: 0 } as unknown as Healthcheck;
const command = { command: ["true"], interval: 5_000, timeout: 2_000, retries: 3, startPeriod: 0 } as unknown as Healthcheck;

describe("readyPollMs", () => {
  it("asks every 20 ms in a service's first second, then at the usual pace", () => {
    expect(readyPollMs(0)).toBe(20);
    expect(readyPollMs(999, http)).toBe(20);
    expect(readyPollMs(1_000)).toBe(100);
    expect(readyPollMs(1_500, http)).toBe(250);
  });

  it("keeps a command check at its usual pace from the start: each one runs a process in the container", () => {
    expect(readyPollMs(0, command)).toBe(250);
  });
});
