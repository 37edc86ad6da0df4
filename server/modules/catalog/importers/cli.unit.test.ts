import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseAppArgs } from "../../../cli/app-cli";
import { parseImportArgs, runImport } from "./cli";
import { writeAppFolder } from "./io";
import { FIXTURES } from "./test-helpers";

let cwd: string;
let out: string[];
const io = () => ({ cwd, log: (s: string) => out.push(s), error: (s: string) => out.push(`ERR ${s}`) });
beforeEach(async () => {
  cwd = await fs.mkdtemp(path.join(os.tmpdir(), "pcc-import-cli-"));
  out = [];
});
afterEach(() => fs.rm(cwd, { recursive: true, force: true }));

describe("parseImportArgs", () => {
  it("reads --from, PATH and --out in any order", () => {
    expect(parseImportArgs(["--from", "umbrel", "apps/immich"])).toEqual({ format: "umbrel", path: "apps/immich" });
    expect(parseImportArgs(["x", "--out", "y", "--from=casaos"])).toEqual({ format: "casaos", path: "x", out: "y" });
  });

  it("refuses what it does not understand", () => {
    expect(parseImportArgs(["x"])).toBeNull();
    expect(parseImportArgs(["--from", "portainer", "x"])).toBeNull();
    expect(parseImportArgs(["--from", "compose", "x", "y"])).toBeNull();
    expect(parseImportArgs(["--from", "compose", "x", "--force"])).toBeNull();
  });

  it("leaves the other app commands alone", () => {
    expect(parseAppArgs(["lint", "apps-catalog/hello"])).toEqual({ lint: "apps-catalog/hello" });
  });
});

describe("runImport", () => {
  it("writes ./<id>, lints it, prints the notes and the lint report; exit 0 when it lints", async () => {
    const code = await runImport({ format: "umbrel", path: path.join(FIXTURES, "umbrel/linkvault") }, io());
    const text = out.join("");
    expect(code).toBe(0);
    expect(text).toMatch(/^Imported the umbrel app .* into linkvault\/ \(app\.yaml, icon\.svg\)\./);
    expect(text).toMatch(/Notes \(\d+ review, \d+ dropped, \d+ info\):/);
    expect(text).toMatch(/linkvault\/app\.yaml: OK \(linkvault 3\.2\.0, pcc\.app\/v1\)/);
    expect(await fs.readdir(path.join(cwd, "linkvault"))).toEqual(["app.yaml", "icon.svg"]);
  });

  it("exit 1 with the one fix to make when only digests are missing", async () => {
    const code = await runImport({ format: "runtipi", path: path.join(FIXTURES, "runtipi/tidyfeeds"), out: "apps/feeds" }, io());
    const text = out.join("");
    expect(code).toBe(1);
    expect(text).toMatch(/apps\/feeds\/app\.yaml: 2 errors/);
    expect(text).toMatch(/needs one fix before it lints: pin each image by digest/);
    expect(await fs.readFile(path.join(cwd, "apps/feeds/app.yaml"), "utf8")).toMatch(/^id: feeds$/m);
  });

  it("never overwrites an existing folder", async () => {
    await fs.mkdir(path.join(cwd, "recipebox"));
    await fs.writeFile(path.join(cwd, "recipebox", "keep.txt"), "mine");
    const code = await runImport({ format: "casaos", path: path.join(FIXTURES, "casaos/recipebox") }, io());
    expect(code).toBe(1);
    expect(out.join("")).toMatch(/ERR error: .*recipebox already exists; the importer never overwrites a folder/);
    expect(await fs.readdir(path.join(cwd, "recipebox"))).toEqual(["keep.txt"]);
  });

  it("refuses an --out whose name cannot be an app id, and a source that is not there", async () => {
    expect(await runImport({ format: "compose", path: path.join(FIXTURES, "compose/pinboard"), out: "My App" }, io())).toBe(1);
    expect(out.join("")).toMatch(/"My App" is not a valid app id/);
    expect(await runImport({ format: "compose", path: "nowhere" }, io())).toBe(1);
    expect(out.join("")).toMatch(/nowhere does not exist/);
    expect(await runImport({ format: "umbrel", path: path.join(FIXTURES, "compose/pinboard/docker-compose.yml") }, io())).toBe(1);
    expect(out.join("")).toMatch(/a umbrel app is a folder/);
  });

  it("the writer refuses paths that leave the folder", async () => {
    await expect(writeAppFolder({ id: "x", files: { "../escape": "x" }, notes: [] }, path.join(cwd, "x"))).rejects.toThrow(/outside the app folder/);
  });
});
