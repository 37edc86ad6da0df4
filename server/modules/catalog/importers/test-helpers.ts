// Shared by the importer's unit tests: import a fixture, write the folder, lint it.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { lintAppDir, parseAppYaml, type LintResult } from "../../spec";
import { importApp, readSource, writeAppFolder } from "./index";
import type { Format, ImportOptions, ImportResult, Note } from "./types";

export const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");

export type Imported = { result: ImportResult; spec: Record<string, any>; dir: string; lint: LintResult; yaml: string; /** app.yaml without its header comments */ body: string };

/** Imports fixtures/<rel> as `format`, writes the folder under a temporary directory and lints it. */
export async function importFixture(format: Format, rel: string, opts: ImportOptions = {}): Promise<Imported> {
  const source = await readSource(format, path.join(FIXTURES, rel));
  const result = importApp(format, source, opts);
  const root = await fs.mkdtemp(path.join(os.tmpdir(), "pcc-import-"));
  const dir = path.join(root, result.id);
  await writeAppFolder(result, dir);
  const yaml = result.files["app.yaml"] as string;
  const parsed = parseAppYaml(yaml);
  if (parsed.errors.length) throw new Error(`app.yaml does not parse: ${JSON.stringify(parsed.errors)}`);
  const body = yaml.split("\n").filter((l) => !l.startsWith("#")).join("\n");
  return { result, spec: parsed.value as Record<string, any>, dir, lint: await lintAppDir(dir), yaml, body };
}

/** The author's one fix for an image without a digest: append one (a fake but well-formed digest here). */
export async function pinImages(dir: string): Promise<LintResult> {
  const file = path.join(dir, "app.yaml");
  const text = await fs.readFile(file, "utf8");
  await fs.writeFile(file, text.replace(/^(\s+image: )(\S+)$/gm, (line, pre: string, img: string) => (img.includes("@sha256:") ? line : `${pre}${img}@sha256:${"ab".repeat(32)}`)));
  return lintAppDir(dir);
}

export const notesAbout = (notes: Note[], re: RegExp) => notes.filter((n) => re.test(`${n.source}: ${n.message}`));

export async function cleanup(dirs: string[]) {
  await Promise.all(dirs.map((d) => fs.rm(path.dirname(d), { recursive: true, force: true })));
}
