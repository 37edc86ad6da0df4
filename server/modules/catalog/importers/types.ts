// Shared types of `./pcc app import`: the formats it reads, what it hands back, and the notes it writes
// about everything it could not carry over.

export const FORMATS = ["compose", "umbrel", "runtipi", "casaos"] as const;
export type Format = (typeof FORMATS)[number];

/**
 * How much a note matters to the author, most important first.
 * - blocking: the folder will not lint (or not publish) until the author fixes it (an image without a digest).
 * - refused: the source loosened the sandbox (privileged, a host socket…); PCC never carries that over.
 * - review: the importer guessed or used a placeholder; check it before publishing.
 * - dropped: a field with no PCC equivalent was left out; usually harmless.
 * - info: what the importer did, for the record.
 */
export const NOTE_LEVELS = ["blocking", "refused", "review", "dropped", "info"] as const;
export type NoteLevel = (typeof NOTE_LEVELS)[number];

export type Note = {
  level: NoteLevel;
  /** Where it came from: the source file and field, e.g. "docker-compose.yml: services.web.cap_add". */
  source: string;
  /** What happened and why. */
  message: string;
  /** The app probably cannot work on PCC without what was dropped (a container engine's socket, say). */
  breaksApp?: boolean;
};

/** The source as read from disk: small text files by relative path (icons as bytes), and the folder's entries. */
export type Source = {
  files: Record<string, string | Buffer>;
  /** Top-level entries of the source folder ("hooks/", "exports.sh"…), for notes about what is not read. */
  listing: string[];
  /** Name of the folder (or file) the source came from: the fallback app id. */
  name: string;
};

export type ImportOptions = {
  /** The app id to use (the name of the folder it is written to); default: the source's own id. */
  id?: string;
};

export type ImportResult = {
  id: string;
  /** The app folder: relative path → contents. Always holds app.yaml and an icon. */
  files: Record<string, string | Buffer>;
  notes: Note[];
};

/** The source cannot be imported at all (not the format, unreadable, hostile); the message says why. */
export class ImportError extends Error {}
