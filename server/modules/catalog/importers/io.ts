import fs from "node:fs/promises";
import path from "node:path";
import { COMPOSE_FILES } from "./compose";
import { MAX_SOURCE_BYTES } from "./source-text";
import { ImportError, type Format, type ImportResult, type Source } from "./types";

// The only part of the importer that touches the disk: reading the few files a format needs (each
// checked for size and type before it is read, so a huge file or a FIFO never stalls the import), and
// writing the app folder, never over an existing one.

const MAX_ICON_BYTES = 1024 * 1024;
const MAX_LISTING = 500;

const WANTED: Record<Format, string[]> = {
  compose: [...COMPOSE_FILES, ".env", "icon.svg", "icon.png"],
  umbrel: ["umbrel-app.yml", "docker-compose.yml", "exports.sh", "icon.svg", "icon.png"],
  runtipi: ["config.json", "docker-compose.json", "docker-compose.yml", "metadata/description.md"],
  casaos: [...COMPOSE_FILES, "icon.svg", "icon.png"],
};

async function readBounded(file: string, rel: string): Promise<string | Buffer | undefined> {
  let st;
  try {
    st = await fs.stat(file);
  } catch {
    return undefined;
  }
  if (!st.isFile()) return undefined;
  const icon = /\.(svg|png)$/.test(rel);
  const max = icon ? MAX_ICON_BYTES : MAX_SOURCE_BYTES;
  if (st.size > max) {
    if (icon) return undefined;
    throw new ImportError(`${rel} is ${st.size} bytes; the importer reads files up to ${max} bytes`);
  }
  const data = await fs.readFile(file);
  if (data.length > max) throw new ImportError(`${rel} grew past ${max} bytes while it was read`);
  return icon ? data : data.toString("utf8");
}

/** Reads what the importer of `format` needs from PATH (a folder, or for compose and CasaOS a compose file). */
export async function readSource(format: Format, target: string): Promise<Source> {
  let st;
  try {
    st = await fs.stat(target);
  } catch {
    throw new ImportError(`${target} does not exist`);
  }
  let dir = target;
  const files: Source["files"] = {};
  if (st.isFile()) {
    if (format !== "compose" && format !== "casaos") throw new ImportError(`a ${format} app is a folder; give the folder, not ${path.basename(target)}`);
    dir = path.dirname(target);
    const base = path.basename(target);
    const data = await readBounded(target, base);
    if (data !== undefined) files[COMPOSE_FILES.includes(base) ? base : "docker-compose.yml"] = data;
  } else if (!st.isDirectory()) throw new ImportError(`${target} is neither a file nor a folder`);

  let entries: import("node:fs").Dirent[] = [];
  try {
    entries = (await fs.readdir(dir, { withFileTypes: true })).slice(0, MAX_LISTING);
  } catch {
    throw new ImportError(`the folder ${dir} cannot be read`);
  }
  const listing = entries.map((e) => (e.isDirectory() ? `${e.name}/` : e.name));
  const wanted = st.isFile() ? WANTED[format].filter((f) => !COMPOSE_FILES.includes(f)) : WANTED[format];
  // compose: env files an env_file entry may name (top-level *.env).
  const envFiles = format === "compose" ? entries.filter((e) => /(^\.env|\.env$)/.test(e.name)).map((e) => e.name).slice(0, 30) : [];
  for (const rel of [...new Set([...wanted, ...envFiles])]) {
    const data = await readBounded(path.join(dir, rel), rel);
    if (data !== undefined) files[rel] = data;
  }
  if (format === "runtipi" && listing.includes("metadata/")) {
    const meta = await fs.readdir(path.join(dir, "metadata")).catch(() => [] as string[]);
    for (const m of meta.slice(0, 50)) listing.push(`metadata/${m}`);
  }
  return { files, listing, name: path.basename(path.resolve(dir)) };
}

/** Writes the app folder at `outDir`, which must not exist yet (an import never overwrites anything). */
export async function writeAppFolder(result: ImportResult, outDir: string): Promise<string[]> {
  const exists = await fs.lstat(outDir).then(
    () => true,
    () => false,
  );
  if (exists) throw new ImportError(`${outDir} already exists; the importer never overwrites a folder: give another --out or remove it`);
  await fs.mkdir(path.dirname(outDir), { recursive: true });
  await fs.mkdir(outDir);
  const written: string[] = [];
  for (const [rel, data] of Object.entries(result.files)) {
    if (rel.startsWith("/") || rel.split("/").includes("..") || rel.includes("\0")) throw new ImportError(`refusing to write ${rel} outside the app folder`);
    const file = path.join(outDir, rel);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, data, { flag: "wx" });
    written.push(rel);
  }
  return written;
}
