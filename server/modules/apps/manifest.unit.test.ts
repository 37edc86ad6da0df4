import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { appIdSchema, imageRef, isLocalBuild, manifestSchema } from "./manifest";

const catalogDir = path.resolve(__dirname, "../../../apps-catalog");
const catalogIds = fs
  .readdirSync(catalogDir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && fs.existsSync(path.join(catalogDir, d.name, "app.yaml")))
  .map((d) => d.name);

const valid = () => ({
  id: "demo",
  name: "Demo",
  version: "1.0.0",
  image: { ref: "docker.io/library/nginx:1.27" },
  port: 8080,
});

const issues = (input: unknown) => {
  const r = manifestSchema.safeParse(input);
  return r.success ? null : r.error.issues;
};

describe("manifestSchema: the shipped catalog", () => {
  it("has apps", () => {
    expect(catalogIds.length).toBeGreaterThan(0);
  });

  it.each(catalogIds)("apps-catalog/%s/app.yaml parses and its id matches its folder", (id) => {
    const raw = parseYaml(fs.readFileSync(path.join(catalogDir, id, "app.yaml"), "utf8"));
    const r = manifestSchema.safeParse(raw);
    expect(r.error?.issues ?? []).toEqual([]);
    expect(r.data!.id).toBe(id);
  });
});

describe("manifestSchema", () => {
  it("accepts a minimal manifest and fills defaults", () => {
    const m = manifestSchema.parse(valid());
    expect(m).toMatchObject({ tagline: "", description: "", category: "utilities", env: {}, volumes: [], tmpfs: [], healthPath: "/" });
    expect(m.limits).toEqual({ memoryMb: 256, pids: 128 });
    expect(isLocalBuild(m)).toBe(false);
    expect(imageRef(m)).toBe("docker.io/library/nginx:1.27");
  });

  it("fills build defaults and names a local image", () => {
    const m = manifestSchema.parse({ ...valid(), image: { build: {} } });
    expect(isLocalBuild(m)).toBe(true);
    if (!isLocalBuild(m)) throw new Error("unreachable");
    expect(m.image.build).toEqual({ context: ".", containerfile: "Containerfile", hostFiles: {} });
    expect(imageRef(m)).toBe("localhost/pcc-demo:1.0.0");
  });

  it("accepts port 1024 and rejects privileged ports with a readable message", () => {
    expect(issues({ ...valid(), port: 1024 })).toBeNull();
    const i = issues({ ...valid(), port: 80 });
    expect(i?.[0].path).toEqual(["port"]);
    expect(i?.[0].message).toMatch(/1024 or more/);
    expect(issues({ ...valid(), port: 65536 })).not.toBeNull();
    expect(issues({ ...valid(), port: 8080.5 })).not.toBeNull();
  });

  it("rejects unknown keys, at the top and nested", () => {
    expect(issues({ ...valid(), privileged: true })).not.toBeNull();
    expect(issues({ ...valid(), image: { ref: "nginx:1", pull: "always" } })).not.toBeNull();
    expect(issues({ ...valid(), volumes: [{ name: "data", path: "/data", mode: "rw" }] })).not.toBeNull();
    expect(issues({ ...valid(), limits: { memoryMb: 64, cpus: 2 } })).not.toBeNull();
  });

  it.each(["Demo", "1demo", "de_mo", "", "-demo", "a".repeat(31), "de.mo", "../x"])("rejects the id %j", (id) => {
    expect(issues({ ...valid(), id })).not.toBeNull();
  });

  it.each(["a", "demo", "my-app-2", "a".repeat(30)])("accepts the id %j", (id) => {
    expect(appIdSchema.safeParse(id).success).toBe(true);
  });

  it.each(["../icon.svg", "a/../../b.svg", "..", "/etc/passwd", ""])("rejects the icon path %j", (icon) => {
    expect(issues({ ...valid(), icon })).not.toBeNull();
  });

  it.each(["..", "../other", "build/../..", "/abs"])("rejects the build context %j", (context) => {
    expect(issues({ ...valid(), image: { build: { context } } })).not.toBeNull();
  });

  it("accepts relative paths that stay inside the folder", () => {
    expect(issues({ ...valid(), icon: "icons/app.svg" })).toBeNull();
    expect(issues({ ...valid(), image: { build: { context: "build/sub" } } })).toBeNull();
  });

  it("rejects relative volume and tmpfs paths", () => {
    expect(issues({ ...valid(), volumes: [{ name: "data", path: "data" }] })).not.toBeNull();
    expect(issues({ ...valid(), tmpfs: ["run"] })).not.toBeNull();
    expect(issues({ ...valid(), volumes: [{ name: "data", path: "/data" }], tmpfs: ["/run"] })).toBeNull();
  });

  it("rejects relative host files in a build", () => {
    expect(issues({ ...valid(), image: { build: { hostFiles: { busybox: "bin/busybox" } } } })).not.toBeNull();
    expect(issues({ ...valid(), image: { build: { hostFiles: { "../x": "/bin/busybox" } } } })).not.toBeNull();
  });

  it("rejects an image with neither ref nor build, or with both", () => {
    expect(issues({ ...valid(), image: {} })).not.toBeNull();
    expect(issues({ ...valid(), image: { ref: "nginx:1", build: {} } })).not.toBeNull();
    const { image: _image, ...noImage } = valid();
    expect(issues(noImage)).not.toBeNull();
  });

  it("rejects a malformed image reference", () => {
    expect(issues({ ...valid(), image: { ref: "nginx latest" } })).not.toBeNull();
    expect(issues({ ...valid(), image: { ref: "--privileged" } })).not.toBeNull();
  });

  it("rejects non-numeric users, bad env names and a relative health path", () => {
    expect(issues({ ...valid(), user: "root" })).not.toBeNull();
    expect(issues({ ...valid(), user: "1000:1000" })).toBeNull();
    expect(issues({ ...valid(), env: { "BAD-NAME": "x" } })).not.toBeNull();
    expect(issues({ ...valid(), healthPath: "health" })).not.toBeNull();
  });
});
