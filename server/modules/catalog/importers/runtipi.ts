import type { Category } from "../../spec/spec-fields";
import { Converter, timezoneSetting, type Facts, type Platform, type Resolution } from "./convert";
import type { DraftSetting } from "./draft";
import { appIdFor, mapCategory, versionFromImages } from "./facts";
import { Notes } from "./notes";
import { isMapping, parseSourceJson, parseSourceYaml, scalar, sourceText } from "./source-text";
import { ImportError, type ImportOptions, type ImportResult, type Source } from "./types";
import { clamp, clip, toKey } from "./values";

// A Runtipi app: config.json (the store entry and the install form, whose `random` fields are secrets
// Runtipi generates) and its compose: docker-compose.json (the "dynamic compose": a list of services with
// isMain/internalPort), or docker-compose.yml with `x-runtipi: { is_main, internal_port }`, or, in old
// apps, a plain docker-compose.yml with Traefik labels and `${APP_PORT}:<port>`.

const CATEGORIES: Record<string, Category> = {
  network: "networking",
  networking: "networking",
  media: "media",
  development: "developer",
  developer: "developer",
  automation: "home",
  social: "social",
  utilities: "utilities",
  photography: "photos",
  security: "security",
  books: "media",
  data: "files",
  music: "media",
  finance: "finance",
  gaming: "games",
  ai: "ai",
};

/** docker-compose.json keys and their compose names. */
const RENAMES: Record<string, string> = {
  workingDir: "working_dir",
  networkMode: "network_mode",
  capAdd: "cap_add",
  capDrop: "cap_drop",
  securityOpt: "security_opt",
  readOnly: "read_only",
  shmSize: "shm_size",
  extraHosts: "extra_hosts",
  stopGracePeriod: "stop_grace_period",
  stopSignal: "stop_signal",
  stdinOpen: "stdin_open",
  dependsOn: "depends_on",
  healthCheck: "healthcheck",
  pidMode: "pid",
};

/** The dynamic compose (docker-compose.json) as a compose document the converter reads. */
function dynamicCompose(j: unknown, notes: Notes): { doc: Record<string, unknown>; main?: { service: string; port?: number } } {
  if (!isMapping(j)) throw new ImportError("docker-compose.json must be an object with services");
  const list = Array.isArray(j.services) ? j.services : [];
  if (!list.length) throw new ImportError("docker-compose.json declares no services");
  if (list.length > 40) throw new ImportError(`docker-compose.json declares ${list.length} services; the importer reads up to 40`);
  const services: Record<string, unknown> = {};
  let main: { service: string; port?: number } | undefined;
  list.forEach((s, i) => {
    const name = isMapping(s) ? scalar(s.name) : undefined;
    if (!isMapping(s) || !name || name === "__proto__") {
      notes.add("dropped", `docker-compose.json: services[${i}]`, "has no name; ignored");
      return;
    }
    const svc: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(s)) {
      if (k === "name" || k === "isMain" || k === "internalPort" || k === "addPorts" || k === "__proto__") continue;
      if (k === "environment") {
        svc.environment = Array.isArray(v) ? Object.fromEntries(v.filter(isMapping).map((e) => [scalar(e.key) ?? "", e.value ?? null]).filter(([key]) => key && key !== "__proto__")) : v;
      } else if (k === "volumes" && Array.isArray(v)) {
        svc.volumes = v.map((m) => (isMapping(m) && (m.hostPath !== undefined || m.containerPath !== undefined) ? { source: m.hostPath, target: m.containerPath, read_only: m.readOnly === true } : m));
      } else if (k === "healthCheck" && isMapping(v)) {
        svc.healthcheck = { ...v, ...(v.startPeriod !== undefined ? { start_period: v.startPeriod } : {}), ...(v.startInterval !== undefined ? { start_interval: v.startInterval } : {}) };
      } else if (k === "addToMainNetwork") {
        if (v === true) notes.add("review", `docker-compose.json: services.${name}.addToMainNetwork`, "put the service on Runtipi's shared network to talk to other apps; PCC apps cannot reach each other");
      } else svc[RENAMES[k] ?? k] = v;
    }
    const ports: unknown[] = [];
    if (Array.isArray(s.addPorts)) {
      for (const p of s.addPorts) {
        if (!isMapping(p)) continue;
        const base = { target: p.containerPort, published: p.hostPort, ...(scalar(p.interface) ? { host_ip: scalar(p.interface) } : {}) };
        if (p.tcp !== false && (p.tcp === true || p.udp !== true)) ports.push({ ...base, protocol: "tcp" });
        if (p.udp === true) ports.push({ ...base, protocol: "udp" });
      }
    }
    if (ports.length) svc.ports = ports;
    const internal = Number(scalar(s.internalPort));
    if (s.isMain === true && !main) main = { service: name, ...(Number.isInteger(internal) && internal > 0 ? { port: internal } : {}) };
    else if (Number.isInteger(internal) && internal > 0) svc.expose = [internal];
    services[name] = svc;
  });
  if (Array.isArray(j.overrides) && j.overrides.length) notes.add("dropped", "docker-compose.json: overrides", "per-architecture overrides are not carried over; the base services were used");
  return { doc: { services }, ...(main ? { main } : {}) };
}

