import { describe, expect, it } from "vitest";
import { compareSemver } from "./semver";

describe("compareSemver", () => {
  it("orders versions as semver does, pre-releases before their release, build metadata ignored", () => {
    const sorted = ["0.9.0", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha-1", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0", "1.2.0", "1.10.0", "2.0.0"];
    const shuffled = [...sorted].reverse();
    expect(shuffled.sort(compareSemver)).toEqual(sorted);
    expect(compareSemver("1.0.0+build.1", "1.0.0+build.2")).toBe(0);
  });
});
