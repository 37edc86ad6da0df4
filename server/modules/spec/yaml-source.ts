import { Lexer, parseAllDocuments } from "yaml";
import type { Issue } from "./issues";

/** Far above any real app.yaml; keeps a hostile file from costing more than a moment to read. */
export const MAX_YAML_BYTES = 256 * 1024;
/**
 * Aliases let a few lines expand into gigabytes (the "billion laughs"); the yaml package refuses a document
 * whose aliases would resolve to more than this many nodes.
 */
const MAX_ALIAS_COUNT = 100;

/**
 * Far deeper than any app.yaml (the spec itself nests 6 levels). The parser recurses once per flow
 * collection and per compact entry ("- - -"), and overflows the stack near a thousand levels; worse, if
 * that happens before V8 has compiled the parser's regular expressions, the next parse aborts the whole
 * process ("RegExpCompiler Allocation failed"). So depth is measured first, with yaml's own lexer, which is
 * iterative and knows what a quoted string, a comment or a block scalar is.
 */
const MAX_NESTING = 64;

function nestingDepth(text: string): number {
  let flow = 0;
  let compact = 0;
  let max = 0;
  for (const token of new Lexer().lex(text)) {
    if (token === "[" || token === "{") max = Math.max(max, ++flow + compact);
    else if (token === "]" || token === "}") flow = Math.max(0, flow - 1);
    else if (token === "\n") compact = 0;
    else if (flow === 0 && (token === "-" || token === "?" || token === ":")) max = Math.max(max, ++compact);
  }
  return max;
}

export type YamlSource = { errors: Issue[]; warnings: Issue[]; value?: unknown };

const firstLine = (message: string) => message.split("\n")[0].trim();

/** Parses app.yaml text into plain data. Syntax problems have the path "" and name their line. */
export function parseAppYaml(text: string): YamlSource {
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > MAX_YAML_BYTES) {
    return { errors: [{ path: "", message: `app.yaml is ${bytes} bytes; the limit is ${MAX_YAML_BYTES}` }], warnings: [] };
  }
  if (nestingDepth(text) > MAX_NESTING) {
    return { errors: [{ path: "", message: `YAML: app.yaml cannot be read: it is nested more than ${MAX_NESTING} levels deep` }], warnings: [] };
  }
  try {
    // YAML 1.2 core schema: "no" and "on" stay strings, and there are no custom tags or merge keys.
    const docs = parseAllDocuments(text, { uniqueKeys: true, prettyErrors: true, logLevel: "silent", schema: "core" });
    // An empty file (or one of comments only) holds no document: yaml returns an empty list for it.
    if (!Array.isArray(docs) || docs.length === 0) return { errors: [], warnings: [], value: null };
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
