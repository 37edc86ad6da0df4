import { pack, type Pack } from "tar-stream";

/** A whole tar archive in memory: `fill` adds the entries (in the order given); the bytes come back once it is finished. */
export async function packTar(fill: (tar: Pack) => void | Promise<void>): Promise<Buffer> {
  const tar = pack();
  const chunks: Buffer[] = [];
  tar.on("data", (c: unknown) => void chunks.push(c as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    tar.on("end", resolve);
    tar.on("error", reject);
  });
  await fill(tar);
  tar.finalize();
  await done;
  return Buffer.concat(chunks);
}
