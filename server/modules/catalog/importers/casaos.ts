import type { Category } from "../../spec/spec-fields";
import { COMPOSE_FILES } from "./compose";
import { Converter, timezoneSetting, type Facts, type Platform, type Resolution } from "./convert";
import { appIdFor, iconFrom, mapCategory, versionFromImages } from "./facts";
import { interpolateText } from "./interpolation";
import { Notes } from "./notes";
import { isMapping, localized, parseSourceYaml, scalar, sourceText } from "./source-text";
import { ImportError, type ImportOptions, type ImportResult, type Source } from "./types";

// A CasaOS (ZimaOS) app: one docker-compose.yml whose top-level `x-casaos` holds the store entry (title,
// tagline, description, icon, category, `main` service and `port_map`, the *host* port of its web UI) and
// whose services carry `x-casaos` descriptions of their ports, volumes and variables. The app id is the
// compose `name:`. Data lives under /DATA/AppData/$AppID.

const CATEGORIES: Record<string, Category> = {
  media: "media",
  productivity: "productivity",
  home: "home",
  "home automation": "home",
  networking: "networking",
  network: "networking",
  ai: "ai",
  finance: "finance",
  social: "social",
  developer: "developer",
  development: "developer",
  "developer tools": "developer",
  utilities: "utilities",
  utility: "utilities",
  tools: "utilities",
  others: "other",
  other: "other",
  notes: "productivity",
  documents: "productivity",
  cloud: "files",
  "file sync": "files",
  files: "files",
  backup: "files",
  downloader: "media",
  gallery: "photos",
  photos: "photos",
  chat: "communication",
  communication: "communication",
  blog: "blog",
  games: "games",
  gaming: "games",
  security: "security",
  dashboard: "utilities",
  analytics: "developer",
  database: "developer",
};

/** A service's x-casaos list of { container, description } as a lookup. */
function describer(svc: unknown, list: "volumes" | "ports" | "envs"): Map<string, string> {
  const out = new Map<string, string>();
  const x = isMapping(svc) && isMapping(svc["x-casaos"]) ? svc["x-casaos"] : undefined;
  const items = x && Array.isArray(x[list]) ? x[list] : [];
  for (const it of items.slice(0, 200)) {
    if (!isMapping(it)) continue;
    const key = scalar(it.container);
    const text = localized(it.description)?.trim();
    if (key && text && !out.has(key)) out.set(key, text);
  }
  return out;
}

