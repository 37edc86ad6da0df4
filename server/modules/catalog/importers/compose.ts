import { Converter, type Facts, type Platform } from "./convert";
import { appIdFor, iconFrom, ociLabels, versionFromImages } from "./facts";
import { Notes } from "./notes";
import { isMapping, parseEnvLines, parseSourceYaml, scalar, sourceText } from "./source-text";
import { ImportError, type ImportOptions, type ImportResult, type Source } from "./types";

// A plain docker-compose file (the compose specification). It says nothing about the app as a store
// entry, so most store facts are placeholders, except what OCI labels on its services give.

export const COMPOSE_FILES = ["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"];

export function importCompose(source: Source, opts: ImportOptions = {}): ImportResult {
  const file = COMPOSE_FILES.find((f) => source.files[f] !== undefined);
  if (!file) throw new ImportError(`no compose file found (looked for ${COMPOSE_FILES.join(", ")})`);
  const notes = new Notes();
  const doc = parseSourceYaml(sourceText(source, file)!, file);
  if (!isMapping(doc)) throw new ImportError(`${file} is not a compose file: it must be a mapping with services`);
  for (const extra of source.listing.filter((n) => /^(docker-)?compose\.override\.ya?ml$/.test(n))) {
    notes.add("review", extra, "override files are not merged: apply what it changes to the imported app by hand");
  }
  const dotenvText = sourceText(source, ".env");
  const dotenv = dotenvText === undefined ? new Map<string, string>() : parseEnvLines(dotenvText);
  const labels = ociLabels(doc.services);
  let id: string;
  try {
    id = appIdFor(opts.id, scalar(doc.name), source.name, notes, `${file}: name`);
  } catch (e) {
    throw new ImportError((e as Error).message);
  }
  const platform: Platform = {
    label: "Docker Compose",
    file,
    dotenv,
    listing: source.listing,
    envFile(path) {
      const rel = path.replace(/^\.\//, "");
      const text = rel.split("/").includes("..") || rel.startsWith("/") ? undefined : sourceText(source, rel);
      return text === undefined ? undefined : [...parseEnvLines(text).entries()];
    },
  };
  const facts: Facts = {
    id,
    ...(labels.title ? { name: labels.title } : {}),
    ...(labels.description ? { description: labels.description } : {}),
    ...(labels.version || versionFromImages(doc.services) ? { version: labels.version ?? versionFromImages(doc.services) } : {}),
    ...(labels.vendor || labels.authors ? { developer: { name: (labels.vendor ?? labels.authors)!, ...(labels.source ? { url: labels.source } : {}) } } : {}),
    ...(labels.url ? { website: labels.url } : {}),
    icon: iconFrom(source),
    from: `the compose file ${source.name}/${file}`,
  };
  if (Object.keys(labels).length) notes.add("info", `${file}: labels`, `store facts taken from the image labels: ${Object.keys(labels).join(", ")}`);
  return new Converter(platform, notes).convert(doc, facts);
}
