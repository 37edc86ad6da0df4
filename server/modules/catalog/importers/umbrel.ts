import type { Category } from "../../spec/spec-fields";
import { Converter, timezoneSetting, type Facts, type Platform, type Resolution } from "./convert";
import { appIdFor, iconFrom, mapCategory } from "./facts";
import { Notes } from "./notes";
import { isSecretName } from "./secrets";
import { isMapping, parseEnvLines, parseSourceYaml, scalar, sourceText } from "./source-text";
import { ImportError, type ImportOptions, type ImportResult, type Source } from "./types";
import { toKey } from "./values";

// An Umbrel app: umbrel-app.yml (the store entry) and docker-compose.yml, whose `app_proxy` service is
// Umbrel's own sign-in proxy (APP_HOST/APP_PORT name the app's web service and its port inside the
// container). Umbrel fills in ${APP_DATA_DIR}, ${APP_SEED} (a secret derived from the device's seed),
// ${APP_PASSWORD} (shown to the owner when deterministicPassword is set), and whatever exports.sh exports.

const CATEGORIES: Record<string, Category> = {
  files: "files",
  bitcoin: "finance",
  crypto: "finance",
  finance: "finance",
  media: "media",
  networking: "networking",
  social: "social",
  automation: "home",
  ai: "ai",
  developer: "developer",
  "developer tools": "developer",
  productivity: "productivity",
  security: "security",
  gaming: "games",
};

/** Variables of the Umbrel apps an app may depend on (Bitcoin Core, Lightning, Electrum…). */
const DEPENDENCY_VAR = /^(APP_(BITCOIN|LIGHTNING|CORE_LIGHTNING|ELECTRS|FULCRUM|ELEMENTS|MEMPOOL)_|BITCOIN_|LND_|ELECTRUM_|APP_UMBREL_BITCOIN_)/;

type Export = { literal: string } | { derived: true } | { dynamic: string };

