import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { formatLintReport, lintAppDir } from "./lint";
import { fullSpec } from "./spec-fixtures";

let tmp: string;
let app: string;

/** A complete, valid app folder for fullSpec() at <tmp>/photos. */
async function writeApp(spec: Record<string, any> = fullSpec()) {
  await fs.mkdir(path.join(app, "screenshots"), { recursive: true });
  await fs.mkdir(path.join(app, "build"), { recursive: true });
  await fs.writeFile(path.join(app, "icon.svg"), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  await fs.writeFile(path.join(app, "screenshots", "1.png"), "png");
  await fs.writeFile(path.join(app, "build", "Containerfile"), "FROM scratch\n");
  await fs.writeFile(path.join(app, "app.yaml"), stringify(spec));
}

beforeEach(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "pcc-lint-"));
  app = path.join(tmp, "photos");
  await fs.mkdir(app);
  await fs.mkdir(path.join(tmp, "outside"));
  await fs.writeFile(path.join(tmp, "outside", "secret.svg"), "<svg/>");
});
afterEach(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

describe("lintAppDir", () => {
  it("passes a complete app folder and returns its spec", async () => {
    await writeApp();
    const r = await lintAppDir(app);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.spec?.id).toBe("photos");
  });

  it("reads the YAML the way authors write it", async () => {
    await fs.mkdir(path.join(app, "build"), { recursive: true });
    await fs.writeFile(path.join(app, "build", "Containerfile"), "FROM scratch\n");
    await fs.writeFile(
      path.join(app, "app.yaml"),
      `apiVersion: pcc.app/v1
id: photos
name: Photos
version: 1.4.2
tagline: Photos
description: >
  Your photos.
category: photos
developer: { name: Someone }
services:
  web:
    build: { context: build }
    healthcheck:
      http: { port: 8080, path: /health }
      interval: 10s
ingress:
  - service: web
    port: 8080
`,
    );
    const r = await lintAppDir(app);
    expect(r.errors).toEqual([]);
    expect(r.spec?.services.web.healthcheck?.interval).toBe(10_000);
  });

  it("wants the id to match the folder name", async () => {
    await writeApp({ ...fullSpec(), id: "pictures" });
    expect((await lintAppDir(app)).errors).toEqual([{ path: "id", message: 'is "pictures" but the folder is named "photos"; they must be the same' }]);
  });

  it("reports files that do not exist or are of the wrong kind", async () => {
    await writeApp();
    await fs.rm(path.join(app, "icon.svg"));
    await fs.rm(path.join(app, "build", "Containerfile"));
    await fs.mkdir(path.join(app, "build", "Containerfile"));
    expect((await lintAppDir(app)).errors).toEqual([
      { path: "icon", message: "names icon.svg, which does not exist in the app folder" },
      { path: "services.dns.build.containerfile", message: "names build/Containerfile, which is not a file" },
    ]);
  });

  it("refuses an icon that is a symlink out of the folder", async () => {
    await writeApp();
    await fs.rm(path.join(app, "icon.svg"));
    await fs.symlink(path.join(tmp, "outside", "secret.svg"), path.join(app, "icon.svg"));
    const { errors, spec } = await lintAppDir(app);
    expect(errors).toEqual([{ path: "icon", message: expect.stringMatching(/^names icon.svg, which is a symlink to .*outside.secret\.svg, outside the app folder/) }]);
    expect(spec).toBeUndefined();
  });

  it("refuses a screenshot reached through a symlinked folder out of the folder", async () => {
    await writeApp();
    await fs.rm(path.join(app, "screenshots"), { recursive: true });
    await fs.symlink(path.join(tmp, "outside"), path.join(app, "screenshots"));
    await fs.writeFile(path.join(tmp, "outside", "1.png"), "png");
    expect((await lintAppDir(app)).errors.map((e) => e.path)).toEqual(["screenshots[0]"]);
  });

  it("accepts a symlink that stays inside the folder", async () => {
    await writeApp();
    await fs.rename(path.join(app, "icon.svg"), path.join(app, "real.svg"));
    await fs.symlink("real.svg", path.join(app, "icon.svg"));
    expect((await lintAppDir(app)).errors).toEqual([]);
  });

  it("refuses a build folder that is, or contains, a symlink out of the app folder", async () => {
    await writeApp();
    await fs.symlink("/etc/passwd", path.join(app, "build", "passwd"));
    await fs.symlink(path.join(tmp, "nowhere"), path.join(app, "build", "dangling"));
    const errors = (await lintAppDir(app)).errors;
    expect(errors.map((e) => e.path)).toEqual(["services.dns.build.context", "services.dns.build.context"]);
    expect(errors.map((e) => e.message).sort()).toEqual([
      "contains build/dangling, a symlink that leads outside the app folder (or nowhere)",
      "contains build/passwd, a symlink that leads outside the app folder (or nowhere)",
    ]);

    await fs.rm(path.join(app, "build"), { recursive: true });
    await fs.mkdir(path.join(tmp, "outside", "ctx"));
    await fs.writeFile(path.join(tmp, "outside", "ctx", "Containerfile"), "FROM scratch\n");
    await fs.symlink(path.join(tmp, "outside", "ctx"), path.join(app, "build"));
    expect((await lintAppDir(app)).errors).toEqual([
      { path: "services.dns.build.context", message: expect.stringMatching(/^names build, which is a symlink to .*, outside the app folder/) },
    ]);
  });

  it("refuses an app.yaml that is a symlink out of the folder", async () => {
    await fs.writeFile(path.join(tmp, "outside", "app.yaml"), stringify(fullSpec()));
    await fs.symlink(path.join(tmp, "outside", "app.yaml"), path.join(app, "app.yaml"));
    expect((await lintAppDir(app)).errors).toEqual([{ path: "", message: "app.yaml is a symlink to a file outside the app folder" }]);
  });

  it("reports a missing folder, a missing app.yaml and broken YAML", async () => {
    expect((await lintAppDir(path.join(tmp, "nope"))).errors[0].message).toMatch(/cannot be read/);
    expect((await lintAppDir(app)).errors[0].message).toMatch(/^there is no app.yaml in /);
    await fs.writeFile(path.join(app, "app.yaml"), "a: &a [1,1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n");
    expect((await lintAppDir(app)).errors).toEqual([{ path: "", message: expect.stringMatching(/^YAML: app.yaml cannot be read/) }]);
  });

  it("reports schema errors and file errors together", async () => {
    const spec = fullSpec();
    spec.services.web.privileged = true;
    spec.screenshots = ["screenshots/2.png"];
    await writeApp(spec);
    expect((await lintAppDir(app)).errors.map((e) => e.path)).toEqual(["services.web.privileged", "screenshots[0]"]);
  });

  it("warns about script in an SVG icon", async () => {
    await writeApp();
    await fs.writeFile(path.join(app, "icon.svg"), '<svg onload="alert(1)"/>');
    const r = await lintAppDir(app);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([{ path: "icon", message: expect.stringMatching(/script/) }]);
  });
});

