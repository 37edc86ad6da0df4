// Compose interpolation: `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, `${VAR:+alt}`,
// `$VAR`, and `$$` for a literal `$`. Umbrel, Runtipi and CasaOS files use the same syntax for the
// variables their platform fills in (APP_DATA_DIR, APP_SEED, AppID…).

export type VarPiece = { var: string; op?: ":-" | "-" | ":?" | "?" | ":+" | "+"; arg?: string; raw: string };
export type Piece = { text: string } | VarPiece;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const MAX_PIECES = 2000;

/** Splits a compose value into literal text and variables. Never throws: what it cannot read stays text. */
export function parseInterpolation(s: string): Piece[] {
  const out: Piece[] = [];
  let text = "";
  const flush = () => {
    if (text) out.push({ text });
    text = "";
  };
  let i = 0;
  while (i < s.length && out.length < MAX_PIECES) {
    const c = s[i]!;
    if (c !== "$") {
      text += c;
      i++;
      continue;
    }
    const next = s[i + 1];
    if (next === "$") {
      text += "$";
      i += 2;
    } else if (next === "{") {
      // Find the matching brace: a default may hold another ${…}.
      let depth = 1;
      let j = i + 2;
      for (; j < s.length && depth > 0; j++) {
        if (s[j] === "{") depth++;
        else if (s[j] === "}") depth--;
      }
      if (depth > 0) {
        text += s.slice(i);
        break;
      }
      const body = s.slice(i + 2, j - 1);
      const m = NAME.exec(body);
      if (!m) {
        text += s.slice(i, j);
      } else {
        flush();
        const rest = body.slice(m[0].length);
        const op = /^(:-|-|:\?|\?|:\+|\+)/.exec(rest)?.[1] as VarPiece["op"];
        if (rest && !op) text += s.slice(i, j);
        else out.push({ var: m[0], ...(op ? { op, arg: rest.slice(op.length) } : {}), raw: s.slice(i, j) });
      }
      i = j;
    } else {
      const m = NAME.exec(s.slice(i + 1));
      if (!m) {
        text += "$";
        i++;
      } else {
        flush();
        out.push({ var: m[0], raw: `$${m[0]}` });
        i += 1 + m[0].length;
      }
    }
  }
  if (i < s.length && out.length >= MAX_PIECES) text += s.slice(i);
  flush();
  return out;
}


/**
 * Resolves every variable to literal text with `lookup`; a variable `lookup` does not know falls back on its
 * default (`${X:-d}`), else the whole result is undefined. `$$` becomes `$`.
 */
export function interpolateText(s: string, lookup: (name: string) => string | undefined, depth = 0): string | undefined {
  let out = "";
  for (const p of parseInterpolation(s)) {
    if ("text" in p) {
      out += p.text;
      continue;
    }
    const v = lookup(p.var);
    const set = v !== undefined && !(v === "" && p.op?.startsWith(":"));
    if (p.op === ":+" || p.op === "+") {
      out += set ? ((depth < 4 ? interpolateText(p.arg ?? "", lookup, depth + 1) : p.arg) ?? "") : "";
    } else if (set) out += v;
    else if ((p.op === ":-" || p.op === "-") && depth < 4) {
      const d = interpolateText(p.arg ?? "", lookup, depth + 1);
      if (d === undefined) return undefined;
      out += d;
    } else return undefined;
  }
  return out;
}
