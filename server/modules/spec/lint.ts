import fs from "node:fs/promises";
import path from "node:path";
import { checkContainerfile } from "./containerfile-policy";
import { formatPath, type Issue } from "./issues";
import { formatLintReport, type LintResult } from "./lint-report";
import { APP_ID } from "./spec-fields";
import { parseAppSpec } from "./spec.schema";
import { MAX_YAML_BYTES, parseAppYaml } from "./yaml-source";

export { formatLintReport, type LintResult };

const MAX_WALK_ENTRIES = 10_000;
const MAX_ICON_BYTES = 1024 * 1024;

const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isInside = (child: string, root: string) => {
  const rel = path.relative(root, child);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
};
/** The schema already reports paths that leave the folder on their face; only the others are looked up. */
const plainRelative = (p: unknown): p is string =>
  typeof p === "string" && p.length > 0 && !p.startsWith("/") && !p.includes("\0") && !p.split("/").includes("..");

/**
 * Everything `./pcc app lint DIR` checks: app.yaml against pcc.app/v1, its id against the folder name, and the
 * files it names (icon, screenshots, build folders), which must exist and stay inside the app folder once
 * symlinks are resolved. A catalog folder is copied and served as a unit, so a link out of it would hand
 * PCC (or the build) a file of the machine instead.
 */
export async function lintAppDir(dir: string): Promise<LintResult> {
  const errors: Issue[] = [];
  const warnings: Issue[] = [];
  const fail = (message: string, p = ""): LintResult => ({ errors: [...errors, { path: p, message }], warnings });

  let root: string;
  try {
    root = await fs.realpath(dir);
    if (!(await fs.stat(root)).isDirectory()) return fail(`${dir} is not a folder`);
  } catch {
    return fail(`the folder ${dir} cannot be read`);
  }
  const file = path.join(root, "app.yaml");
  let text: string;
  try {
    const real = await fs.realpath(file);
    if (!isInside(real, root)) return fail("app.yaml is a symlink to a file outside the app folder");
    const st = await fs.stat(real);
    if (!st.isFile()) return fail("app.yaml is not a file");
    if (st.size > MAX_YAML_BYTES) return fail(`app.yaml is ${st.size} bytes; the limit is ${MAX_YAML_BYTES}`);
    text = await fs.readFile(real, "utf8");
  } catch {
    return fail(`there is no app.yaml in ${dir}`);
  }

  const source = parseAppYaml(text);
  warnings.push(...source.warnings);
  if (source.errors.length) return { errors: [...errors, ...source.errors], warnings };
  const parsed = parseAppSpec(source.value);
  errors.push(...parsed.errors);
  warnings.push(...parsed.warnings);
  const raw = isMapping(source.value) ? source.value : {};

  const folder = path.basename(path.resolve(dir));
  if (typeof raw.id === "string" && raw.id !== folder) {
    errors.push({ path: "id", message: `is "${raw.id.slice(0, 40)}" but the folder is named "${folder}"; they must be the same` });
  }
  if (!APP_ID.test(folder)) errors.push({ path: "", message: `the folder name "${folder}" is not a valid app id` });

  const check = (rel: unknown, p: (string | number)[], kind: "file" | "folder") => checkPath(root, rel, formatPath(p), kind, errors);
  if (plainRelative(raw.icon)) {
    const icon = await check(raw.icon, ["icon"], "file");
    if (icon) await checkIcon(icon, warnings);
  }
  if (Array.isArray(raw.screenshots)) await Promise.all(raw.screenshots.map((s, i) => check(s, ["screenshots", i], "file")));
  if (isMapping(raw.services)) {
    for (const [name, svc] of Object.entries(raw.services)) {
      if (!isMapping(svc) || !isMapping(svc.build)) continue;
      const context = svc.build.context ?? ".";
      const ctx = await check(context, ["services", name, "build", "context"], "folder");
      const containerfile = svc.build.containerfile ?? "Containerfile";
      if (ctx && plainRelative(containerfile)) {
        const at = ["services", name, "build", "containerfile"];
        const file = await check(path.join(context as string, containerfile), at, "file");
        if (file) {
          for (const e of checkContainerfile(await fs.readFile(file, "utf8")).errors) errors.push({ path: formatPath(at), message: `line ${e.line}: ${e.message}` });
        }
      }
      if (ctx) await checkTree(root, ctx, formatPath(["services", name, "build", "context"]), errors);
    }
  }
  return errors.length ? { errors, warnings } : { errors, warnings, spec: parsed.spec };
}

/** Resolves rel inside root; reports and returns null if it is missing, of the wrong kind or outside root. */
async function checkPath(root: string, rel: unknown, at: string, kind: "file" | "folder", errors: Issue[]): Promise<string | null> {
  if (!plainRelative(rel)) return null;
  let real: string;
  try {
    real = await fs.realpath(path.resolve(root, rel));
  } catch {
    errors.push({ path: at, message: `names ${rel}, which does not exist in the app folder` });
    return null;
  }
  if (!isInside(real, root)) {
    errors.push({ path: at, message: `names ${rel}, which is a symlink to ${real}, outside the app folder; an app's files must live in its folder` });
    return null;
  }
  const st = await fs.stat(real);
  if (kind === "file" ? !st.isFile() : !st.isDirectory()) {
    errors.push({ path: at, message: `names ${rel}, which is not a ${kind}` });
    return null;
  }
  return real;
}

/** Symlinks anywhere under a build folder must also stay inside the app folder. */
async function checkTree(root: string, dir: string, at: string, errors: Issue[]) {
  let seen = 0;
  const found: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const entry of await fs.readdir(d, { withFileTypes: true })) {
      if (++seen > MAX_WALK_ENTRIES || found.length >= 5) return;
      const full = path.join(d, entry.name);
      if (entry.isSymbolicLink()) {
        const target = await fs.realpath(full).catch(() => null);
        if (target === null || !isInside(target, root)) found.push(path.relative(root, full));
      } else if (entry.isDirectory()) await walk(full);
    }
  };
  await walk(dir);
  for (const f of found) errors.push({ path: at, message: `contains ${f}, a symlink that leads outside the app folder (or nowhere)` });
  if (seen > MAX_WALK_ENTRIES) errors.push({ path: at, message: `holds more than ${MAX_WALK_ENTRIES} files; a build folder should be small` });
}

/** PCC serves icons sandboxed, so script in one never runs; say so rather than let the author wonder. */
async function checkIcon(file: string, warnings: Issue[]) {
  const st = await fs.stat(file);
  if (st.size > MAX_ICON_BYTES) warnings.push({ path: "icon", message: `is ${st.size} bytes; keep icons under ${MAX_ICON_BYTES} bytes` });
  if (!file.toLowerCase().endsWith(".svg") || st.size > MAX_ICON_BYTES) return;
  const svg = await fs.readFile(file, "utf8");
  if (/<script|\son[a-z]+\s*=|javascript:|<foreignObject/i.test(svg)) {
    warnings.push({ path: "icon", message: "contains script or embedded HTML, which PCC will not run: icons are shown as plain pictures" });
  }
}
