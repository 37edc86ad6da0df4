import type { AppStatus, InstalledApp } from "@/server/modules/apps/apps.types";
import { backgroundSentence } from "./app-reach";

/** What the shell remembers of an app between two polls of apps.list. */
export type AppSnapshot = { name: string; status: AppStatus; version: string; error: string | null; url: string | null; ports: InstalledApp["ports"] };
export type AppEvent = {
  appId: string;
  kind: "installed" | "install-failed" | "crashed" | "unhealthy" | "updated" | "uninstalled";
  title: string;
  body: string;
};

export function snapshotApps(apps: readonly InstalledApp[]): Map<string, AppSnapshot> {
  return new Map(apps.map((a) => [a.id, { name: a.name, status: a.status, version: a.version, error: a.error, url: a.url, ports: a.ports }]));
}

const UP: ReadonlySet<AppStatus> = new Set(["running", "unhealthy"]);
const DEAD: ReadonlySet<AppStatus> = new Set(["failed", "broken"]);

/**
 * Turns two consecutive views of apps.list into the events worth telling the owner about. The server
 * has no event feed for the shell yet, so this is derived from status changes; only outcomes are
 * reported, not every intermediate step (starting, stopping), nor what the owner did by hand and can see.
 */
export function diffAppEvents(prev: ReadonlyMap<string, AppSnapshot>, next: ReadonlyMap<string, AppSnapshot>): AppEvent[] {
  const events: AppEvent[] = [];
  for (const [appId, now] of next) {
    const before = prev.get(appId);
    const installingBefore = !before || before.status === "installing";
    const why = now.error ?? "Its settings show what happened.";
    if (installingBefore && UP.has(now.status)) {
      events.push({ appId, kind: "installed", title: `${now.name} is installed`, body: now.url ? "It is ready to open." : backgroundSentence(now.ports) });
    } else if (installingBefore && DEAD.has(now.status)) {
      events.push({ appId, kind: "install-failed", title: `${now.name} could not be installed`, body: why });
    } else if (before && DEAD.has(now.status) && !DEAD.has(before.status)) {
      events.push({ appId, kind: "crashed", title: `${now.name} stopped working`, body: why });
    } else if (before?.status === "running" && now.status === "unhealthy") {
      events.push({ appId, kind: "unhealthy", title: `${now.name} is not responding`, body: now.error ?? "Its health check is failing." });
    }
    if (before && before.version !== now.version) {
      events.push({ appId, kind: "updated", title: `${now.name} was updated`, body: `Version ${before.version} → ${now.version}` });
    }
  }
  for (const [appId, before] of prev) {
    if (next.has(appId)) continue;
    // A failed install is rolled back, so the app simply vanishes from the list.
    if (before.status === "installing") {
      events.push({ appId, kind: "install-failed", title: `${before.name} could not be installed`, body: "The App Store shows why." });
    } else {
      events.push({ appId, kind: "uninstalled", title: `${before.name} was uninstalled`, body: "" });
    }
  }
  return events;
}
