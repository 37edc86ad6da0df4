import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs build script, without types
import { FILE_LOADER, GENERATED_LOADER, queryCompilerWasm, rewriteLoader, WASM_FILE } from "./prisma-wasm.mjs";

const ROOT = path.resolve(import.meta.dirname, "..");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pcc-prisma-wasm-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("the compiled server loads Prisma's query compiler from a file, not a base64 string", () => {
  it("decodes exactly the bytes of Prisma's base64 module, and they are a valid wasm module", async () => {
    // @ts-expect-error: Prisma ships this module without types
    const { wasm } = (await import("@prisma/client/runtime/query_compiler_bg.sqlite.wasm-base64.mjs")) as { wasm: string };
    const bytes: Buffer = queryCompilerWasm(ROOT);
    expect(bytes.equals(Buffer.from(wasm, "base64"))).toBe(true);
    expect(WebAssembly.Module.exports(new WebAssembly.Module(new Uint8Array(bytes))).some((e) => e.kind === "memory")).toBe(true);
  });

  it("rewrites the loader prisma generate wrote, once, and nothing else", () => {
    const file = path.join(ROOT, "server/generated/prisma/internal/class.ts");
    const source = fs.readFileSync(file, "utf8");
    const out: string = rewriteLoader(source, file);
    expect(out).not.toContain("wasm-base64");
    expect(out.split(FILE_LOADER)).toHaveLength(2);
    expect(out.replace(FILE_LOADER, GENERATED_LOADER)).toBe(source);
  });

  it("fails the build when the generated loader is not there exactly once (a Prisma upgrade)", () => {
    expect(() => rewriteLoader("export {}", "class.ts")).toThrow(/found it 0 times.*Prisma upgraded/);
    expect(() => rewriteLoader(GENERATED_LOADER + GENERATED_LOADER, "class.ts")).toThrow(/found it 2 times/);
  });

  it("finds the wasm beside the bundle whether the loader lands in main.mjs or in chunks/", async () => {
    const build = path.join(tmp, "build");
    fs.mkdirSync(path.join(build, "chunks"), { recursive: true });
    fs.writeFileSync(path.join(build, WASM_FILE), queryCompilerWasm(ROOT));
    const loader = `export const load = async () => {\n${FILE_LOADER}\n}\n`;
    for (const file of ["main.mjs", "chunks/chunk-X.mjs"]) {
      fs.writeFileSync(path.join(build, file), loader);
      const { load } = await import(pathToFileURL(path.join(build, file)).href);
      expect(await load()).toBeInstanceOf(WebAssembly.Module);
    }
  });
});
