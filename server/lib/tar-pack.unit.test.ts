import { Readable } from "node:stream";
import { extract } from "tar-stream";
import { describe, expect, it } from "vitest";
import { packTar } from "./tar-pack";

async function entries(tar: Buffer) {
  const out: { name: string; type: string; mode: number; body: string }[] = [];
  const ex = extract();
  ex.on("entry", (h, stream, next) => {
    const parts: Buffer[] = [];
    stream.on("data", (c: unknown) => void parts.push(c as Buffer));
    stream.on("end", () => {
      out.push({ name: h.name, type: h.type ?? "file", mode: h.mode ?? 0, body: Buffer.concat(parts).toString() });
      next();
    });
  });
  await new Promise<void>((resolve, reject) => {
    ex.on("finish", () => resolve());
    ex.on("error", reject);
    Readable.from(tar).pipe(ex);
  });
  return out;
}

describe("packTar", () => {
  it("packs the entries in the order given, with their modes, from a sync or an async fill", async () => {
    const a = await packTar((t) => {
      t.entry({ name: "bin", type: "directory", mode: 0o755 });
      t.entry({ name: "bin/run", mode: 0o700 }, "#!/bin/sh\n");
    });
    expect(await entries(a)).toEqual([
      { name: "bin", type: "directory", mode: 0o755, body: "" },
      { name: "bin/run", type: "file", mode: 0o700, body: "#!/bin/sh\n" },
    ]);
    const b = await packTar(async (t) => {
      await new Promise((r) => setTimeout(r, 5));
      t.entry({ name: "x", mode: 0o644 }, Buffer.from("y".repeat(70_000)));
    });
    expect((await entries(b))[0]!.body).toHaveLength(70_000);
  });
});
