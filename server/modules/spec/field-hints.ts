import { suggest } from "./issues";

// Hints for an unknown field, read off the generated JSON Schema: a misspelling of a field of the same
// object ("helthcheck" → "healthcheck"), or a real field put at the wrong level ("internet" → permissions).

type Node = {
  properties?: Record<string, Node>;
  additionalProperties?: Node | boolean;
  items?: Node;
  anyOf?: Node[];
  oneOf?: Node[];
};

const branches = (n: Node): Node[] => [n, ...(n.anyOf ?? []).flatMap(branches), ...(n.oneOf ?? []).flatMap(branches)];

/** The schema nodes an object at `path` may be described by (several under a union). */
function nodesAt(root: Node, path: readonly PropertyKey[]): Node[] {
  let nodes = [root];
  for (const seg of path) {
    const next: Node[] = [];
    for (const n of nodes.flatMap(branches)) {
      if (typeof seg === "number") {
        if (n.items) next.push(n.items);
      } else if (n.properties && Object.hasOwn(n.properties, seg)) next.push(n.properties[seg as string]);
      else if (typeof n.additionalProperties === "object") next.push(n.additionalProperties);
    }
    nodes = next;
  }
  return nodes.flatMap(branches);
}

/** Every field name, with where it lives ("services.<name>.healthcheck"). */
function homes(root: Node): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const walk = (n: Node, at: string, depth: number) => {
    if (depth > 12) return;
    for (const b of branches(n)) {
      for (const [k, child] of Object.entries(b.properties ?? {})) {
        const list = out.get(k) ?? [];
        if (!list.includes(at)) list.push(at);
        out.set(k, list);
        walk(child, at ? `${at}.${k}` : k, depth + 1);
      }
      if (typeof b.additionalProperties === "object") walk(b.additionalProperties, `${at}.<name>`, depth + 1);
      if (b.items) walk(b.items, `${at}[]`, depth + 1);
    }
  };
  walk(root, "", 0);
  return out;
}

export function makeFieldHints(schema: () => object) {
  let root: Node | undefined;
  let where: Map<string, string[]> | undefined;
  return (path: readonly PropertyKey[]): string | undefined => {
    root ??= schema() as Node;
    where ??= homes(root);
    const word = String(path[path.length - 1]);
    const siblings = nodesAt(root, path.slice(0, -1)).flatMap((n) => Object.keys(n.properties ?? {}));
    const near = suggest(word, siblings);
    if (near) return `did you mean "${near}"?`;
    const at = (field: string) => {
      const list = where!.get(field) ?? [];
      const named = list.filter((h) => h !== "").slice(0, 2);
      return named.length ? `under ${named.join(" or ")}` : "at the top level";
    };
    if (where.has(word)) return `"${word}" belongs ${at(word)}`;
    const far = suggest(word, where.keys());
    return far ? `did you mean "${far}", which belongs ${at(far)}?` : undefined;
  };
}
