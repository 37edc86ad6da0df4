import { describe, expect, it } from "vitest";
import { PullProgressTracker } from "./pull-progress";

const A = `sha256:${"a1".repeat(32)}`;
const B = `sha256:${"b2".repeat(32)}`;
const short = (d: string) => d.slice(7, 19);

describe("pull progress", () => {
  it("counts each finished layer in full against the registry's sizes, even without byte counts", () => {
    const t = new PullProgressTracker();
    t.knowSizes(new Map([[A, 300], [B, 100]]));
    expect(t.update({ id: short(A), status: "Pulling fs layer", progressDetail: {} })).toEqual({ done: 0, total: 400 });
    expect(t.update({ id: short(B), status: "Download complete", progressDetail: {} })).toEqual({ done: 100, total: 400 });
    // The config blob is not a layer: it changes nothing.
    expect(t.update({ id: "c0ffeec0ffee", status: "Download complete" })).toEqual({ done: 100, total: 400 });
    expect(t.update({ id: short(A), status: "Downloading", progressDetail: { current: 150, total: 300 } })).toEqual({ done: 250, total: 400 });
    expect(t.update({ id: short(A), status: "Download complete" })).toEqual({ done: 400, total: 400 });
  });

  it("without sizes, sums what Podman reports", () => {
    const t = new PullProgressTracker();
    expect(t.update({ id: short(A), status: "Downloading", progressDetail: { current: 10, total: 40 } })).toEqual({ done: 10, total: 40 });
    expect(t.update({ id: short(B), status: "Download complete", progressDetail: {} })).toEqual({ done: 10, total: 40 });
    expect(t.update({ id: short(A), status: "Download complete" })).toEqual({ done: 40, total: 40 });
  });

  it("ignores events that are not about a layer", () => {
    const t = new PullProgressTracker();
    expect(t.update({ status: "Trying to pull" })).toBeNull();
    expect(t.update({ id: "../etc", status: "Download complete" })).toBeNull();
  });
});
