import path from "node:path";
import { formatLintReport, lintAppDir } from "../../spec";
import { formatNotes } from "./notes";
import { importApp, readSource, writeAppFolder } from "./index";
import { FORMATS, ImportError, type Format } from "./types";
import { isAppId } from "./values";

// `./pcc app import --from FORMAT PATH [--out DIR]`: local, like `lint`; no PCC needs to run.

export const importUsage = `  pcc app import --from compose|umbrel|runtipi|casaos PATH [--out DIR]
                                    turn another store's app into an app folder (default ./<id>), lint it, list what was not carried over`;

export type ImportArgs = { format: Format; path: string; out?: string };

/** Parses the arguments after `import`; null means usage. */
export function parseImportArgs(argv: string[]): ImportArgs | null {
  let format: string | undefined;
  let out: string | undefined;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--from") format = argv[++i];
    else if (a.startsWith("--from=")) format = a.slice(7);
    else if (a === "--out") out = argv[++i];
    else if (a.startsWith("--out=")) out = a.slice(6);
    else if (a.startsWith("--")) return null;
    else rest.push(a);
  }
  if (!format || !(FORMATS as readonly string[]).includes(format) || rest.length !== 1 || (out !== undefined && !out)) return null;
  return { format: format as Format, path: rest[0]!, ...(out ? { out } : {}) };
}

/** Imports, writes the folder, lints it and prints notes and the lint report. 0 when the folder lints. */
export async function runImport(args: ImportArgs, io: { cwd?: string; log?: (s: string) => void; error?: (s: string) => void } = {}): Promise<number> {
  const cwd = io.cwd ?? process.cwd();
  const log = io.log ?? ((s: string) => process.stdout.write(s));
  const error = io.error ?? ((s: string) => process.stderr.write(s));
  try {
    let id: string | undefined;
    if (args.out !== undefined) {
      id = path.basename(path.resolve(cwd, args.out));
      if (!isAppId(id)) {
        error(`error: the folder name "${id}" is not a valid app id (lint requires the app id to equal the folder name): 1-30 lower-case letters, digits or dashes, starting with a letter\n`);
        return 1;
      }
    }
    const source = await readSource(args.format, path.resolve(cwd, args.path));
    const result = importApp(args.format, source, id ? { id } : {});
    const shown = args.out ?? result.id;
    const outDir = path.resolve(cwd, shown);
    const written = await writeAppFolder(result, outDir);
    const lint = await lintAppDir(outDir);
    log(`Imported the ${args.format} app ${args.path} into ${shown}/ (${written.join(", ")}).\n\n`);
    log(formatNotes(result.notes));
    log("\n");
    log(formatLintReport(lint, shown));
    if (lint.errors.length) {
      const digestOnly = lint.errors.every((e) => /must be pinned by digest/.test(e.message));
      log(
        digestOnly
          ? "\nThe folder needs one fix before it lints: pin each image by digest (see the BLOCKING notes); the importer works offline and cannot look digests up.\n"
          : "\nThe folder does not lint yet: fix the errors above (the BLOCKING notes say where they come from).\n",
      );
      return 1;
    }
    return 0;
  } catch (e) {
    if (e instanceof ImportError) {
      error(`error: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
