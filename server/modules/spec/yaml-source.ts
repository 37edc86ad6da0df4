import { parseAllDocuments } from "yaml";
import type { Issue } from "./issues";

/** Far above any real app.yaml; keeps a hostile file from costing more than a moment to read. */
export const MAX_YAML_BYTES = 256 * 1024;
/**
 * Aliases let a few lines expand into gigabytes (the "billion laughs"); the yaml package refuses a document
 * whose aliases would resolve to more than this many nodes.
 */
const MAX_ALIAS_COUNT = 100;

export type YamlSource = { errors: Issue[]; warnings: Issue[]; value?: unknown };

const firstLine = (message: string) => message.split("\n")[0].trim();

/** Parses app.yaml text into plain data. Syntax problems have the path "" and name their line. */
export function parseAppYaml(text: string): YamlSource {
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > MAX_YAML_BYTES) {
    return { errors: [{ path: "", message: `app.yaml is ${bytes} bytes; the limit is ${MAX_YAML_BYTES}` }], warnings: [] };
  }
  try {
    // YAML 1.2 core schema: "no" and "on" stay strings, and there are no custom tags or merge keys.
    const docs = parseAllDocuments(text, { uniqueKeys: true, prettyErrors: true, logLevel: "silent", schema: "core" });
    if (!Array.isArray(docs)) return { errors: [], warnings: [], value: null };
    if (docs.length > 1) {
      return { errors: [{ path: "", message: `YAML: app.yaml holds ${docs.length} documents (separated by ---); write one` }], warnings: [] };
    }
    const [doc] = docs;
    const warnings = doc.warnings.map((w) => ({ path: "", message: `YAML: ${firstLine(w.message)}` }));
    if (doc.errors.length) return { errors: doc.errors.map((e) => ({ path: "", message: `YAML: ${firstLine(e.message)}` })), warnings };
    return { errors: [], warnings, value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown };
  } catch (e) {
    // toJS throws on an alias bomb; the parser itself on pathological nesting (a RangeError).
    const why = e instanceof RangeError ? "it is nested too deeply" : e instanceof Error ? firstLine(e.message) : String(e);
    return { errors: [{ path: "", message: `YAML: app.yaml cannot be read: ${why}` }], warnings: [] };
  }
}
