// Lints every app folder of apps-catalog/ (skipping schema/) with the same checks as `./pcc app lint DIR`,
// prints each report and exits 1 if any folder has an error. Warnings are printed but do not fail the run.
// Run from anywhere: node --import tsx scripts/lint-catalog.ts [catalog-dir]
import fs from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { formatLintReport, lintAppDir } from "../server/modules/spec";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const catalog = path.resolve(process.argv[2] ?? path.join(root, "apps-catalog"));
const SKIP = new Set(["schema"]);

const entries = await fs.readdir(catalog, { withFileTypes: true });
const dirs = entries
  .filter((e) => e.isDirectory() && !SKIP.has(e.name) && !e.name.startsWith("."))
  .map((e) => e.name)
  .sort();

let failed = 0;
let warned = 0;
for (const name of dirs) {
  const dir = path.join(catalog, name);
  const result = await lintAppDir(dir);
  process.stdout.write(formatLintReport(result, path.relative(process.cwd(), dir) || "."));
  if (result.errors.length) failed++;
  if (result.warnings.length) warned++;
}
console.log(`\n${dirs.length} apps linted: ${failed} with errors, ${warned} with warnings`);
process.exit(failed ? 1 : 0);
