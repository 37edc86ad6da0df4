import { Document, isScalar, Scalar, visit } from "yaml";
import type { Category } from "../../spec/spec-fields";
import type { SecretSpec } from "./secrets";
import type { Note } from "./types";

// The pcc.app/v1 document the importer builds, in the input form authors write (durations as "10s",
// defaults left out), and the app.yaml text it becomes.

export type DraftHealthcheck = {
  http?: { port: number; path: string };
  tcp?: { port: number };
  command?: string[];
  interval?: string;
  timeout?: string;
  retries?: number;
  startPeriod?: string;
};

export type DraftService = {
  image?: string;
  user?: string;
  workingDir?: string;
  entrypoint?: string[];
  command?: string[];
  env: Record<string, string>;
  volumes: { volume: string; path: string; readOnly?: boolean }[];
  tmpfs: string[];
  secretFiles: { secret: string; path: string }[];
  healthcheck?: DraftHealthcheck;
  dependsOn: Record<string, { condition: "healthy" | "started" }>;
  resources: { memoryMb?: number; cpus?: number; pids?: number };
};

export type DraftSetting = {
  key: string;
  type: "text" | "password" | "number" | "boolean" | "select";
  label: string;
  description?: string;
  required?: boolean;
  default?: string | number | boolean;
  pattern?: string;
  options?: { value: string; label: string }[];
};

export type Draft = {
  id: string;
  name: string;
  version: string;
  tagline: string;
  description: string;
  icon: string;
  category: Category;
  developer: { name: string; url?: string };
  website?: string;
  releaseNotes?: string;
  services: Record<string, DraftService>;
  ingress: { name?: string; service: string; port: number; public?: string[] }[];
  ports: { name: string; service: string; containerPort: number; protocol?: "udp"; hostPort?: number; description: string }[];
  volumes: Record<string, { description?: string }>;
  secrets: Record<string, SecretSpec>;
  settings: DraftSetting[];
  permissions: { internet: boolean; lan?: boolean; devices?: string[] };
};

const nonEmpty = <T extends object>(o: T) => Object.keys(o).length > 0;

function service(s: DraftService): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (s.image) out.image = s.image;
  if (s.user) out.user = s.user;
  if (s.workingDir) out.workingDir = s.workingDir;
  if (s.entrypoint) out.entrypoint = s.entrypoint;
  if (s.command) out.command = s.command;
  if (nonEmpty(s.env)) out.env = s.env;
  if (s.volumes.length) out.volumes = s.volumes;
  if (s.tmpfs.length) out.tmpfs = s.tmpfs;
  if (s.secretFiles.length) out.secretFiles = s.secretFiles;
  if (s.healthcheck) out.healthcheck = s.healthcheck;
  if (nonEmpty(s.dependsOn)) out.dependsOn = s.dependsOn;
  if (nonEmpty(s.resources)) out.resources = s.resources;
  return out;
}

/** The draft as a plain object in the field order of the catalog's own entries. */
export function draftDocument(d: Draft): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    apiVersion: "pcc.app/v1",
    id: d.id,
    name: d.name,
    version: d.version,
    tagline: d.tagline,
    description: d.description,
    icon: d.icon,
    category: d.category,
    developer: d.developer,
  };
  if (d.website) doc.website = d.website;
  if (d.releaseNotes) doc.releaseNotes = d.releaseNotes;
  doc.services = Object.fromEntries(Object.entries(d.services).map(([k, s]) => [k, service(s)]));
  if (d.ingress.length) doc.ingress = d.ingress;
  if (d.ports.length) doc.ports = d.ports;
  if (nonEmpty(d.volumes)) doc.volumes = d.volumes;
  if (nonEmpty(d.secrets)) {
    // Defaults left out, as authors write them: { length: 32 } rather than the alphabet too.
    doc.secrets = Object.fromEntries(Object.entries(d.secrets).map(([k, v]) => [k, Object.fromEntries(Object.entries(v).filter(([f, x]) => !(f === "alphabet" && x === "alphanumeric") && !(f === "show" && x === false)))]));
  }
  const order = ["key", "type", "label", "description", "required", "default", "pattern", "options"] as const;
  if (d.settings.length) doc.settings = d.settings.map((st) => Object.fromEntries(order.filter((k) => st[k] !== undefined).map((k) => [k, st[k]])));
  doc.permissions = d.permissions;
  return doc;
}

const commentLine = (s: string) => s.replace(/[\u0000-\u001f\u007f]+/g, " ");

/** app.yaml: a header saying where it came from and what to review (as the catalog entries do), then the spec. */
export function emitAppYaml(d: Draft, from: string, notes: Note[]): string {
  const review = notes.filter((n) => n.level !== "info" && n.level !== "dropped");
  const header = [
    "# yaml-language-server: $schema=../schema/app.schema.json",
    `# Imported by ./pcc app import from ${commentLine(from)}.`,
    "# Review before publishing (./pcc app import printed every note; these are the ones to act on):",
    ...(review.length ? review.slice(0, 60).map((n) => `# - ${n.breaksApp ? "[breaks the app] " : ""}${n.level}: ${commentLine(n.source)}: ${commentLine(n.message)}`) : ["# - nothing: every field was carried over"]),
  ];
  if (review.length > 60) header.push(`# - … and ${review.length - 60} more`);
  const yaml = new Document(draftDocument(d));
  // Quote what a YAML 1.1 reader would take for a number ("1000:1000" is sexagesimal there), as the spec's README asks.
  visit(yaml, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.value === "user" && isScalar(pair.value)) pair.value.type = Scalar.QUOTE_DOUBLE;
    },
  });
  const body = yaml.toString({ lineWidth: 0, indent: 2 });
  return `${header.join("\n")}\n${body}`;
}

const escapeXml = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A plain placeholder icon: the app's initials on a coloured square. */
export function placeholderIcon(name: string, id: string): string {
  const initials =
    name
      .split(/[^A-Za-z0-9]+/)
      .filter(Boolean)
      .slice(0, 2)
      .map((w) => w[0]!.toUpperCase())
      .join("") || id.slice(0, 2).toUpperCase();
  let h = 0;
  for (const c of id) h = (h * 31 + c.charCodeAt(0)) % 360;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 256 256" role="img" aria-label="${escapeXml(name)}">
  <!-- Placeholder made by ./pcc app import: replace it with the app's own icon. -->
  <rect width="256" height="256" rx="56" fill="hsl(${h} 45% 42%)"/>
  <text x="128" y="128" dy="0.35em" text-anchor="middle" font-family="sans-serif" font-size="104" font-weight="600" fill="#fff">${escapeXml(initials)}</text>
</svg>
`;
}
