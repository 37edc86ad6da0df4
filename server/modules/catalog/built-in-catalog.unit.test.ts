import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { formatLintReport, lintAppDir } from "../spec";

const CATALOG = fileURLToPath(new URL("../../../apps-catalog", import.meta.url));
const apps = fs.readdirSync(CATALOG).filter((d) => fs.existsSync(path.join(CATALOG, d, "app.yaml")));

// CI lints the whole built-in catalog: a broken entry never reaches an owner's store.
describe("the built-in catalog", () => {
  it("holds the apps owners look for first", () => {
    expect(apps.length).toBeGreaterThanOrEqual(24);
  });

  it.each(apps)("%s passes ./pcc app lint", async (id) => {
    const result = await lintAppDir(path.join(CATALOG, id));
    expect(result.errors, formatLintReport(result, id)).toEqual([]);
    // Real apps are pinned by digest and come with an icon and a preview.
    if (!result.spec!.test) {
      for (const s of Object.values(result.spec!.services)) if (s.image) expect(s.image).toMatch(/@sha256:[0-9a-f]{64}$/);
      expect(result.spec!.icon).toBeTruthy();
      expect(result.spec!.screenshots.length).toBeGreaterThan(0);
    }
  });
});
