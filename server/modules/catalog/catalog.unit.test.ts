import { spawnSync } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DomainError } from "../../errors";
import { minimalSpec } from "../spec/spec-fixtures";
import { BuiltInCatalog, Catalog } from "./catalog";
import { folderSignature } from "./folder-signature";

const yamlFor = (id: string, extra: Record<string, unknown> = {}) => stringify({ ...minimalSpec(), id, icon: "icon.svg", ...extra });

let dir: string;

async function addApp(folder: string, yaml: string, files: Record<string, string> = {}) {
  await fs.mkdir(path.join(dir, folder), { recursive: true });
  await fs.writeFile(path.join(dir, folder, "app.yaml"), yaml);
  for (const [name, body] of Object.entries(files)) await fs.writeFile(path.join(dir, folder, name), body);
}

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "pcc-catalog-"));
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe("Catalog", () => {
  it("loads good apps and reports broken ones without failing the rest", async () => {
    await addApp("good", yamlFor("good"), { "icon.svg": "<svg/>" });
    await addApp("broken", "id: broken\nname: [unclosed\n  : :\n");
    await addApp("renamed", yamlFor("another"), { "icon.svg": "<svg/>" });
    await addApp("privileged", yamlFor("privileged", { services: { web: { image: minimalSpec().services.web.image, privileged: true } } }));
    await fs.writeFile(path.join(dir, "README.md"), "not an app");

    const { entries, problems } = await new Catalog(dir).load();

    expect([...entries.keys()]).toEqual(["good"]);
    expect(entries.get("good")!.dir).toBe(path.join(dir, "good"));
    expect(entries.get("good")!.spec.name).toBe("Demo");
    const bySource = Object.fromEntries(problems.map((p) => [p.source, p.message]));
    expect(Object.keys(bySource).sort()).toEqual([path.join("broken", "app.yaml"), path.join("privileged", "app.yaml"), path.join("renamed", "app.yaml")]);
    expect(bySource[path.join("renamed", "app.yaml")]).toBe(`id: is "another" but the folder is named "renamed"; they must be the same`);
    // Problems name the field and say why.
    expect(bySource[path.join("privileged", "app.yaml")]).toMatch(/services\.web\.privileged: .*never/);
  });

  it("ignores folders without an app.yaml (such as the JSON Schema's)", async () => {
    await fs.mkdir(path.join(dir, "schema"));
    const { entries, problems } = await new Catalog(dir).load();
    expect(entries.size).toBe(0);
    expect(problems).toHaveLength(0);
  });

  it("hides test apps unless the development setting shows them", async () => {
    await addApp("probe", yamlFor("probe", { test: true }), { "icon.svg": "<svg/>" });
    expect((await new Catalog(dir).load()).entries.has("probe")).toBe(false);
    expect((await new Catalog(dir, true).load()).entries.has("probe")).toBe(true);
  });

  it("checks each folder as lint does: files it names stay inside it, huge or odd app.yaml files are refused unread", async () => {
    await addApp("leaky", yamlFor("leaky"));
    await fs.symlink("/etc/passwd", path.join(dir, "leaky", "icon.svg"));
    await addApp("huge", "");
    await fs.truncate(path.join(dir, "huge", "app.yaml"), 1024 ** 3);
    await fs.mkdir(path.join(dir, "fifo"));
    spawnSync("mkfifo", [path.join(dir, "fifo", "app.yaml")]);
    const { entries, problems } = await new Catalog(dir).load();
    expect(entries.size).toBe(0);
    const bySource = Object.fromEntries(problems.map((p) => [p.source, p.message]));
    expect(bySource[path.join("leaky", "app.yaml")]).toMatch(/^icon: names icon\.svg, which is a symlink to \/etc\/passwd, outside the app folder/);
    expect(bySource[path.join("huge", "app.yaml")]).toBe("(file): app.yaml is 1073741824 bytes; the limit is 262144");
    expect(bySource[path.join("fifo", "app.yaml")]).toBe("(file): app.yaml is not a file");
  });

  it("refuses to hand out a broken entry, saying what is wrong with it", async () => {
    await addApp("renamed", yamlFor("another"), { "icon.svg": "<svg/>" });
    const e = await new Catalog(dir).get("renamed").catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).code).toBe("INVALID_INPUT");
    expect((e as DomainError).message).toBe(`The catalog entry of "renamed" is not valid, so it cannot be installed: id: is "another" but the folder is named "renamed"; they must be the same`);
  });

  it("reports a missing catalog folder instead of throwing", async () => {
    const { entries, problems } = await new Catalog(path.join(dir, "nope")).load();
    expect(entries.size).toBe(0);
    expect(problems[0]!.message).toMatch(/cannot be read/);
  });

  it("get throws NOT_FOUND for an unknown app; iconPath serves SVG only", async () => {
    await addApp("good", yamlFor("good"), { "icon.svg": "<svg/>" });
    await addApp("png", yamlFor("png", { icon: "icon.png" }), { "icon.png": "x" });
    const c = new Catalog(dir);
    const e = await c.get("nope").catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).code).toBe("NOT_FOUND");
    expect(await c.iconPath("good")).toBe(path.join(dir, "good", "icon.svg"));
    expect(await c.iconPath("png")).toBeNull();
    expect(await c.iconPath("nope")).toBeNull();
  });
});

