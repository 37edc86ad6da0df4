import { describe, expect, it } from "vitest";
import { parseAppSpec } from "./spec.schema";
import { minimalSpec } from "./spec-fixtures";

const withVersion = (apiVersion: unknown, extra: Record<string, unknown> = {}): Record<string, any> => ({ ...minimalSpec(), apiVersion, ...extra });

describe("apiVersion", () => {
  it.each(["pcc.app/v1", "pcc.app/v1.0"])("reads %s", (v) => {
    const r = parseAppSpec(withVersion(v));
    expect(r.errors).toEqual([]);
    expect(r.spec?.apiVersion).toBe(v);
  });

  it("refuses an unknown field under a known version", () => {
    expect(parseAppSpec(withVersion("pcc.app/v1.0", { sharing: true })).errors).toEqual([{ path: "sharing", message: "is not a field of pcc.app/v1" }]);
  });

  it("ignores an unknown field, with a warning, when the file is written for a newer minor", () => {
    const s = withVersion("pcc.app/v1.3", { sharing: { albums: true } });
    s.services.web.gpuShare = 0.5;
    const r = parseAppSpec(s);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([
      { path: "services.web.gpuShare", message: "is not a field of pcc.app/v1.0; ignored (this file is written for pcc.app/v1.3, newer than this PCC)" },
      { path: "sharing", message: "is not a field of pcc.app/v1.0; ignored (this file is written for pcc.app/v1.3, newer than this PCC)" },
    ]);
    expect(r.spec).toBeDefined();
    expect(r.spec).not.toHaveProperty("sharing");
    expect(r.spec!.services.web).not.toHaveProperty("gpuShare");
    expect(s.services.web.gpuShare).toBe(0.5);
  });

  it("still reports real errors in a newer-minor file", () => {
    const r = parseAppSpec(withVersion("pcc.app/v1.3", { sharing: true, version: "latest" }));
    expect(r.errors.map((e) => e.path)).toEqual(["version"]);
    expect(r.warnings.map((e) => e.path)).toEqual(["sharing"]);
  });

  it.each(["pcc.app/v2", "pcc.app/v2.1", "pcc.app/v17"])("refuses the newer major %s with that message only", (v) => {
    const r = parseAppSpec(withVersion(v, { services: "whatever v2 means" }));
    expect(r.errors).toEqual([{ path: "apiVersion", message: `This app needs a newer PCC (it is written for ${v}; this PCC understands pcc.app/v1).` }]);
    expect(r.spec).toBeUndefined();
  });

  it("says what to write when apiVersion is missing", () => {
    const { apiVersion: _a, ...s } = minimalSpec();
    expect(parseAppSpec(s).errors).toEqual([{ path: "apiVersion", message: 'is missing: start the file with "apiVersion: pcc.app/v1"' }]);
  });

  it.each([
    ["pcc.app/1", 'is "pcc.app/1"; expected "pcc.app/v1"'],
    ["v1", 'is "v1"; expected "pcc.app/v1"'],
    ["pcc.app/v0", 'is "pcc.app/v0"; expected "pcc.app/v1"'],
    ["pcc.app/v1.x", 'is "pcc.app/v1.x"; expected "pcc.app/v1"'],
    [1, 'is a number; expected "pcc.app/v1"'],
    [{ v: 1 }, 'is a object; expected "pcc.app/v1"'],
  ])("refuses the garbled %j", (v, message) => {
    expect(parseAppSpec(withVersion(v)).errors).toEqual([{ path: "apiVersion", message }]);
  });
});