describe("formatLintReport", () => {
  it("lists errors then warnings under a summary line", async () => {
    const spec = fullSpec();
    spec.services.web.cap_add = ["NET_ADMIN"];
    spec.apiVersion = "pcc.app/v1.2";
    spec.sharing = true;
    await writeApp(spec);
    const text = formatLintReport(await lintAppDir(app), "apps-catalog/photos");
    expect(text).toBe(
      [
        "apps-catalog/photos/app.yaml: 1 error, 1 warning",
        "  error   services.web.cap_add: apps run with every Linux capability dropped and PCC grants none back, so an app can never gain power over the host's kernel.",
        "  warning sharing: is not a field of pcc.app/v1.0; ignored (this file is written for pcc.app/v1.2, newer than this PCC)",
        "",
      ].join("\n"),
    );
  });

  it("says OK with the app and its version", async () => {
    await writeApp();
    expect(formatLintReport(await lintAppDir(app), "apps-catalog/photos")).toBe("apps-catalog/photos/app.yaml: OK (photos 1.4.2, pcc.app/v1)\n");
  });

  it("prints file-level problems without a path", () => {
    expect(formatLintReport({ errors: [{ path: "", message: "there is no app.yaml in x" }], warnings: [] }, "x")).toBe(
      "x/app.yaml: 1 error\n  error   there is no app.yaml in x\n",
    );
  });
});
