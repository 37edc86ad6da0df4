// `./pcc app import`: turns an app written for another store (a docker-compose file, an Umbrel, Runtipi or
// CasaOS app) into a pcc.app/v1 app folder, with notes on everything it could not carry over.
import { importCasaos } from "./casaos";
import { importCompose } from "./compose";
import { importRuntipi } from "./runtipi";
import type { Format, ImportOptions, ImportResult, Source } from "./types";
import { importUmbrel } from "./umbrel";

export { formatNotes } from "./notes";
export { readSource, writeAppFolder } from "./io";
export { FORMATS, ImportError, type Format, type ImportOptions, type ImportResult, type Note, type NoteLevel, type Source } from "./types";
export { importCasaos, importCompose, importRuntipi, importUmbrel };

const IMPORTERS: Record<Format, (source: Source, opts?: ImportOptions) => ImportResult> = {
  compose: importCompose,
  umbrel: importUmbrel,
  runtipi: importRuntipi,
  casaos: importCasaos,
};

/** Pure: the source's files in, the app folder's files and the notes out. Throws ImportError when it cannot import at all. */
export function importApp(format: Format, source: Source, opts: ImportOptions = {}): ImportResult {
  return IMPORTERS[format](source, opts);
}
