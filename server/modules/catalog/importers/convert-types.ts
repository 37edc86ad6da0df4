import type { Category } from "../../spec/spec-fields";
import type { DraftService, DraftSetting } from "./draft";
import type { PortMapping } from "./ports";
import type { SecretSpec } from "./secrets";

// The converter's vocabulary: what a format tells it about its platform (`Platform`) and its store
// (`Facts`), what a source variable becomes (`Resolution`), and the work record of one service.

export type Resolution =
  | { kind: "literal"; value: string; why?: string }
  /** A PCC reference such as ${app.domain}. */
  | { kind: "ref"; ref: string; why?: string }
  /** A generated secret; `name` identifies it, so every use of the variable gets the same one. */
  | { kind: "secret"; name: string; spec: SecretSpec; why?: string; literal?: string }
  | { kind: "setting"; setting: DraftSetting; why?: string }
  /** The host name of another service of the app (its original compose name). */
  | { kind: "service"; service: string }
  /** Left out (a Tor address, say): `why` says so in a note. */
  | { kind: "empty"; why: string };

export type VarQuery = { name: string; hasDefault: boolean; default?: string; envName?: string };

export type Platform = {
  /** "Umbrel", "Runtipi", "CasaOS", "Docker Compose". */
  label: string;
  /** The compose file, for note sources. */
  file: string;
  /** Variables the platform fills in; undefined falls back on compose's own rules (.env, defaults). */
  variable?(q: VarQuery): Resolution | undefined;
  /** Values of the compose project's .env file. */
  dotenv?: Map<string, string>;
  /** The path inside the app's own data folder when a bind source (as written) is in it ("" for the folder itself). */
  appData?(raw: string): string | undefined;
  /** A name for one of the platform's shared folders (its media or downloads folder), when a bind source is one. */
  sharedFolder?(raw: string): string | undefined;
  /** Services of the platform itself (a proxy, Tor): the reason they are dropped. */
  dropService?(name: string, svc: Record<string, unknown>): string | undefined;
  /** The service and container port the platform sends web traffic to, when the source says so. */
  main?: { service: string; port?: number; source: string };
  /** More names other services use for a service (Umbrel's `<app>_<service>_1`). */
  hostAliases?(name: string, svc: Record<string, unknown>): string[];
  /** Descriptions the source gives for a volume (by container path), a port or a variable of a service. */
  describeVolume?(service: string, path: string): string | undefined;
  describePort?(service: string, port: number): string | undefined;
  describeEnv?(service: string, name: string): string | undefined;
  /** Variables of an env_file (only files the loader read, so only inside the source folder). */
  envFile?(path: string): [string, string][] | undefined;
  /** Top-level entries of the source folder ("config/"), to say when a bound folder holds files. */
  listing?: string[];
  /** Service-level fields of the platform itself (x-casaos), dropped without a note. */
  ownFields?: string[];
  /** Paths Umbrel's proxy lets through without its sign-in, as PCC public path prefixes. */
  publicPaths?: string[];
};

/** Store facts: what owners see. Anything missing gets a placeholder and a review note. */
export type Facts = {
  id: string;
  name?: string;
  version?: string;
  tagline?: string;
  description?: string;
  /** Lines appended to the description (default sign-in, install tips). */
  descriptionExtra?: string[];
  category?: Category;
  developer?: { name: string; url?: string };
  website?: string;
  releaseNotes?: string;
  /** The source asks for a GPU by name (Umbrel's GPU permission). */
  gpu?: boolean;
  /** An icon file found in the source folder. */
  icon?: { file: "icon.svg" | "icon.png"; data: string | Buffer };
  /** A password the source shows the owner; where it appears as a literal it becomes a secret shown to the owner. */
  shownPassword?: { value: string; description: string };
  /** The app has no web UI (Runtipi's no_gui). */
  noGui?: boolean;
  /** Describes the source for the app.yaml header. */
  from: string;
};

/** One env variable of a service while it is converted; `emptied`: it only held what PCC has no value for. */
export type EnvEntry = { name: string; segs: Seg[]; source: string; emptied?: boolean; shortened?: boolean };
/** One service while it is converted: the source (`svc`), what it becomes (`out`), and what later passes need. */
export type SvcWork = {
  orig: string;
  name: string;
  svc: Record<string, unknown>;
  out: DraftService;
  env: EnvEntry[];
  ports: PortMapping[];
  expose: number[];
  hintPort?: number;
  healthHttpPort?: number;
  image?: string;
  dependsOn: Record<string, string>;
};

// An env value under construction: literal text and PCC references, kept apart until the end so that
// rewriting literals (host names, secrets) never touches a reference.

export type Seg = { lit: string } | { ref: string };

const escapeLit = (s: string) => s.replace(/\$\{/g, () => "$${");
export const joinSegs = (segs: Seg[]) => segs.map((s) => ("lit" in s ? escapeLit(s.lit) : s.ref)).join("");
export const allLit = (segs: Seg[]) => segs.every((s) => "lit" in s);
export const litText = (segs: Seg[]) => segs.map((s) => ("lit" in s ? s.lit : "")).join("");
