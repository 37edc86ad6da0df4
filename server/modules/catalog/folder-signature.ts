import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";

/** Past this many entries a folder is not summed up: its reader reads it again each time instead. */
const MAX_ENTRIES = 20_000;

/**
 * A digest of a folder tree's metadata: every entry's path, type, size, inode and change and modification
 * times (nanoseconds), symlinks as links. Any write, rename, chmod or new link under the folder changes it;
 * the contents are never read. Null for a tree too big to sum up, or one that cannot be read.
 */
export async function folderSignature(dir: string): Promise<string | null> {
  const hash = createHash("sha256");
  let seen = 0;
  const walk = async (rel: string): Promise<boolean> => {
    const names = (await fs.readdir(path.join(dir, rel))).sort();
    if ((seen += names.length) > MAX_ENTRIES) return false;
    // One folder's entries at once; the digest still takes them in name order.
    const stats = await Promise.all(names.map((name) => fs.lstat(path.join(dir, rel, name), { bigint: true })));
    for (const [i, st] of stats.entries()) {
      const p = path.join(rel, names[i]!);
      const kind = st.isDirectory() ? "d" : st.isSymbolicLink() ? "l" : st.isFile() ? "f" : "o";
      hash.update(`${p}\0${kind}\0${st.size}\0${st.ino}\0${st.mtimeNs}\0${st.ctimeNs}\0${st.mode}\n`);
      if (kind === "d" && !(await walk(p))) return false;
    }
    return true;
  };
  try {
    const top = await fs.lstat(dir, { bigint: true });
    hash.update(`.\0${top.ino}\0${top.mtimeNs}\0${top.ctimeNs}\n`);
    return (await walk("")) ? hash.digest("hex") : null;
  } catch {
    return null;
  }
}
