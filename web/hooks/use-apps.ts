"use client";

import { useQuery } from "@tanstack/react-query";
import type { AppStatus, CatalogApp, CatalogProblem, InstalledApp } from "@/server/modules/apps/apps.types";
import { useTRPC } from "@/web/lib/trpc";

export type { AppStatus, CatalogApp, CatalogProblem, InstalledApp };

const BUSY: ReadonlySet<AppStatus> = new Set(["installing", "starting", "stopping", "removing", "restarting"]);
/** States in which the app's web page is served (an unhealthy app may still answer). */
const SERVING: ReadonlySet<AppStatus> = new Set(["running", "unhealthy"]);
/** States that need the owner: a start, a look at the error, or an uninstall. */
const DOWN: ReadonlySet<AppStatus> = new Set(["stopped", "failed", "broken"]);

export function isBusy(status: AppStatus): boolean {
  return BUSY.has(status);
}

export function isServing(status: AppStatus): boolean {
  return SERVING.has(status);
}

export function isDown(status: AppStatus): boolean {
  return DOWN.has(status);
}

/** Installed apps, polled fast only while something is changing so an idle desktop stays quiet. */
export function useInstalledApps() {
  const trpc = useTRPC();
  return useQuery(
    trpc.apps.list.queryOptions(undefined, {
      refetchInterval: (query) => {
        const apps = query.state.data as InstalledApp[] | undefined;
        return apps?.some((a) => isBusy(a.status)) ? 1000 : 15_000;
      },
    }),
  );
}

export function useInstalledApp(id: string): InstalledApp | undefined {
  const { data } = useInstalledApps();
  return (data as InstalledApp[] | undefined)?.find((a) => a.id === id);
}
