/** What the shell and the CLI see of an app. */
export type AppStatus = "installing" | "starting" | "running" | "stopping" | "stopped" | "error" | "removing";

export type CatalogApp = {
  id: string;
  name: string;
  version: string;
  tagline: string;
  description: string;
  category: string;
  iconUrl: string | null;
  /** Local apps are built on this machine; the rest are pulled from their registry. */
  source: "local-build" | "registry";
  image: string;
  installed: boolean;
  /** Data kept from an earlier uninstall, reused on install. */
  hasKeptData: boolean;
  /** Why the last install of this app failed (and was rolled back), if it did. */
  installError: string | null;
};

export type CatalogProblem = { source: string; message: string };

export type InstalledApp = {
  id: string;
  name: string;
  version: string;
  iconUrl: string | null;
  status: AppStatus;
  desiredState: "running" | "stopped";
  /** Human description of the current step while installing, e.g. "Building image". */
  progress: string | null;
  error: string | null;
  url: string;
  installedAt: string;
};
