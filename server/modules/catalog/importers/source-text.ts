import { parseAllDocuments } from "yaml";
import { ImportError, type Source } from "./types";

/** Far above any real store file (CasaOS files with a dozen translations are ~40 KiB). */
export const MAX_SOURCE_BYTES = 512 * 1024;
/** Compose files use anchors and merge keys (Umbrel's `<<: *env`); a few hundred aliases is plenty, a bomb is not. */
const MAX_ALIAS_COUNT = 200;

const firstLine = (m: string) => m.split("\n")[0]!.trim().slice(0, 200);

export function sourceText(source: Source, file: string): string | undefined {
  const v = source.files[file];
  if (v === undefined) return undefined;
  const text = typeof v === "string" ? v : v.toString("utf8");
  if (Buffer.byteLength(text, "utf8") > MAX_SOURCE_BYTES) {
    throw new ImportError(`${file} is ${Buffer.byteLength(text, "utf8")} bytes; the importer reads files up to ${MAX_SOURCE_BYTES} bytes`);
  }
  return text;
}

/**
 * Parses a compose-style YAML file into plain data: one document, unique keys, YAML 1.2 (yes/no stay
 * text, 22:22 is not a number), merge keys allowed, aliases capped so an alias bomb is refused.
 */
export function parseSourceYaml(text: string, file: string): unknown {
  if (Buffer.byteLength(text, "utf8") > MAX_SOURCE_BYTES) throw new ImportError(`${file} is larger than ${MAX_SOURCE_BYTES} bytes`);
  try {
    const docs = parseAllDocuments(text, { uniqueKeys: true, merge: true, schema: "core", logLevel: "silent", prettyErrors: true });
    if (!Array.isArray(docs)) return null;
    if (docs.length > 1) throw new ImportError(`${file} holds ${docs.length} YAML documents (separated by ---); the importer reads one`);
    const [doc] = docs;
    if (!doc) return null;
    if (doc.errors.length) throw new ImportError(`${file} is not valid YAML: ${firstLine(doc.errors[0]!.message)}`);
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown;
  } catch (e) {
    if (e instanceof ImportError) throw e;
    const why = e instanceof RangeError ? "it is nested too deeply" : e instanceof Error ? firstLine(e.message) : String(e);
    throw new ImportError(`${file} cannot be read: ${why}`);
  }
}

export function parseSourceJson(text: string, file: string): unknown {
  if (Buffer.byteLength(text, "utf8") > MAX_SOURCE_BYTES) throw new ImportError(`${file} is larger than ${MAX_SOURCE_BYTES} bytes`);
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const why = e instanceof RangeError ? "it is nested too deeply" : e instanceof Error ? firstLine(e.message) : String(e);
    throw new ImportError(`${file} is not valid JSON: ${why}`);
  }
}

/** Reads `KEY=VALUE` lines (.env files, compose env_file, Umbrel's exports.sh): quotes removed, comments skipped. */
export function parseEnvLines(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/).slice(0, 5000)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(raw);
    if (!m) continue;
    let v = m[2]!.trim();
    if ((v.startsWith('"') && v.endsWith('"') && v.length >= 2) || (v.startsWith("'") && v.endsWith("'") && v.length >= 2)) v = v.slice(1, -1);
    else v = v.replace(/\s+#.*$/, "");
    if (m[1] !== "__proto__") out.set(m[1]!, v);
  }
  return out;
}

export const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** A scalar as text (YAML gives numbers and booleans for `8080` and `true`); undefined for anything else. */
export function scalar(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  if (typeof v === "boolean") return String(v);
  return undefined;
}

/** Localised text as CasaOS writes it ({ en_US: …, zh_CN: … }) or a plain string: English when there is one. */
export function localized(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (!isMapping(v)) return undefined;
  const keys = Object.keys(v);
  const en = keys.find((k) => /^en[_-]us$/i.test(k)) ?? keys.find((k) => /^en([_-]|$)/i.test(k)) ?? keys[0];
  return en === undefined ? undefined : scalar(v[en]);
}
