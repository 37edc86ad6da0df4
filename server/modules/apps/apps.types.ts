import type { CatalogOrigin } from "../catalog/sources.service";
import type { Setting } from "../spec";
import type { Granted } from "../runtime/runtime-plan";

/** What the shell and the CLI see of an app. */
export type AppStatus =
  | "installing"
  | "starting"
  | "running"
  | "unhealthy"
  | "restarting"
  | "stopping"
  | "stopped"
  | "failed"
  | "removing"
  | "broken";

export type AskedPermissions = { internet: boolean | { hosts: string[] }; lan: boolean; devices: string[] };
export type DeclaredPort = { name: string; protocol: "tcp" | "udp"; containerPort: number; hostPort: number; description: string };

export type CatalogApp = {
  id: string;
  name: string;
  version: string;
  tagline: string;
  description: string;
  category: string;
  developer: string;
  website: string | null;
  iconUrl: string | null;
  /** How many screenshots PCC serves for it, at /_pcc/screenshots/<id>/<n>. */
  screenshots: number;
  /** What this version changes, as its author wrote it. */
  releaseNotes: string | null;
  /** Local apps are built on this machine; the rest are pulled from their registry. */
  source: "local-build" | "registry";
  images: string[];
  permissions: AskedPermissions;
  ports: DeclaredPort[];
  settings: Setting[];
  price: { amount: number; currency: string; purchaseUrl: string } | null;
  test: boolean;
  installed: boolean;
  /** Data kept from an earlier uninstall, reused on install. */
  hasKeptData: boolean;
  /** Why the last install of this app failed (and was rolled back), if it did. */
  installError: string | null;
  /** Where the entry comes from: PCC's built-in catalog or a source the owner added (`trustUnsigned`: say so loudly). */
  catalogSource: CatalogOrigin;
  /** What the app can follow for its owner (spec `subscribes`): the Contacts window offers it for a friend's entries. */
  follows: ("feed" | "activitypub")[];
};

export type CatalogProblem = { source: string; message: string };

export type InstalledApp = {
  id: string;
  name: string;
  version: string;
  iconUrl: string | null;
  status: AppStatus;
  desiredState: "running" | "stopped";
  /** The current step while installing or starting, e.g. "Downloading web". */
  progress: string | null;
  /** 0-100 while an image downloads. */
  percent: number | null;
  error: string | null;
  /** The main web address, if the app has one. */
  url: string | null;
  /**
   * `signIn`: how the app signs the owner in by itself: from a header PCC sets to `user` on the owner's
   * requests only, or by OpenID Connect with PCC as its provider; null when it has its own sign-in.
   */
  urls: { name: string; url: string; signIn: { method: "header"; header: string; user: string } | { method: "oidc" } | null }[];
  ports: { name: string; protocol: "tcp" | "udp"; hostPort: number }[];
  grants: Granted;
  services: { name: string; state: string; restarts: number; reason: string | null }[];
  installedAt: string;
};
