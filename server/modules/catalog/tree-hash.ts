import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";

/**
 * The content hash of an app folder (format `pcc.tree/v1`), the same for the publisher who signs it and
 * for the PCC that checks what it downloaded. It covers the folder's regular files only: their paths,
 * contents and whether they are executable. Directories are implied by the paths (an empty one counts for
 * nothing), and a symlink or any other kind of file makes the folder unpublishable. The hashed text is
 *
 *   pcc.tree/v1\n
 *   <mode> <sha256> <size> <path>\n      one line per file, sorted by path (byte order)
 *
 * where mode is `755` if any execute bit is set on the file and `644` otherwise, sha256 the lower-case hex
 * digest of its contents, size its length in bytes (decimal) and path its '/'-separated path inside the app
 * folder. The folder's hash is `sha256:` and the lower-case hex SHA-256 of that text's bytes.
 */
export const TREE_FORMAT = "pcc.tree/v1";

export const TREE_LIMITS = {
  /** Files in one app folder. */
  files: 2000,
  /** One file. */
  fileBytes: 32 * 1024 * 1024,
  /** All files of one app folder. */
  appBytes: 64 * 1024 * 1024,
  /** Characters of a path, and folders deep. */
  pathChars: 400,
  depth: 16,
};

export type TreeFile = { path: string; size: number; sha256: string; executable: boolean };

const SEGMENT = /^[A-Za-z0-9._+-]{1,100}$/;

/**
 * A path an index may name: relative, '/'-separated, each part made of letters, digits, `.`, `_`, `+`, `-`
 * and never `.` or `..`. Nothing else (no `\`, no empty parts, no leading `/`), so a path can never leave
 * the app folder on any system, and never means two things.
 */
export function isSafeRelPath(p: string): boolean {
  if (typeof p !== "string" || p.length === 0 || p.length > TREE_LIMITS.pathChars) return false;
  const parts = p.split("/");
  return parts.length <= TREE_LIMITS.depth && parts.every((s) => SEGMENT.test(s) && s !== "." && s !== "..");
}

export const SAFE_PATH_RULE = "a relative path of letters, digits, '.', '_', '+' and '-' parts joined by '/' (no '.' or '..' parts, at most 16 deep, 400 characters)";

const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));

/** The canonical text that `treeHash` hashes. */
export function treeManifest(files: readonly TreeFile[]): string {
  const sorted = [...files].sort((a, b) => byteOrder(a.path, b.path));
  return `${TREE_FORMAT}\n${sorted.map((f) => `${f.executable ? "755" : "644"} ${f.sha256} ${f.size} ${f.path}\n`).join("")}`;
}

export function treeHash(files: readonly TreeFile[]): string {
  return `sha256:${createHash("sha256").update(treeManifest(files), "utf8").digest("hex")}`;
}

export class TreeError extends Error {}

/**
 * Walks an app folder and hashes it. Throws TreeError, naming the file, for anything the format cannot
 * carry: a symlink, a device or FIFO, a name outside the safe characters, or a folder over the limits.
 */
export async function hashFolder(dir: string): Promise<{ hash: string; files: TreeFile[] }> {
  const files: TreeFile[] = [];
  let total = 0;
  const walk = async (rel: string): Promise<void> => {
    const entries = await fs.readdir(path.join(dir, rel), { withFileTypes: true });
    for (const e of entries.sort((a, b) => byteOrder(a.name, b.name))) {
      const relPath = rel ? `${rel}/${e.name}` : e.name;
      if (!isSafeRelPath(relPath)) throw new TreeError(`${relPath}: cannot be published; a file's path must be ${SAFE_PATH_RULE}`);
      const full = path.join(dir, relPath);
      const st = await fs.lstat(full);
      if (st.isSymbolicLink()) throw new TreeError(`${relPath} is a symlink; a published app folder holds plain files only`);
      if (st.isDirectory()) {
        await walk(relPath);
        continue;
      }
      if (!st.isFile()) throw new TreeError(`${relPath} is not a plain file; a published app folder holds plain files only`);
      if (files.length >= TREE_LIMITS.files) throw new TreeError(`holds more than ${TREE_LIMITS.files} files`);
      if (st.size > TREE_LIMITS.fileBytes) throw new TreeError(`${relPath} is ${st.size} bytes; the limit for one file is ${TREE_LIMITS.fileBytes}`);
      total += st.size;
      if (total > TREE_LIMITS.appBytes) throw new TreeError(`holds more than ${TREE_LIMITS.appBytes} bytes`);
      const body = await fs.readFile(full);
      files.push({ path: relPath, size: body.length, sha256: createHash("sha256").update(body).digest("hex"), executable: (st.mode & 0o111) !== 0 });
    }
  };
  await walk("");
  return { hash: treeHash(files), files: files.sort((a, b) => byteOrder(a.path, b.path)) };
}
