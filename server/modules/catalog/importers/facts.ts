import type { Category } from "../../spec/spec-fields";
import type { Facts } from "./convert";
import type { Notes } from "./notes";
import { isDatabaseImage } from "./ports";
import { isMapping, scalar } from "./source-text";
import type { Source } from "./types";
import { isAppId, toAppId } from "./values";

// Store facts shared by the formats: the app id, an icon found next to the source, a version from an
// image tag, and the categories of the other stores mapped onto PCC's.

/** The app id: the one asked for (the output folder's name), else the source's own, made valid. */
export function appIdFor(asked: string | undefined, own: string | undefined, fallback: string, notes: Notes, what: string): string {
  if (asked !== undefined) {
    if (!isAppId(asked)) throw new Error(`"${asked}" is not a valid app id (1-30 lower-case letters, digits or dashes, starting with a letter)`);
    return asked;
  }
  const raw = own ?? fallback;
  const id = toAppId(raw);
  if (id !== raw) notes.add("info", what, `the id "${raw.slice(0, 60)}" became "${id}" (PCC ids are lower-case letters, digits and dashes)`);
  return id;
}

/** An icon.svg or icon.png in the source folder (CasaOS apps ship one), copied as is. */
export function iconFrom(source: Source): Facts["icon"] {
  for (const file of ["icon.svg", "icon.png"] as const) {
    const data = source.files[file];
    if (data !== undefined) return { file, data };
  }
  return undefined;
}

/** The tag of the image of the service that is probably the app (not its database), as a version hint. */
export function versionFromImages(services: unknown): string | undefined {
  if (!isMapping(services)) return undefined;
  const images = Object.values(services)
    .filter(isMapping)
    .map((s) => scalar(s.image))
    .filter((i): i is string => !!i && !isDatabaseImage(i));
  for (const image of images) {
    const tag = image.split("@")[0]!.split("/").pop()!.split(":")[1];
    if (tag && /^v?\d/.test(tag)) return tag;
  }
  return undefined;
}

/** Maps another store's category words onto PCC's categories; the first word that maps wins. */
export function mapCategory(words: unknown[], table: Record<string, Category>, notes: Notes, at: string): Category | undefined {
  const list = words.map((w) => scalar(w)?.trim()).filter((w): w is string => !!w);
  for (const w of list) {
    const c = table[w.toLowerCase()];
    if (c) {
      if (c !== w.toLowerCase()) notes.add("info", at, `"${w}" mapped to PCC's category "${c}"`);
      return c;
    }
  }
  if (list.length) notes.add("review", at, `${list.map((w) => `"${w}"`).join(", ")} matches none of PCC's categories; "other" used`);
  return list.length ? "other" : undefined;
}

/** Labels such as org.opencontainers.image.title on the app's services: what a plain compose file can say about the app. */
export function ociLabels(services: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isMapping(services)) return out;
  for (const svc of Object.values(services)) {
    if (!isMapping(svc)) continue;
    const labels = svc.labels;
    const entries: [string, unknown][] = isMapping(labels)
      ? Object.entries(labels)
      : Array.isArray(labels)
        ? labels.map((l) => (scalar(l) ?? "").split("=")).map(([k, ...v]) => [k!, v.join("=")])
        : [];
    for (const [k, v] of entries) {
      const m = /^org\.opencontainers\.image\.(title|description|version|url|source|vendor|authors)$/.exec(k);
      if (m && scalar(v) && !out[m[1]!]) out[m[1]!] = scalar(v)!;
    }
  }
  return out;
}
