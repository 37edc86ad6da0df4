#!/usr/bin/env node
// Compiles the server (server/main.ts) and the root CLI (server/cli/pcc-cli.ts) into plain JavaScript in
// .pcc-build/, so `./pcc start` and the CLI run on Node alone instead of compiling TypeScript at every
// start through tsx (which costs memory for as long as the server runs: bench/idle-memory.bench.ts).
// Only PCC's own code is bundled (and zod, without its other languages: scripts/zod-english.mjs); npm
// packages stay in node_modules, imported as they are.
//
//   node scripts/build-server.mjs [OUTDIR]      (default .pcc-build; ./pcc runs it when server/ changed)
import { build } from "esbuild";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { prismaWasmFromFile, queryCompilerWasm, WASM_FILE } from "./prisma-wasm.mjs";
import { zodEnglishOnly } from "./zod-english.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outdir = path.resolve(root, process.argv[2] ?? ".pcc-build");
// Written next to the output and swapped in at the end: a half-written build is never run.
const tmp = `${outdir}.tmp-${process.pid}`;
fs.rmSync(tmp, { recursive: true, force: true });

const started = Date.now();
try {
  await build({
    absWorkingDir: root,
    entryPoints: { main: "server/main.ts", "pcc-cli": "server/cli/pcc-cli.ts" },
    outdir: tmp,
    bundle: true,
    // The entries share most of their code: one copy of it, in chunks both import.
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    outExtension: { ".js": ".mjs" },
    chunkNames: "chunks/[name]-[hash]",
    sourcemap: "linked",
    // Stack traces and logs keep readable class and function names.
    keepNames: true,
    legalComments: "none",
    logLevel: "warning",
    tsconfig: path.join(root, "tsconfig.json"),
    plugins: [prismaWasmFromFile(), zodEnglishOnly()],
  });
  fs.writeFileSync(path.join(tmp, WASM_FILE), queryCompilerWasm(root));
  // .pcc-build sits in the repository, so bare imports ("next", "@prisma/client/…") resolve from its
  // node_modules as they do for server/.
  fs.writeFileSync(path.join(tmp, "package.json"), JSON.stringify({ type: "module", private: true }) + "\n");
  fs.rmSync(outdir, { recursive: true, force: true });
  fs.renameSync(tmp, outdir);
} catch (e) {
  fs.rmSync(tmp, { recursive: true, force: true });
  console.error(`build-server: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
console.error(`build-server: ${path.relative(root, outdir) || "."} in ${Date.now() - started} ms`);
