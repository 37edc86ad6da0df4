import fs from "node:fs/promises";
import path from "node:path";
import { pack } from "tar-stream";
import type { BuildContext } from "./container-engine";

async function walk(dir: string, base = ""): Promise<string[]> {
  const out: string[] = [];
  for (const d of await fs.readdir(dir, { withFileTypes: true })) {
    const rel = path.posix.join(base, d.name);
    if (d.isDirectory()) out.push(...(await walk(path.join(dir, d.name), rel)));
    else if (d.isFile()) out.push(rel);
  }
  return out.sort();
}

/** Packs a catalog app's build folder, plus any host files it asks for, into a tar for Podman's build API. */
export async function makeBuildContext(dir: string, containerfile: string, hostFiles: Record<string, string>): Promise<BuildContext> {
  const tar = pack();
  const chunks: Buffer[] = [];
  tar.on("data", (c: unknown) => void chunks.push(c as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    tar.on("end", resolve);
    tar.on("error", reject);
  });
  const add = async (name: string, file: string) => {
    const [content, stat] = await Promise.all([fs.readFile(file), fs.stat(file)]);
    tar.entry({ name, mode: stat.mode & 0o777, mtime: new Date(0) }, content);
  };
  for (const rel of await walk(dir)) await add(rel, path.join(dir, rel));
  for (const [name, file] of Object.entries(hostFiles)) await add(name, file);
  tar.finalize();
  await done;
  return { containerfile, tar: Buffer.concat(chunks) };
}
