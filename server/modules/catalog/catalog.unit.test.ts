import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DomainError } from "../../errors";
import { Catalog } from "./catalog";

const goodYaml = (id: string) => `id: ${id}
name: Good
version: "1.0.0"
icon: icon.svg
image:
  ref: docker.io/library/nginx:1.27
port: 8080
`;

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
    await addApp("good", goodYaml("good"), { "icon.svg": "<svg/>" });
    await addApp("broken", "id: broken\nname: [unclosed\n  : :\n");
    await addApp("renamed", goodYaml("another"));
    await addApp("invalid", goodYaml("invalid").replace("port: 8080", "port: 80"));
    await fs.writeFile(path.join(dir, "README.md"), "not an app");

    const { entries, problems } = await new Catalog(dir).load();

    expect([...entries.keys()]).toEqual(["good"]);
    expect(entries.get("good")!.dir).toBe(path.join(dir, "good"));
    expect(entries.get("good")!.manifest.name).toBe("Good");

    const bySource = Object.fromEntries(problems.map((p) => [p.source, p.message]));
    expect(Object.keys(bySource).sort()).toEqual([
      path.join("broken", "app.yaml"),
      path.join("invalid", "app.yaml"),
      path.join("renamed", "app.yaml"),
    ]);
    expect(bySource[path.join("renamed", "app.yaml")]).toBe(`its id "another" does not match its folder "renamed"`);
    expect(bySource[path.join("broken", "app.yaml")].length).toBeGreaterThan(0);
    // Zod problems name the field.
    expect(bySource[path.join("invalid", "app.yaml")]).toMatch(/^port: .*1024/);
  });

  it("ignores folders without an app.yaml (such as the JSON Schema's)", async () => {
    await fs.mkdir(path.join(dir, "schema"));
    const { entries, problems } = await new Catalog(dir).load();
    expect(entries.size).toBe(0);
    expect(problems).toHaveLength(0);
  });

  it("reports a missing catalog folder instead of throwing", async () => {
    const { entries, problems } = await new Catalog(path.join(dir, "nope")).load();
    expect(entries.size).toBe(0);
    expect(problems).toHaveLength(1);
    expect(problems[0].message).toMatch(/cannot be read/);
  });

  it("get returns an entry, and NOT_FOUND for an unknown id", async () => {
    await addApp("good", goodYaml("good"));
    const catalog = new Catalog(dir);
    expect((await catalog.get("good")).manifest.id).toBe("good");
    const err = await catalog.get("missing").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe("NOT_FOUND");
    expect((err as DomainError).message).toContain("missing");
  });

  it("reads fresh: an app added later shows up without a new Catalog", async () => {
    const catalog = new Catalog(dir);
    expect((await catalog.load()).entries.size).toBe(0);
    await addApp("good", goodYaml("good"));
    expect((await catalog.load()).entries.has("good")).toBe(true);
  });

  it("iconPath serves SVG icons only", async () => {
    await addApp("good", goodYaml("good"));
    await addApp("png", goodYaml("png").replace("icon.svg", "icon.png"));
    await addApp("noicon", goodYaml("noicon").replace("icon: icon.svg\n", ""));
    const catalog = new Catalog(dir);
    expect(await catalog.iconPath("good")).toBe(path.join(dir, "good", "icon.svg"));
    expect(await catalog.iconPath("png")).toBeNull();
    expect(await catalog.iconPath("noicon")).toBeNull();
    expect(await catalog.iconPath("missing")).toBeNull();
  });
});
