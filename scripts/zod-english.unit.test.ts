import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs build script, without types
import { zodEnglishOnly } from "./zod-english.mjs";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pcc-zod-english-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("the compiled server bundles zod with its English messages only", () => {
  it("keeps zod working in English and leaves the other languages out", async () => {
    fs.writeFileSync(
      path.join(tmp, "entry.ts"),
      `import { z } from "zod";\nexport const locales = Object.keys(z.locales);\nexport const issue = z.object({ n: z.number() }).safeParse({ n: "x" }).error?.issues[0]?.message;\n`,
    );
    await build({
      entryPoints: [path.join(tmp, "entry.ts")],
      outfile: path.join(tmp, "out.mjs"),
      bundle: true,
      format: "esm",
      platform: "node",
      packages: "external",
      logLevel: "silent",
      plugins: [zodEnglishOnly()],
    });
    const out = fs.readFileSync(path.join(tmp, "out.mjs"), "utf8");
    expect(out).not.toMatch(/from ["']zod["']/); // bundled, so the swap applies
    expect(out).not.toContain("locales/fr.js");
    const mod = (await import(pathToFileURL(path.join(tmp, "out.mjs")).href)) as { locales: string[]; issue: string };
    expect(mod.locales).toEqual(["en"]);
    expect(mod.issue).toBe("Invalid input: expected number, received string");
  });
});
