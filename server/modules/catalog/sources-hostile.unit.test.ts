import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { signIndex } from "./source-publish";
import { errorOf, keys, resign, sourcesFixture, writeApp, type Keys } from "./sources-fixtures";
import { treeHash } from "./tree-hash";

// Sources that lie or attack: huge or symlinked indexes, hashes that do not match, paths that escape.

let tmp: string;
let builtIn: string;
let data: string;

beforeEach(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "pcc-sources-"));
  builtIn = path.join(tmp, "built-in");
  data = path.join(tmp, "data");
  // The built-in catalog: a test app (hidden from owners) and a real one.
  await writeApp(builtIn, "hello", { test: true });
  await writeApp(builtIn, "notes", {});
});
afterEach(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

const { makeSource, setup } = sourcesFixture(() => ({ tmp, builtIn, data }));

describe("hostile sources", () => {
  /** A source whose index.json is exactly `body`, signed by k. */
  async function hostile(body: string | Buffer, k: Keys) {
    const dir = path.join(tmp, "sources", `hostile-${Math.random().toString(36).slice(2)}`);
    await fs.mkdir(dir, { recursive: true });
    const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
    await fs.writeFile(path.join(dir, "index.json"), bytes);
    await fs.writeFile(path.join(dir, "index.json.sig"), signIndex(bytes, k.key));
    return dir;
  }

  it("refuses a huge index unread", async () => {
    const k = keys();
    const dir = await hostile("[]", k);
    await fs.truncate(path.join(dir, "index.json"), 64 * 1024 * 1024);
    const e = await errorOf(setup().sources.add({ location: dir, publicKey: k.publicKey }));
    expect(e.message).toMatch(/index\.json in .* is 67108864 bytes; the limit is 4194304/);
  });

  it("reads its own files only, even through a symlinked index", async () => {
    const k = keys();
    const dir = await hostile("{}", k);
    await fs.rm(path.join(dir, "index.json"));
    await fs.symlink("/etc/hostname", path.join(dir, "index.json"));
    const e = await errorOf(setup().sources.add({ location: dir, publicKey: k.publicKey }));
    expect(e.message).toMatch(/symlink that leads outside the source/);
  });

  it.each([
    ["not JSON", "{", /is not valid JSON/],
    ["a list", "[]", /expected object/],
    ["another format", JSON.stringify({ format: "pcc.source/v9", name: "x", generatedAt: new Date().toISOString(), apps: [] }), /format: must be "pcc\.source\/v1"/],
    ["apps of the wrong type", JSON.stringify({ format: "pcc.source/v1", name: "x", generatedAt: new Date().toISOString(), apps: { a: 1 } }), /apps: /],
    ["a path trick as an id", JSON.stringify(indexWith({ id: "../../etc" })), /apps\.0\.id: must be 1-30 lower-case/],
    ["an id with a slash", JSON.stringify(indexWith({ id: "a/b" })), /apps\.0\.id/],
    ["a path trick as a file", JSON.stringify(indexWith({ files: [file("app.yaml"), file("../../../../root/.ssh/authorized_keys")] })), /apps\.0\.files\.1\.path: must be a relative path/],
    ["an absolute file", JSON.stringify(indexWith({ files: [file("app.yaml"), file("/etc/passwd")] })), /files\.1\.path/],
    ["a file listed twice", JSON.stringify(indexWith({ files: [file("app.yaml"), file("app.yaml")] })), /app\.yaml is listed twice/],
    ["no app.yaml", JSON.stringify(indexWith({ files: [file("x.txt")] })), /must include app\.yaml/],
    ["a huge file size", JSON.stringify(indexWith({ files: [file("app.yaml", 1e12)] })), /size: /],
    ["a negative size", JSON.stringify(indexWith({ files: [file("app.yaml", -1)] })), /size: /],
    ["a bad hash", JSON.stringify(indexWith({ hash: "md5:abc" })), /hash: must be "sha256:"/],
    ["two apps with one id", JSON.stringify({ ...indexWith({}), apps: [indexWith({}).apps[0], indexWith({}).apps[0]] }), /alpha is listed twice/],
    ["not UTF-8", Buffer.from([0x7b, 0xff, 0x7d]), /is not valid JSON/],
  ])("refuses an index that is %s", async (_what, body, message) => {
    const k = keys();
    const dir = await hostile(body, k);
    const e = await errorOf(setup().sources.add({ location: dir, publicKey: k.publicKey }));
    expect(e.code).toBe("INVALID_INPUT");
    expect(e.message).toMatch(message);
  });

  it("refuses an app whose listed hash does not match its listed files, and one whose files are not what the index says", async () => {
    const k = keys();
    const dir = await makeSource("Lies", { alpha: {}, beta: {}, gamma: {} }, k);
    const index = JSON.parse(await fs.readFile(path.join(dir, "index.json"), "utf8"));
    index.apps[0].hash = `sha256:${"0".repeat(64)}`;
    index.apps[1].files[0].size += 1;
    index.apps[1].hash = treeHash(index.apps[1].files);
    await resign(dir, index, k);
    const view = await setup().sources.add({ location: dir, publicKey: k.publicKey });
    expect(view.apps.map((a) => [a.id, a.available])).toEqual([["alpha", false], ["beta", false], ["gamma", true]]);
    expect(view.apps[0]!.problem).toMatch(/hash that does not match its own list of files/);
    expect(view.apps[1]!.problem).toMatch(/does not match the signed index/);
  });
});

function file(p: string, size = 1) {
  return { path: p, size, sha256: "a".repeat(64) };
}
function indexWith(app: Record<string, unknown>) {
  return {
    format: "pcc.source/v1",
    name: "Hostile",
    generatedAt: new Date().toISOString(),
    apps: [{ id: "alpha", version: "1.0.0", hash: `sha256:${"b".repeat(64)}`, files: [file("app.yaml")], ...app }],
  };
}
