import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * An esbuild plugin: zod bundled into the server with its English messages only.
 *
 * zod 4's main entry re-exports all of its ~60 locales (`z.locales`), so importing it loads and keeps every
 * one of them (340 kB of source, much of it two-byte text) for the life of the process; PCC speaks English
 * and never reads `z.locales`. Bundled, the `../locales/index.js` that zod's classic and core modules
 * re-export becomes a module with `en` alone, which is all zod itself uses (it configures English at
 * import). About 1 MB less idle memory (bench/idle-memory.bench.ts). If an upgrade moves the locales, the
 * plugin simply stops matching and the server bundles them all again: larger, never broken.
 */
export function zodEnglishOnly() {
  const entry = fileURLToPath(import.meta.resolve("zod"));
  const english = path.join(path.dirname(entry), "v4", "locales", "en.js");
  const v4 = `${path.sep}zod${path.sep}v4${path.sep}`;
  return {
    name: "zod-english-only",
    setup(build) {
      // Bundled rather than external (the build keeps other packages external), so its imports can be swapped.
      build.onResolve({ filter: /^zod$/ }, () => ({ path: entry }));
      build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
        args.importer.includes(v4) ? { path: "locales", namespace: "zod-english" } : undefined,
      );
      build.onLoad({ filter: /.*/, namespace: "zod-english" }, () => ({
        contents: `export { default as en } from ${JSON.stringify(english)};\n`,
        loader: "js",
        resolveDir: path.dirname(english),
      }));
    },
  };
}
