// Prisma's generated client carries its SQLite query compiler (1.9 MB of wasm) as a 2.5 MB base64 string
// in a JavaScript module. Once imported, that module's source and the string stay in memory for the life
// of the process (~7 MB of PCC's idle RSS, bench/idle-memory.bench.ts) although the compiled module is
// all Prisma needs. For the compiled server, the build writes the wasm's bytes beside the bundle and has
// the client compile them from that file: the same bytes, validated here, and none of the string.
//
// The loader is rewritten by exact text: a Prisma upgrade that changes it fails the build, loudly, rather
// than shipping a client that still loads the string (or no longer loads at all).
import fs from "node:fs";
import path from "node:path";

export const WASM_FILE = "query_compiler_bg.sqlite.wasm";
const BASE64_MODULE = "@prisma/client/runtime/query_compiler_bg.sqlite.wasm-base64.mjs";

/** What prisma generate (6.19) writes in internal/class.ts to load the compiler. */
export const GENERATED_LOADER = `    const { wasm } = await import("${BASE64_MODULE}")
    return await decodeBase64AsWasm(wasm)`;

/**
 * Its replacement: the bytes from the build folder. The code may land in main.mjs or in a shared chunk
 * under chunks/, so the path is taken from whichever file it ends up in.
 */
export const FILE_LOADER = `    const { readFile } = await import("node:fs/promises")
    const here = new URL(".", import.meta.url)
    const dir = here.pathname.endsWith("/chunks/") ? new URL("..", here) : here
    return new WebAssembly.Module(await readFile(new URL(${JSON.stringify(WASM_FILE)}, dir)))`;

/** The compiler's bytes, decoded from Prisma's base64 module and checked to be a valid wasm module. */
export function queryCompilerWasm(root) {
  const file = path.join(root, "node_modules", BASE64_MODULE);
  const m = /^const wasm = "([A-Za-z0-9+/]+=*)";?\s*$/m.exec(fs.readFileSync(file, "utf8"));
  if (!m) throw new Error(`${file}: no base64 wasm string where Prisma 6.19 puts it (was Prisma upgraded?)`);
  const bytes = Buffer.from(m[1], "base64");
  if (!WebAssembly.validate(bytes)) throw new Error(`${file}: its base64 string does not decode to a valid wasm module`);
  return bytes;
}

/** Rewrites the generated loader; throws if the generated code does not hold exactly one. */
export function rewriteLoader(source, file = "internal/class.ts") {
  const parts = source.split(GENERATED_LOADER);
  if (parts.length !== 2) {
    throw new Error(`${file}: expected Prisma's base64 wasm loader once, found it ${parts.length - 1} times (was Prisma upgraded? see scripts/prisma-wasm.mjs)`);
  }
  return parts.join(FILE_LOADER);
}

/** The esbuild plugin: the generated client's loader, rewritten. */
export function prismaWasmFromFile() {
  return {
    name: "prisma-wasm-from-file",
    setup(build) {
      build.onLoad({ filter: /[\\/]generated[\\/]prisma[\\/]internal[\\/]class\.ts$/ }, async (args) => ({
        contents: rewriteLoader(await fs.promises.readFile(args.path, "utf8"), args.path),
        loader: "ts",
      }));
    },
  };
}