export function importCasaos(source: Source, opts: ImportOptions = {}): ImportResult {
  const file = COMPOSE_FILES.find((f) => source.files[f] !== undefined);
  if (!file) throw new ImportError(`no compose file found (looked for ${COMPOSE_FILES.join(", ")})`);
  const doc = parseSourceYaml(sourceText(source, file)!, file);
  if (!isMapping(doc) || !isMapping(doc.services)) throw new ImportError(`${file} declares no services`);
  const x = isMapping(doc["x-casaos"]) ? doc["x-casaos"] : undefined;
  if (!x) throw new ImportError(`${file} has no top-level x-casaos block: it is not a CasaOS app (import it with --from compose)`);
  const notes = new Notes();
  const xf = (k: string) => `${file}: x-casaos.${k}`;
  const casaName = scalar(doc.name) ?? source.name;
  let id: string;
  try {
    id = appIdFor(opts.id, scalar(doc.name), source.name, notes, `${file}: name`);
  } catch (e) {
    throw new ImportError((e as Error).message);
  }
  const services = doc.services;

  const variable = (q: { name: string }): Resolution | undefined => {
    const n = q.name;
    if (n === "AppID") return { kind: "literal", value: casaName };
    if (n === "PUID" || n === "PGID") return { kind: "literal", value: "1000", why: "CasaOS's user and group ids; PCC runs the app in its own user namespace, 1000 is a usual choice" };
    if (n === "TZ") return { kind: "setting", setting: timezoneSetting() };
    return undefined;
  };
  const lookup = (n: string) => (n === "AppID" ? casaName : n === "PUID" || n === "PGID" ? "1000" : undefined);

  // port_map is the host port of the web UI; the app's port is the container side of that mapping.
  const mainName = scalar(x.main);
  let main: Platform["main"];
  if (mainName && isMapping(services[mainName])) {
    const portMap = scalar(x.port_map);
    const hostPort = portMap === undefined ? undefined : Number(interpolateText(portMap, lookup));
    const ports = Array.isArray(services[mainName].ports) ? services[mainName].ports : [];
    let container: number | undefined;
    for (const p of ports) {
      if (isMapping(p)) {
        if (Number(interpolateText(scalar(p.published) ?? "", lookup)) === hostPort && (scalar(p.protocol) ?? "tcp") === "tcp") container = Number(scalar(p.target));
      } else {
        const m = /^(?:[\d.]+:)?([^:]+):(\d{1,5})(?:\/tcp)?$/.exec(scalar(p) ?? "");
        if (m && Number(interpolateText(m[1]!, lookup)) === hostPort) container = Number(m[2]);
      }
      if (container) break;
    }
    if (!container && hostPort) notes.add("review", xf("port_map"), `no port of "${mainName}" is published on ${portMap}; the web entry was guessed`);
    main = { service: mainName, ...(container ? { port: container } : {}), source: xf("port_map") };
  } else if (mainName) notes.add("review", xf("main"), `names "${mainName}", which is not a service; the web entry was guessed`);

  const vols = new Map(Object.entries(services).map(([k, v]) => [k, describer(v, "volumes")]));
  const ports = new Map(Object.entries(services).map(([k, v]) => [k, describer(v, "ports")]));
  const envs = new Map(Object.entries(services).map(([k, v]) => [k, describer(v, "envs")]));
  const dataDir = new RegExp(`^/DATA/AppData/(\\$\\{?AppID\\}?|${casaName.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")})(/.*)?$`, "i");

  const platform: Platform = {
    label: "CasaOS",
    file,
    variable,
    appData: (raw) => {
      const m = dataDir.exec(raw);
      return m ? (m[2] ?? "").replace(/^\/+/, "") : undefined;
    },
    sharedFolder: (raw) => (/^\/DATA\//i.test(raw) && !/^\/DATA\/AppData\//i.test(raw) ? raw.replace(/^\/DATA\//i, "").toLowerCase() : undefined),
    ...(main ? { main } : {}),
    describeVolume: (s, path) => vols.get(s)?.get(path),
    describePort: (s, port) => ports.get(s)?.get(String(port)),
    describeEnv: (s, n) => envs.get(s)?.get(n),
    ownFields: ["x-casaos"],
  };

  const extra: string[] = [];
  const tips = isMapping(x.tips) ? x.tips : {};
  const before = localized(tips.before_install)?.trim();
  if (before) {
    extra.push(`Before you start: ${before}`);
    notes.add("review", xf("tips.before_install"), "was added to the description; it often gives a default sign-in: if the compose file sets that password, it is now a generated secret, so edit the text");
  }
  const index = scalar(x.index);
  if (index && index !== "/") notes.add("review", xf("index"), `CasaOS opened the app at ${index}; PCC opens its root: make sure the root leads there`);
  if (scalar(x.scheme) === "https") notes.add("review", xf("scheme"), "the app serves HTTPS itself; PCC's gateway speaks plain HTTP to apps: use the app's HTTP port");
  if (scalar(x.icon)) notes.add("review", xf("icon"), `${iconFrom(source) ? "the icon next to the compose file was used; " : ""}the icon at ${scalar(x.icon)} is not downloaded (the importer works offline)${iconFrom(source) ? "" : ": save it as icon.svg or icon.png"}`);
  if (Array.isArray(x.screenshot_link) && x.screenshot_link.length) notes.add("review", xf("screenshot_link"), "screenshots are not downloaded: add PNGs under screenshots/");
  if (x.thumbnail !== undefined) notes.add("dropped", xf("thumbnail"), "PCC has no thumbnail; screenshots show the app");
  if (x.architectures !== undefined) notes.add("dropped", xf("architectures"), "PCC pulls the image for the machine's architecture");

  const category = mapCategory([x.category], CATEGORIES, notes, xf("category"));
  const developer = scalar(x.developer) ?? scalar(x.author);
  const website = scalar(x.website) ?? scalar(x.repo);
  const facts: Facts = {
    id,
    ...(localized(x.title) ? { name: localized(x.title)! } : {}),
    ...(scalar(x.version) || versionFromImages(services) ? { version: scalar(x.version) ?? versionFromImages(services)! } : {}),
    ...(localized(x.tagline) ? { tagline: localized(x.tagline)! } : {}),
    ...(localized(x.description) ? { description: localized(x.description)! } : {}),
    descriptionExtra: extra,
    ...(category ? { category } : {}),
    ...(developer ? { developer: { name: developer, ...(scalar(x.repo) ? { url: scalar(x.repo)! } : {}) } } : {}),
    ...(website ? { website } : {}),
    ...(localized(x.release_notes) ? { releaseNotes: localized(x.release_notes)! } : {}),
    icon: iconFrom(source),
    from: `the CasaOS app ${source.name} (${file})`,
  };
  return new Converter(platform, notes).convert(doc, facts);
}
