"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { AppStatus, CatalogApp, CatalogProblem, InstalledApp } from "@/server/modules/apps/apps.types";
import { useTRPC } from "@/web/lib/trpc";

export type { AppStatus, CatalogApp, CatalogProblem, InstalledApp };

const BUSY: ReadonlySet<AppStatus> = new Set(["installing", "starting", "stopping", "removing"]);

export function isBusy(status: AppStatus): boolean {
  return BUSY.has(status);
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

export function useCatalog() {
  const trpc = useTRPC();
  // Re-read now and then: an install or removal may finish after the mutation that asked for it.
  return useQuery({ ...trpc.apps.catalog.queryOptions(), refetchInterval: 5_000 });
}

/** After any app mutation both the dock (list) and the store (catalog flags) are stale. */
function useRefreshApps() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.apps.list.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.apps.catalog.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.system.status.queryKey() }),
    ]);
}

export function useAppMutations() {
  const trpc = useTRPC();
  const refresh = useRefreshApps();
  const install = useMutation(trpc.apps.install.mutationOptions({ onSettled: refresh }));
  const start = useMutation(trpc.apps.start.mutationOptions({ onSettled: refresh }));
  const stop = useMutation(trpc.apps.stop.mutationOptions({ onSettled: refresh }));
  const remove = useMutation(trpc.apps.remove.mutationOptions({ onSettled: refresh }));
  return { install, start, stop, remove };
}
