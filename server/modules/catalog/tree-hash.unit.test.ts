import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { hashFolder, isSafeRelPath, treeHash, treeManifest, TreeError } from "./tree-hash";

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "pcc-tree-"));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function write(root: string, files: Record<string, string | { body: string; mode: number }>) {
  for (const [rel, v] of Object.entries(files)) {
    const file = path.join(root, rel);
    await fs.mkdir(path.dirname(file), { recursive: true });
    const { body, mode } = typeof v === "string" ? { body: v, mode: 0o644 } : v;
    await fs.writeFile(file, body);
    await fs.chmod(file, mode);
  }
}

const sha = (s: string) => createHash("sha256").update(s).digest("hex");

describe("pcc.tree/v1 folder hash", () => {
  it("is exactly the SHA-256 of the documented text", async () => {
    await write(dir, { "app.yaml": "id: x\n", "build/run.sh": { body: "#!/bin/sh\n", mode: 0o755 }, "B.txt": "b" });
    const { hash, files } = await hashFolder(dir);
    const text = `pcc.tree/v1\n644 ${sha("b")} 1 B.txt\n644 ${sha("id: x\n")} 6 app.yaml\n755 ${sha("#!/bin/sh\n")} 10 build/run.sh\n`;
    expect(treeManifest(files)).toBe(text);
    expect(hash).toBe(`sha256:${sha(text)}`);
    expect(files.map((f) => f.path)).toEqual(["B.txt", "app.yaml", "build/run.sh"]);
  });

  it("is the same for the same folder, whatever the order files were made in, their times or empty folders", async () => {
    const a = path.join(dir, "a");
    const b = path.join(dir, "b");
    await write(a, { "app.yaml": "x", "www/index.html": "<p>hi</p>", "www/z.css": "z" });
    await write(b, { "www/z.css": "z", "www/index.html": "<p>hi</p>", "app.yaml": "x" });
    await fs.mkdir(path.join(b, "empty/deeper"), { recursive: true });
    await fs.utimes(path.join(b, "app.yaml"), new Date(0), new Date(0));
    expect((await hashFolder(a)).hash).toBe((await hashFolder(b)).hash);
    // And the listing order of an index does not matter either.
    const { files } = await hashFolder(a);
    expect(treeHash([...files].reverse())).toBe(treeHash(files));
  });

  it("changes with any content, name or execute bit", async () => {
    await write(dir, { "app.yaml": "x", "run.sh": "echo" });
    const base = (await hashFolder(dir)).hash;
    await fs.chmod(path.join(dir, "run.sh"), 0o744);
    const exec = (await hashFolder(dir)).hash;
    expect(exec).not.toBe(base);
    await fs.chmod(path.join(dir, "run.sh"), 0o644);
    await fs.writeFile(path.join(dir, "run.sh"), "echo!");
    expect((await hashFolder(dir)).hash).not.toBe(base);
    await fs.writeFile(path.join(dir, "run.sh"), "echo");
    expect((await hashFolder(dir)).hash).toBe(base);
    await fs.rename(path.join(dir, "run.sh"), path.join(dir, "run2.sh"));
    expect((await hashFolder(dir)).hash).not.toBe(base);
  });

  it("refuses symlinks, special files and names that could mean something else", async () => {
    await write(dir, { "app.yaml": "x" });
    await fs.symlink("/etc/passwd", path.join(dir, "icon.svg"));
    await expect(hashFolder(dir)).rejects.toThrow(/icon\.svg is a symlink/);
    await fs.rm(path.join(dir, "icon.svg"));
    await fs.writeFile(path.join(dir, "we ird.txt"), "x");
    await expect(hashFolder(dir)).rejects.toThrow(TreeError);
  });

  it.each([
    ["app.yaml", true],
    ["build/www/cgi-bin/whoami", true],
    [".dockerignore", true],
    ["a+b-c_d.e", true],
    ["", false],
    ["/etc/passwd", false],
    ["../x", false],
    ["a/../../x", false],
    ["a/./b", false],
    ["a//b", false],
    ["a\\b", false],
    ["a/b/", false],
    ["é.txt", false],
    ["a\0b", false],
    [`${"d/".repeat(16)}f`, false],
  ])("isSafeRelPath(%j) is %s", (p, ok) => {
    expect(isSafeRelPath(p)).toBe(ok);
  });
});
