import fs from "node:fs/promises";
import path from "node:path";
import { DomainError } from "../../errors";
import { packTar } from "../../lib/tar-pack";
import type { BuildContext } from "./container-engine";

const MAX_CONTEXT_BYTES = 200 * 1024 * 1024;

/** True if `p` is `root` or inside it (both already resolved). */
const inside = (root: string, p: string) => p === root || p.startsWith(root + path.sep);

/**
 * Packs a build folder of an app for Podman's build API. Only files inside the app's own folder go in:
 * every path is checked after resolving symlinks, so a catalog entry cannot smuggle in a host file
 * (Caddy's CA key, /etc/shadow) through a link or a "../".
 */
export async function makeBuildContext(appDir: string, context: string, containerfile: string): Promise<BuildContext & { text: string }> {
  const root = await fs.realpath(appDir);
  const dir = await fs.realpath(path.join(root, context)).catch(() => null);
  if (!dir || !inside(root, dir)) throw new DomainError("INVALID_INPUT", `The build folder "${context}" is not inside the app's folder.`);
  const files: { name: string; file: string; mode: number }[] = [];
  let total = 0;
  const walk = async (abs: string, rel: string) => {
    for (const d of await fs.readdir(abs, { withFileTypes: true })) {
      const file = path.join(abs, d.name);
      const real = await fs.realpath(file);
      if (!inside(root, real)) throw new DomainError("INVALID_INPUT", `"${path.posix.join(rel, d.name)}" in the build folder points outside the app's folder.`);
      const st = await fs.stat(real);
      const name = path.posix.join(rel, d.name);
      if (st.isDirectory()) await walk(real, name);
      else if (st.isFile()) {
        total += st.size;
        if (total > MAX_CONTEXT_BYTES) throw new DomainError("INVALID_INPUT", "The build folder is larger than 200 MB.");
        files.push({ name, file: real, mode: st.mode & 0o755 });
      }
    }
  };
  await walk(dir, "");
  const cf = files.find((f) => f.name === containerfile);
  if (!cf) throw new DomainError("INVALID_INPUT", `The build folder has no ${containerfile}.`);
  const tar = await packTar(async (t) => {
    for (const f of files.sort((a, b) => a.name.localeCompare(b.name))) t.entry({ name: f.name, mode: f.mode, mtime: new Date(0) }, await fs.readFile(f.file));
  });
  return { containerfile, tar, text: await fs.readFile(cf.file, "utf8") };
}