describe("BuiltInCatalog's cache", () => {
  const clock = () => {
    let t = 0;
    return { now: () => t, pass: (ms: number) => void (t += ms) };
  };

  it("lints the folder again only when something in it changed", async () => {
    await addApp("good", yamlFor("good"), { "icon.svg": "<svg/>" });
    const c = clock();
    const catalog = new BuiltInCatalog(dir, 2_000, c.now);
    const first = await catalog.load();
    expect(catalog.stats.reads).toBe(1);

    // Within the 2 s, nothing is looked at; after them, an unchanged folder is not linted again.
    c.pass(2_500);
    expect(await catalog.load()).toBe(first);
    expect(catalog.stats.reads).toBe(1);

    // Any change under the folder: an edited app.yaml, a replaced icon, a new app.
    await addApp("good", yamlFor("good", { name: "Good, renamed" }));
    c.pass(2_500);
    expect((await catalog.load()).entries.get("good")!.spec.name).toBe("Good, renamed");
    expect(catalog.stats.reads).toBe(2);

    await fs.rm(path.join(dir, "good", "icon.svg"));
    c.pass(2_500);
    expect((await catalog.load()).problems.map((p) => p.source)).toEqual(["good/app.yaml"]);
    expect(catalog.stats.reads).toBe(3);

    await addApp("other", yamlFor("other"), { "icon.svg": "<svg/>" });
    await fs.writeFile(path.join(dir, "good", "icon.svg"), "<svg/>");
    c.pass(2_500);
    expect([...(await catalog.load()).entries.keys()].sort()).toEqual(["good", "other"]);
    expect(catalog.stats.reads).toBe(4);
  });

  it("refresh() reads the folder again at once", async () => {
    await addApp("good", yamlFor("good"), { "icon.svg": "<svg/>" });
    const catalog = new BuiltInCatalog(dir, 2_000, clock().now);
    await catalog.load();
    catalog.refresh();
    await catalog.load();
    expect(catalog.stats.reads).toBe(2);
  });
});

describe("folderSignature", () => {
  it("changes with any write, rename or mode change under the folder, and only then", async () => {
    await addApp("a", "x: 1\n", { "icon.svg": "<svg/>" });
    const s1 = await folderSignature(dir);
    expect(s1).toMatch(/^[0-9a-f]{64}$/);
    expect(await folderSignature(dir)).toBe(s1);
    await fs.writeFile(path.join(dir, "a", "icon.svg"), "<svg />");
    const s2 = await folderSignature(dir);
    expect(s2).not.toBe(s1);
    await fs.rename(path.join(dir, "a", "icon.svg"), path.join(dir, "a", "logo.svg"));
    const s3 = await folderSignature(dir);
    expect(s3).not.toBe(s2);
    await fs.chmod(path.join(dir, "a", "logo.svg"), 0o600);
    expect(await folderSignature(dir)).not.toBe(s3);
    expect(await folderSignature(path.join(dir, "missing"))).toBeNull();
  });
});