type Field = { type: string; label: string; min?: number; max?: number; required?: boolean; default?: unknown; hint?: string; regex?: string; encoding?: string; options?: unknown[] };

export function importRuntipi(source: Source, opts: ImportOptions = {}): ImportResult {
  const configText = sourceText(source, "config.json");
  if (configText === undefined) throw new ImportError("no config.json found: a Runtipi app folder holds config.json and docker-compose.json (or docker-compose.yml)");
  const c = parseSourceJson(configText, "config.json");
  if (!isMapping(c)) throw new ImportError("config.json must be an object");
  const notes = new Notes();
  const cf = (k: string) => `config.json: ${k}`;
  let id: string;
  try {
    id = appIdFor(opts.id, scalar(c.id), source.name, notes, cf("id"));
  } catch (e) {
    throw new ImportError((e as Error).message);
  }

  // Which compose: the newest format first.
  const ymlText = sourceText(source, "docker-compose.yml");
  const jsonText = sourceText(source, "docker-compose.json");
  const yml = ymlText === undefined ? undefined : parseSourceYaml(ymlText, "docker-compose.yml");
  let doc: Record<string, unknown>;
  let file: string;
  let main: Platform["main"];
  if (isMapping(yml) && isMapping(yml["x-runtipi"])) {
    doc = yml;
    file = "docker-compose.yml";
    for (const [name, svc] of Object.entries(isMapping(yml.services) ? yml.services : {})) {
      const x = isMapping(svc) && isMapping(svc["x-runtipi"]) ? svc["x-runtipi"] : undefined;
      const port = Number(scalar(x?.internal_port));
      if (x?.is_main === true && !main) main = { service: name, ...(Number.isInteger(port) && port > 0 ? { port } : {}), source: `${file}: services.${name}.x-runtipi` };
      if (x?.add_to_main_network === true) notes.add("review", `${file}: services.${name}.x-runtipi.add_to_main_network`, "put the service on Runtipi's shared network to talk to other apps; PCC apps cannot reach each other");
    }
    if (isMapping(yml["x-runtipi"]) && Array.isArray(yml["x-runtipi"].overrides) && yml["x-runtipi"].overrides.length) notes.add("dropped", `${file}: x-runtipi.overrides`, "per-architecture overrides are not carried over");
  } else if (jsonText !== undefined) {
    const d = dynamicCompose(parseSourceJson(jsonText, "docker-compose.json"), notes);
    doc = d.doc;
    file = "docker-compose.json";
    if (d.main) main = { ...d.main, source: `${file}: services[${d.main.service}].isMain` };
  } else if (isMapping(yml)) {
    doc = yml;
    file = "docker-compose.yml";
    // Old apps: Traefik labels (read by the converter) or `${APP_PORT}:<port>` on the main service.
    for (const [name, svc] of Object.entries(isMapping(yml.services) ? yml.services : {})) {
      const ports = isMapping(svc) && Array.isArray(svc.ports) ? svc.ports : [];
      for (const p of ports) {
        const port = /^\$\{?APP_PORT\}?:(\d{1,5})(\/tcp)?$/.exec(scalar(p) ?? "")?.[1];
        if (port && !main) main = { service: name, port: Number(port), source: `${file}: services.${name}.ports` };
      }
    }
  } else throw new ImportError("no docker-compose.json or docker-compose.yml found next to config.json");

  // The install form: random fields are generated secrets, passwords are secrets PCC shows, the rest settings.
  const fields = new Map<string, Field>();
  const formFields = Array.isArray(c.form_fields) ? c.form_fields : [];
  for (const f of formFields.slice(0, 100)) {
    if (!isMapping(f)) continue;
    const env = scalar(f.env_variable);
    if (!env || env === "__proto__") continue;
    fields.set(env, {
      type: (scalar(f.type) ?? "text").toLowerCase(),
      label: scalar(f.label) ?? env,
      ...(Number.isFinite(Number(f.min)) && f.min !== undefined ? { min: Number(f.min) } : {}),
      ...(Number.isFinite(Number(f.max)) && f.max !== undefined ? { max: Number(f.max) } : {}),
      required: f.required === true,
      ...(f.default !== undefined ? { default: f.default } : {}),
      ...(scalar(f.hint) ? { hint: scalar(f.hint)! } : {}),
      ...(scalar(f.regex) ? { regex: scalar(f.regex)! } : {}),
      ...(scalar(f.encoding) ? { encoding: scalar(f.encoding)!.toLowerCase() } : {}),
      ...(Array.isArray(f.options) ? { options: f.options } : {}),
    });
  }
  const used = new Set<string>();
  const vapid = c.generate_vapid_keys === true;

  const fieldResolution = (n: string, f: Field): Resolution => {
    const label = clip(f.label.trim() || n, 80);
    if (f.type === "random") {
      const alphabet = f.encoding === "hex" ? "hex" : f.encoding === "base64" ? "base64url" : "alphanumeric";
      return {
        kind: "secret",
        name: n,
        spec: { length: clamp(Math.round(f.min ?? 32), 8, 256), alphabet },
        why: `Runtipi generated it at install (a random form field); so does PCC${f.encoding === "base64" ? " (as base64url: check the app accepts it)" : ""}`,
      };
    }
    if (f.type === "password") {
      const length = clamp(Math.max(Math.round(f.min ?? 0), 20), 8, Math.max(8, Math.min(256, Math.round(f.max ?? 256))));
      return {
        kind: "secret",
        name: n,
        spec: { length, alphabet: "alphanumeric", show: true, description: label },
        why: "the owner typed it in at install on Runtipi; PCC generates it and shows it to the owner (make it a password setting if the owner must choose it)",
      };
    }
    const base = { key: toKey(n), label, ...(f.hint ? { description: clip(f.hint, 1000) } : {}), required: !!f.required };
    let setting: DraftSetting;
    if (f.type === "boolean") setting = { ...base, type: "boolean", ...(typeof f.default === "boolean" ? { default: f.default } : {}) };
    else if (f.type === "number") setting = { ...base, type: "number", ...(Number.isFinite(Number(f.default)) && f.default !== undefined ? { default: Number(f.default) } : {}) };
    else if (f.options?.length) {
      const options = f.options.filter(isMapping).map((o) => ({ value: scalar(o.value) ?? "", label: clip(scalar(o.label) ?? scalar(o.value) ?? "", 80) })).filter((o) => o.value && o.label);
      setting = options.length ? { ...base, type: "select", options, ...(scalar(f.default) && options.some((o) => o.value === scalar(f.default)) ? { default: scalar(f.default)! } : {}) } : { ...base, type: "text" };
    } else setting = { ...base, type: "text", ...(scalar(f.default) !== undefined ? { default: scalar(f.default)! } : {}), ...(f.regex ? { pattern: f.regex } : {}) };
    return { kind: "setting", setting, why: `a ${f.type} field of Runtipi's install form; now a setting the owner fills in` };
  };

  const variable = (q: { name: string }): Resolution | undefined => {
    const n = q.name;
    const f = fields.get(n);
    if (f) {
      used.add(n);
      return fieldResolution(n, f);
    }
    if (n === "APP_DOMAIN" || n === "APP_HOST") return { kind: "ref", ref: "${app.domain}" };
    if (n === "LOCAL_DOMAIN") return { kind: "ref", ref: "${app.domain}", why: "Runtipi's local domain; on PCC the app has its own domain" };
    if (n === "APP_PROTOCOL") return { kind: "literal", value: "https", why: "PCC always serves apps over HTTPS" };
    if (n === "APP_PORT") return { kind: "literal", value: "443", why: "the port Runtipi served the app on; PCC serves it on 443 (HTTPS)" };
    if (n === "APP_EXPOSED") return { kind: "literal", value: "true" };
    if (n === "APP_ID") return { kind: "literal", value: id };
    if (n === "TZ") return { kind: "setting", setting: timezoneSetting() };
    if (n === "APP_DATA_DIR" || n === "ROOT_FOLDER_HOST" || n === "RUNTIPI_MEDIA_DIR" || n === "STORAGE_PATH") return { kind: "empty", why: "a folder of the Runtipi host; inside a PCC app use the paths where volumes are mounted" };
    if (n === "NETWORK_INTERFACE" || n === "INTERNAL_IP" || n === "DNS_IP") return { kind: "empty", why: "an address of the Runtipi host; PCC decides where ports are published" };
    if (vapid && (n === "VAPID_PUBLIC_KEY" || n === "VAPID_PRIVATE_KEY")) {
      return {
        kind: "setting",
        setting: { key: toKey(n), type: n === "VAPID_PRIVATE_KEY" ? "password" : "text", label: n === "VAPID_PRIVATE_KEY" ? "Web push private key (VAPID)" : "Web push public key (VAPID)", required: true },
        why: "Runtipi generated a VAPID key pair for web push; PCC cannot generate key pairs, so the owner provides them",
      };
    }
    return undefined;
  };

  const platform: Platform = {
    label: "Runtipi",
    file,
    variable,
    appData: (raw) => /^\$\{?APP_DATA_DIR\}?(\/.*)?$/.exec(raw)?.[1]?.replace(/^\/+/, "") ?? (/^\$\{?APP_DATA_DIR\}?$/.test(raw) ? "" : undefined),
    sharedFolder: (raw) => {
      if (/^\$\{?RUNTIPI_MEDIA_DIR\}?/.test(raw)) return raw.replace(/^\$\{?RUNTIPI_MEDIA_DIR\}?\/?/, "") || "media";
      if (/^\$\{?ROOT_FOLDER_HOST\}?\//.test(raw)) return raw.replace(/^\$\{?ROOT_FOLDER_HOST\}?\/(media\/)?(data\/)?/, "") || "media";
      return undefined;
    },
    ...(main ? { main } : {}),
  };

  const extra: string[] = [];
  const shown = [...fields.entries()].filter(([, f]) => f.type === "password");
  if (shown.length) extra.push(`${shown.map(([, f]) => f.label).join(", ")}: shown after install.`);
  const descriptionMd = sourceText(source, "metadata/description.md")?.trim();
  const category = mapCategory(Array.isArray(c.categories) ? c.categories : [], CATEGORIES, notes, cf("categories"));
  const author = scalar(c.author);
  const website = scalar(c.website);
  const repo = scalar(c.source);
  if (c.no_gui === true) notes.add("info", cf("no_gui"), "the app has no web interface, so it gets no ingress");
  if (scalar(c.url_suffix)) notes.add("review", cf("url_suffix"), `Runtipi opened the app at ${scalar(c.url_suffix)}; PCC opens its root: make sure the root leads there`);
  if (c.https === true) notes.add("review", cf("https"), "the app serves HTTPS itself; PCC's gateway speaks plain HTTP to apps: use the app's HTTP port");
  if (c.port !== undefined) notes.add("info", cf("port"), `Runtipi's host port ${scalar(c.port)} is not needed: PCC serves the app at its own domain`);
  if (c.uid !== undefined || c.gid !== undefined) notes.add("review", cf("uid"), `Runtipi chowns the data folder to ${scalar(c.uid)}:${scalar(c.gid)}; on PCC, run the services as that user (user: "${scalar(c.uid) ?? 1000}:${scalar(c.gid) ?? 1000}")`);
  if (c.deprecated === true) notes.add("review", cf("deprecated"), "Runtipi marks this app deprecated");
  if (source.listing.includes("metadata/logo.jpg")) notes.add("review", "metadata/logo.jpg", "Runtipi's logo is a JPEG; PCC icons are SVG or PNG: convert it and save it as icon.png");

  const facts: Facts = {
    id,
    ...(scalar(c.name) ? { name: scalar(c.name)! } : {}),
    ...(scalar(c.version) || versionFromImages(doc.services) ? { version: scalar(c.version) ?? versionFromImages(doc.services)! } : {}),
    ...(scalar(c.short_desc) ? { tagline: scalar(c.short_desc)! } : {}),
    ...(descriptionMd || scalar(c.description) ? { description: descriptionMd || scalar(c.description)! } : {}),
    descriptionExtra: extra,
    ...(category ? { category } : {}),
    ...(author ? { developer: { name: author, ...(repo ? { url: repo } : {}) } } : {}),
    ...(website || repo ? { website: (website ?? repo)! } : {}),
    noGui: c.no_gui === true,
    from: `the Runtipi app ${source.name} (config.json, ${file})`,
  };
  const result = new Converter(platform, notes).convert(doc, facts);
  // Fields of the form no service uses.
  const unused = [...fields.keys()].filter((k) => !used.has(k));
  if (unused.length) {
    result.notes.push({ level: "info", source: cf("form_fields"), message: `${unused.join(", ")}: no service uses them; left out` });
  }
  return result;
}
