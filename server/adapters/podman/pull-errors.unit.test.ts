import { describe, expect, it } from "vitest";
import { pullError } from "./pull-errors";

describe("pullError", () => {
  it.each([
    ["dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: no such host", /could not find the registry that hosts this app \(docker\.io\)/],
    ["dial tcp 127.0.0.1:5000: connect: connection refused", /could not reach the registry/],
    ["manifest unknown: manifest unknown", /does not have this app's image/],
    ["unauthorized: authentication required", /refused to hand out/],
    ["toomanyrequests: You have reached your pull rate limit", /limiting downloads/],
    ["writing blob: no space left on device", /disk is full/],
    ["something else entirely", /Could not download/],
  ])("%s", (raw, sentence) => {
    const e = pullError("docker.io/louislam/uptime-kuma:2@sha256:abc", raw);
    expect(e.code).toBe("EXTERNAL_FAILURE");
    expect(e.message).toMatch(sentence);
    // The technical detail stays, for the logs.
    expect(e.message).toContain(raw.slice(0, 20));
  });
});
