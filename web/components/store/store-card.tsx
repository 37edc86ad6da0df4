"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { useTRPC } from "@/web/lib/trpc";
import { isBusy, useAppMutations, type CatalogApp, type InstalledApp } from "@/web/hooks/use-apps";
import { errorMessage } from "@/web/lib/errors";
import { AppIcon } from "@/web/components/ui/app-icon";
import { Button } from "@/web/components/ui/button";
import { Spinner } from "@/web/components/ui/spinner";

type Props = { app: CatalogApp; installed: InstalledApp | undefined; onOpen: (id: string) => void };

export function StoreCard({ app, installed, onOpen }: Props) {
  const { install } = useAppMutations();
  const { failure, arm } = useVanishedInstall(installed, install.isSuccess);
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // The catalog carries the reason of a failed install: fetch it once the failure shows.
  useEffect(() => {
    if (failure) void queryClient.invalidateQueries({ queryKey: trpc.apps.catalog.queryKey() });
  }, [failure, queryClient, trpc]);
  const error = errorMessage(install.error) ?? (failure ? (app.installError ?? failure) : null);
  const busy = install.isPending || (installed && isBusy(installed.status));
  const progress = install.isPending ? "Starting install" : installed ? (installed.progress ?? label(installed)) : null;

  return (
    <article
      data-testid={`store-app-${app.id}`}
      className="flex flex-col gap-3 rounded-2xl bg-white/80 p-4 ring-1 ring-slate-900/5 transition-shadow hover:shadow-md"
    >
      <div className="flex items-start gap-3">
        <AppIcon name={app.name} iconUrl={app.iconUrl} className="size-14" />
        <div className="min-w-0 flex-1">
          <h3 className="truncate text-[15px] font-semibold text-slate-900">{app.name}</h3>
          <p className="line-clamp-2 text-[13px] leading-snug text-slate-600">{app.tagline}</p>
        </div>
      </div>
      <div className="mt-auto flex items-center justify-between gap-2">
        <span className="truncate rounded-full bg-slate-900/5 px-2 py-0.5 text-[11px] font-medium tracking-wide text-slate-500 uppercase">
          {app.category}
        </span>
        {busy ? (
          <span data-testid={`store-progress-${app.id}`} role="status" className="flex min-w-0 items-center gap-1.5 text-[12px] text-indigo-700">
            <Spinner className="size-3.5 shrink-0" />
            <span className="truncate">{progress}…</span>
          </span>
        ) : installed ? (
          <Button data-testid={`store-open-${app.id}`} onClick={() => onOpen(app.id)}>
            Open
          </Button>
        ) : (
          <Button data-testid={`store-install-${app.id}`} variant="primary" onClick={() => {
              arm();
              install.mutate({ id: app.id });
            }}>
            {app.hasKeptData ? "Reinstall" : "Install"}
          </Button>
        )}
      </div>
      {app.hasKeptData && !installed && <p className="text-[11px] text-slate-500">Your data from before will be restored.</p>}
      {installed?.status === "error" && installed.error && <p className="text-[12px] text-rose-600">{installed.error}</p>}
      {error && !installed && (
        <p role="alert" className="text-[12px] text-rose-600">
          {error}
        </p>
      )}
    </article>
  );
}

function label(app: InstalledApp): string {
  return app.status.charAt(0).toUpperCase() + app.status.slice(1);
}

/**
 * A failed install simply vanishes from `apps.list`; notice that so the card can say so
 * instead of silently flipping back to "Install".
 */
function useVanishedInstall(installed: InstalledApp | undefined, started: boolean) {
  // undefined = armed by a fresh Install click and not seen in the list yet.
  const lastStatus = useRef<InstalledApp["status"] | "gone" | undefined>("gone");
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (installed) {
      lastStatus.current = installed.status;
      setFailed(false);
      return;
    }
    if (!started) return;
    if (lastStatus.current === undefined || lastStatus.current === "installing") setFailed(true);
    lastStatus.current = "gone";
  }, [installed, started]);
  const arm = () => {
    lastStatus.current = undefined;
    setFailed(false);
  };
  return { failure: failed ? "The install did not finish. The PCC server log has the details." : null, arm };
}