/** exports.sh: `export NAME="value"` lines; `$(derive_entropy …)` is a secret derived from the seed. */
function parseExports(text: string): Map<string, Export> {
  const out = new Map<string, Export>();
  for (const line of text.split(/\r?\n/).slice(0, 2000)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m || m[1] === "__proto__") continue;
    const raw = m[2]!.trim();
    if (/derive_entropy/.test(raw)) out.set(m[1]!, { derived: true });
    else if (/\$\(|`/.test(raw)) out.set(m[1]!, { dynamic: raw.slice(0, 80) });
    else {
      const v = parseEnvLines(`${m[1]}=${raw}`).get(m[1]!) ?? "";
      out.set(m[1]!, v.includes("$") ? { dynamic: raw.slice(0, 80) } : { literal: v });
    }
  }
  return out;
}

const envOf = (svc: unknown): Record<string, string> => {
  if (!isMapping(svc)) return {};
  const e = svc.environment;
  if (isMapping(e)) return Object.fromEntries(Object.entries(e).map(([k, v]) => [k, scalar(v) ?? ""]));
  if (Array.isArray(e)) return Object.fromEntries(e.map((x) => (scalar(x) ?? "").split(/=(.*)/s)).map(([k, v]) => [k!, v ?? ""]));
  return {};
};

export function importUmbrel(source: Source, opts: ImportOptions = {}): ImportResult {
  const manifestText = sourceText(source, "umbrel-app.yml");
  const composeText = sourceText(source, "docker-compose.yml");
  if (manifestText === undefined) throw new ImportError("no umbrel-app.yml found: an Umbrel app folder holds umbrel-app.yml and docker-compose.yml");
  if (composeText === undefined) throw new ImportError("no docker-compose.yml found next to umbrel-app.yml");
  const m = parseSourceYaml(manifestText, "umbrel-app.yml");
  if (!isMapping(m)) throw new ImportError("umbrel-app.yml must be a mapping of fields");
  const doc = parseSourceYaml(composeText, "docker-compose.yml");
  if (!isMapping(doc) || !isMapping(doc.services)) throw new ImportError("docker-compose.yml declares no services");
  const notes = new Notes();
  const mf = (k: string) => `umbrel-app.yml: ${k}`;
  const umbrelId = scalar(m.id) ?? source.name;
  let id: string;
  try {
    id = appIdFor(opts.id, scalar(m.id), source.name, notes, mf("id"));
  } catch (e) {
    throw new ImportError((e as Error).message);
  }
  const exportsText = sourceText(source, "exports.sh");
  const exported = exportsText === undefined ? new Map<string, Export>() : parseExports(exportsText);
  if (exportsText !== undefined) notes.add("info", "exports.sh", "shares values with other Umbrel apps, which PCC apps do not do; the values this app's own compose file uses were carried over");
  if (source.listing.includes("hooks/")) notes.add("review", "hooks/", "Umbrel runs these scripts around install, start and update; PCC does not: do what they do in the image or at the app's start");

  // The proxy names the web service and its port.
  const services = doc.services;
  const proxyEnv = envOf(services.app_proxy);
  const proxySource = "docker-compose.yml: services.app_proxy.environment";
  const ipVar = new Map<string, string>();
  for (const [name, svc] of Object.entries(services)) {
    if (!isMapping(svc) || !isMapping(svc.networks)) continue;
    for (const net of Object.values(svc.networks)) {
      const ip = isMapping(net) ? scalar(net.ipv4_address) : undefined;
      const v = ip ? /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(ip)?.[1] : undefined;
      if (v) ipVar.set(v, name);
    }
  }
  const hostOf = (raw: string | undefined): string | undefined => {
    if (!raw) return undefined;
    const v = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(raw)?.[1];
    if (v) return ipVar.get(v);
    if (services[raw] !== undefined) return raw;
    return Object.keys(services)
      .filter((s) => s !== "app_proxy")
      .sort((a, b) => b.length - a.length)
      .find((s) => raw === `${umbrelId}_${s}_1` || raw.endsWith(`-${umbrelId}_${s}_1`) || raw.endsWith(`_${s}_1`) || raw.endsWith(`-${s}-1`));
  };
  let main: Platform["main"];
  if (services.app_proxy !== undefined) {
    const service = hostOf(proxyEnv.APP_HOST);
    const portRaw = proxyEnv.APP_PORT ?? "";
    const portVar = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(portRaw)?.[1];
    const exportedPort = portVar ? exported.get(portVar) : undefined;
    const port = Number(portVar ? (exportedPort && "literal" in exportedPort ? exportedPort.literal : NaN) : portRaw);
    if (!service) notes.add("review", proxySource, `APP_HOST "${proxyEnv.APP_HOST ?? ""}" names no service of the app; the web entry was guessed`);
    else main = { service, ...(Number.isInteger(port) && port > 0 && port < 65536 ? { port } : {}), source: proxySource };
  } else notes.add("review", "docker-compose.yml: services", "has no app_proxy service, so Umbrel's web entry is unknown; it was guessed");

  // Umbrel's proxy: PROXY_AUTH_ADD false means the app does its own sign-in; WHITELIST paths skip Umbrel's.
  const publicPaths: string[] = [];
  if ((proxyEnv.PROXY_AUTH_ADD ?? "").toLowerCase() === "false") {
    notes.add("info", `${proxySource}.PROXY_AUTH_ADD`, "Umbrel put no sign-in in front of the app (it has its own); PCC keeps its sign-in in front. If the app's mobile clients or API users must reach it directly, add those paths under ingress public");
  }
  for (const raw of (proxyEnv.PROXY_AUTH_WHITELIST ?? "").split(",").map((s) => s.trim()).filter(Boolean)) {
    const p = raw.replace(/\*+$/, "");
    const path = p.startsWith("/") ? p : `/${p}`;
    if (!/[*?#%\\\s]/.test(path) && !path.split("/").some((s) => s === "." || s === "..") && path.length <= 200) publicPaths.push(path);
    else notes.add("review", `${proxySource}.PROXY_AUTH_WHITELIST`, `"${raw}" cannot be a PCC public path (a prefix, no wildcards inside); left out`);
  }
  if (publicPaths.length) notes.add("review", `${proxySource}.PROXY_AUTH_WHITELIST`, `${publicPaths.join(", ")} open without Umbrel's sign-in, so they are public on PCC too (anyone may open them): check that the app protects them itself`);
  if (proxyEnv.PROXY_AUTH_BLACKLIST) notes.add("review", `${proxySource}.PROXY_AUTH_BLACKLIST`, "PCC puts its sign-in in front of every path that is not public; nothing to carry over, but check the result");

  const user = scalar(m.defaultUsername)?.trim();
  const deterministic = m.deterministicPassword === true;
  const defaultPassword = scalar(m.defaultPassword)?.trim();
  const composeUses = (v: string) => composeText.includes(`$${v}`) || composeText.includes(`\${${v}}`);
  const passwordFor = `Password of ${user ? `the user "${user}"` : "the app"}, shown to the owner`;

  const variable = (q: { name: string; hasDefault: boolean; default?: string }): Resolution | undefined => {
    const n = q.name;
    if (n === "APP_SEED") return { kind: "secret", name: n, spec: { length: 64, alphabet: "hex" }, why: "Umbrel derived it from the device's seed; PCC generates a random one at install (64 hex characters), the same for every use" };
    if (n === "APP_PASSWORD") {
      return { kind: "secret", name: n, spec: { length: 24, alphabet: "alphanumeric", show: true, description: passwordFor }, why: "Umbrel's app password; PCC generates it at install and shows it to the owner" };
    }
    if (n === "APP_DOMAIN") return { kind: "ref", ref: "${app.domain}" };
    if (n === "DEVICE_DOMAIN_NAME" || n === "DEVICE_HOSTNAME") return { kind: "ref", ref: "${app.domain}", why: "Umbrel's host name on the LAN; on PCC the app has its own domain" };
    if (n === "APP_HIDDEN_SERVICE" || /^APP_.*_HIDDEN_SERVICE$/.test(n) || /^TOR_/.test(n)) return { kind: "empty", why: "Umbrel's Tor address; PCC apps are not served over Tor" };
    if (n === "APP_DATA_DIR" || n === "UMBREL_ROOT") return { kind: "empty", why: "a folder of the Umbrel host; inside a PCC app use the paths where volumes are mounted" };
    if (n === "TZ") return { kind: "setting", setting: timezoneSetting() };
    if (/^APP_.*_LOCAL_IPS$/.test(n) || n === "DEVICE_IP") return { kind: "empty", why: "the Umbrel device's LAN addresses; on PCC the app is reached at its own domain" };
    if (n === "NETWORK_IP" || n === "APP_NETWORK_IP") return { kind: "empty", why: "the address of Umbrel's app network; PCC's gateway reaches the app from its own network: check how the app trusts its proxy" };
    if (ipVar.has(n)) return { kind: "service", service: ipVar.get(n)! };
    if (n === "APP_PROXY_PORT" || n === `APP_${umbrelId.toUpperCase().replace(/-/g, "_")}_PORT`) {
      return { kind: "literal", value: "443", why: "the port Umbrel served the app on; PCC serves it on 443 (HTTPS)" };
    }
    const ex = exported.get(n);
    if (ex && "literal" in ex) return { kind: "literal", value: ex.literal, why: "taken from exports.sh" };
    if (ex && "derived" in ex) return { kind: "secret", name: n, spec: { length: 64, alphabet: "hex" }, why: "exports.sh derived it from the device's seed; PCC generates it at install" };
    if (ex && "dynamic" in ex) return { kind: "empty", why: `exports.sh computes it (${ex.dynamic}); set it by hand` };
    if (DEPENDENCY_VAR.test(n)) {
      return {
        kind: "setting",
        setting: { key: toKey(n), type: isSecretName(n) ? "password" : "text", label: n, required: true },
        why: "comes from another Umbrel app this one depends on; PCC apps cannot reach other apps, so the owner types the connection details in",
      };
    }
    return undefined;
  };

  const platform: Platform = {
    label: "Umbrel",
    file: "docker-compose.yml",
    variable,
    appData: (raw) => /^\$\{?APP_DATA_DIR\}?(\/.*)?$/.exec(raw)?.[1]?.replace(/^\/+/, "") ?? (/^\$\{?APP_DATA_DIR\}?$/.test(raw) ? "" : undefined),
    sharedFolder: (raw) => (/^\$\{?UMBREL_ROOT\}?\//.test(raw) ? raw.replace(/^\$\{?UMBREL_ROOT\}?\/(data\/)?(storage\/)?/, "") || "storage" : undefined),
    dropService(name, svc) {
      if (name === "app_proxy") return "Umbrel's sign-in proxy: PCC's gateway puts its own sign-in and HTTPS in front of the app";
      const image = scalar(svc.image) ?? "";
      if (/^tor(_server)?$/.test(name) || /\/tor:/.test(image)) return "a Tor hidden service of Umbrel's; PCC apps are not served over Tor";
      return undefined;
    },
    ...(main ? { main } : {}),
    hostAliases: (name) => [`${umbrelId}_${name}_1`, `${umbrelId}-${name}-1`],
    ...(publicPaths.length ? { publicPaths } : {}),
  };

  // Store facts.
  const extra: string[] = [];
  let shownPassword: Facts["shownPassword"];
  if (deterministic && composeUses("APP_PASSWORD")) {
    extra.push(user ? `Sign in as "${user}" with the password shown after install.` : "Sign in with the password shown after install.");
  } else if (deterministic) {
    notes.add("review", mf("deterministicPassword"), "Umbrel shows the owner ${APP_PASSWORD}, but docker-compose.yml never uses it; nothing to carry over");
  }
  if (defaultPassword && !/\$\{?APP_PASSWORD\}?/.test(defaultPassword)) {
    if (composeText.includes(defaultPassword)) {
      shownPassword = { value: defaultPassword, description: passwordFor };
      extra.push(user ? `Sign in as "${user}" with the password shown after install.` : "Sign in with the password shown after install.");
      notes.add("info", mf("defaultPassword"), "the default password is set by the compose file, so it became a generated secret shown to the owner");
    } else {
      extra.push(`Default sign-in: ${user ? `user "${user}", ` : ""}password "${defaultPassword}" (the app's own default). Change it after the first sign-in.`);
      notes.add("review", mf("defaultPassword"), "is built into the app, not set by the compose file, so PCC cannot generate it: it is written in the description; better, set the password through the app's environment and make it a secret");
    }
  } else if (user && !deterministic) extra.push(`Sign in as "${user}".`);

  const category = mapCategory([m.category], CATEGORIES, notes, mf("category"));
  const deps = Array.isArray(m.dependencies) ? m.dependencies.map(scalar).filter(Boolean) : [];
  if (deps.length) notes.add("review", mf("dependencies"), `the app needs the Umbrel app(s) ${deps.join(", ")}; PCC apps cannot reach other apps: the variables they provided became settings`, { breaksApp: true });
  const path = scalar(m.path);
  if (path && path !== "/") notes.add("review", mf("path"), `Umbrel opened the app at ${path}; PCC opens its root: make sure the root leads there`);
  if (m.torOnly === true) notes.add("dropped", mf("torOnly"), "PCC apps are not served over Tor");
  if (Array.isArray(m.gallery) && m.gallery.length) notes.add("review", mf("gallery"), "screenshots are not imported (they live in Umbrel's gallery repository): add PNGs under screenshots/");
  if (m.port !== undefined) notes.add("info", mf("port"), `Umbrel's host port ${scalar(m.port)} is not needed: PCC serves the app at its own domain`);
  const perms = Array.isArray(m.permissions) ? m.permissions.map((p) => scalar(p)?.toUpperCase()) : [];
  if (perms.includes("GPU")) notes.add("review", mf("permissions"), "GPU: the app asks for permissions.devices [gpu], which the owner approves at install");
  if (perms.includes("STORAGE_DOWNLOADS")) notes.add("review", mf("permissions"), "STORAGE_DOWNLOADS: Umbrel's shared downloads folder; on PCC the app has its own volume instead");
  for (const f of ["widgets", "implements", "backupIgnore"]) if (m[f] !== undefined) notes.add("dropped", mf(f), "has no PCC equivalent");
  if (scalar(m.icon)) notes.add("review", mf("icon"), `the icon at ${scalar(m.icon)} is not downloaded (the importer works offline): save it as icon.svg or icon.png`);

  const developer = scalar(m.developer);
  const website = scalar(m.website);
  const facts: Facts = {
    id,
    ...(scalar(m.name) ? { name: scalar(m.name)! } : {}),
    ...(scalar(m.version) ? { version: scalar(m.version)! } : {}),
    ...(scalar(m.tagline) ? { tagline: scalar(m.tagline)! } : {}),
    ...(scalar(m.description) ? { description: scalar(m.description)! } : {}),
    descriptionExtra: extra,
    ...(category ? { category } : {}),
    ...(developer ? { developer: { name: developer, ...(website ? { url: website } : {}) } } : {}),
    ...(website ? { website } : scalar(m.repo) ? { website: scalar(m.repo)! } : {}),
    ...(scalar(m.releaseNotes) ? { releaseNotes: scalar(m.releaseNotes)! } : {}),
    gpu: perms.includes("GPU"),
    icon: iconFrom(source),
    ...(shownPassword ? { shownPassword } : {}),
    from: `the Umbrel app ${source.name} (umbrel-app.yml, docker-compose.yml)`,
  };
  return new Converter(platform, notes).convert(doc, facts);
}
