"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useFreshMutation } from "@/web/hooks/use-fresh-owner";
import { useTRPC } from "@/web/lib/trpc";

/**
 * The catalog and what the owner does to apps. Apart from use-apps.ts (which the desktop needs at once
 * for the dock) because only windows loaded on demand use these: the store, app settings, the palette.
 */

export function useCatalog() {
  const trpc = useTRPC();
  // Re-read now and then: an install or removal may finish after the mutation that asked for it.
  return useQuery({ ...trpc.apps.catalog.queryOptions(), refetchInterval: 5_000 });
}

/** After any app mutation both the dock (list) and the store (catalog flags) are stale. */
export function useRefreshApps() {
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
  // Installing an app that asks for permissions needs a recent passkey check: asked for, then retried (use-fresh-owner).
  const install = useMutation(useFreshMutation(trpc.apps.install.mutationOptions({ onSettled: refresh })));
  const start = useMutation(trpc.apps.start.mutationOptions({ onSettled: refresh }));
  const stop = useMutation(trpc.apps.stop.mutationOptions({ onSettled: refresh }));
  // Purging data needs a recent passkey check: the mutation asks for one and retries (use-fresh-owner).
  const remove = useMutation(useFreshMutation(trpc.apps.remove.mutationOptions({ onSettled: refresh })));
  const restart = useMutation(trpc.apps.restart.mutationOptions({ onSettled: refresh }));
  return { install, start, stop, remove, restart };
}

/** Permissions and settings after install; granting anything needs a recent passkey check. */
export function useReconfigure() {
  const trpc = useTRPC();
  const refresh = useRefreshApps();
  return useMutation(useFreshMutation(trpc.apps.reconfigure.mutationOptions({ onSettled: refresh })));
}
