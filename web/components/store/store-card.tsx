"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { useTRPC, useTRPCClient } from "@/web/lib/trpc";
import { isBusy, isServing, type CatalogApp, type InstalledApp } from "@/web/hooks/use-apps";
import { useAppMutations } from "@/web/hooks/use-app-actions";
import { progressOf, useAppLive } from "@/web/hooks/use-app-live";
import { errorMessage } from "@/web/lib/errors";
import { needsPrompt } from "@/web/lib/install-answer";
import { categoryLabel, formatPrice } from "@/web/lib/store-search";
import { AppIcon } from "@/web/components/ui/app-icon";
import { Button } from "@/web/components/ui/button";
import { ProgressBar } from "@/web/components/ui/progress-bar";
import { Spinner } from "@/web/components/ui/spinner";
import { useInstallFlow } from "./install-flow";
import { SourceBadge } from "./source-badge";

type Props = { app: CatalogApp; installed: InstalledApp | undefined; onOpen: (id: string) => void; onDetails: (id: string) => void; highlighted?: boolean };

export function StoreCard({ app, installed, onOpen, onDetails, highlighted = false }: Props) {
  return (
    <article
      data-testid={`store-app-${app.id}`}
      aria-labelledby={`store-app-${app.id}-name`}
      tabIndex={-1}
      className={`flex scroll-m-4 flex-col gap-3 rounded-2xl bg-surface-2 p-4 transition-shadow outline-none hover:shadow-md ${highlighted ? "ring-2 ring-indigo-500" : "ring-1 ring-line"}`}
    >
      <button
        type="button"
        data-testid={`store-details-${app.id}`}
        aria-describedby={`store-app-${app.id}-tagline`}
        onClick={() => onDetails(app.id)}
        className="-m-1 flex items-start gap-3 rounded-xl p-1 text-left focus-visible:outline-2 focus-visible:outline-indigo-500"
      >
        <AppIcon name={app.name} iconUrl={app.iconUrl} className="size-14" />
        <span className="min-w-0 flex-1">
          <span id={`store-app-${app.id}-name`} className="block truncate text-[15px] font-semibold text-fg">
            {app.name}
          </span>
          <span id={`store-app-${app.id}-tagline`} className="line-clamp-2 text-[13px] leading-snug text-fg-muted">
            {app.tagline}
          </span>
        </span>
      </button>
      <div className="flex flex-wrap items-center gap-1.5">
        <span className="truncate rounded-full bg-surface-3 px-2 py-0.5 text-[11px] font-medium tracking-wide text-fg-muted uppercase">{categoryLabel(app.category)}</span>
        {app.price && <span className="rounded-full bg-amber-100 px-2 py-0.5 text-[11px] font-semibold text-amber-900 dark:bg-amber-400/20 dark:text-amber-200">{formatPrice(app.price)}</span>}
        <SourceBadge source={app.catalogSource} testId={`store-source-${app.id}`} />
      </div>
      <InstallAction app={app} installed={installed} onOpen={onOpen} variant="card" />
    </article>
  );
}

/**
 * Install, its progress, or Open: on a card and on an app's page. An app that asks for anything (or
 * has settings, or a price) goes through the permission prompt; the rest install at once.
 */
export function InstallAction({ app, installed, onOpen, variant }: { app: CatalogApp; installed: InstalledApp | undefined; onOpen: (id: string) => void; variant: "card" | "page" }) {
  const { install } = useAppMutations();
  const flow = useInstallFlow();
  const live = useAppLive();
  const { failure, arm } = useVanishedInstall(installed, install.isSuccess);
  useCredentialsAfterDirectInstall(app, installed, install.isSuccess);
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // The catalog carries the reason of a failed install: fetch it once the failure shows.
  useEffect(() => {
    if (failure) void queryClient.invalidateQueries({ queryKey: trpc.apps.catalog.queryKey() });
  }, [failure, queryClient, trpc]);
  const done = live.done.get(app.id);
  const liveFailure = done?.action === "install" && !done.ok ? (done.message ?? "The install did not finish.") : null;
  const error = errorMessage(install.error) ?? (!installed ? (liveFailure ?? (failure ? (app.installError ?? failure) : null)) : null);
  const progress = install.isPending ? { step: "Starting the install", percent: null } : progressOf(installed, live, app.id);
  const busy = install.isPending || (installed && isBusy(installed.status)) || (!installed && live.progress.has(app.id));

  return (
    // On an app's page the action sits at the right edge of the header, as in a phone's store.
    <div className={variant === "card" ? "mt-auto" : "flex flex-col sm:items-end sm:text-right"}>
      {busy && progress ? (
        <div data-testid={`store-progress-${app.id}`} role="status" className="w-full min-w-0 space-y-1.5">
          <span className="flex min-w-0 items-center gap-1.5 text-[12px] text-accent">
            <Spinner className="size-3.5 shrink-0" />
            <span className="truncate">
              {progress.step}
              {progress.percent !== null ? ` · ${Math.round(progress.percent)}%` : "…"}
            </span>
          </span>
          <ProgressBar label={progress.step} percent={progress.percent} testId={`store-progress-bar-${app.id}`} />
        </div>
      ) : installed ? (
        <Button data-testid={`store-open-${app.id}`} variant={variant === "page" ? "primary" : "secondary"} aria-label={`Open ${app.name}`} onClick={() => onOpen(app.id)}>
          Open
        </Button>
      ) : (
        <Button
          data-testid={`store-install-${app.id}`}
          variant="primary"
          aria-label={`${app.hasKeptData ? "Reinstall" : "Install"} ${app.name}`}
          onClick={() => {
            if (needsPrompt(app)) return flow.prompt(app);
            arm();
            install.mutate({ id: app.id });
          }}
        >
          {app.hasKeptData ? "Reinstall" : "Install"}
        </Button>
      )}
      {app.hasKeptData && !installed && <p className="mt-2 text-[11px] text-fg-muted">Your data from before will be restored.</p>}
      {(installed?.status === "failed" || installed?.status === "broken") && installed.error && <p className="mt-2 text-[12px] text-danger">{installed.error}</p>}
      {error && !busy && (
        <p role="alert" className="mt-2 text-[12px] text-danger">
          {error}
        </p>
      )}
    </div>
  );
}

/**
 * An install that needed no prompt may still have generated credentials for the owner (a first admin
 * password): once it serves, ask, and show them if there are any.
 */
function useCredentialsAfterDirectInstall(app: CatalogApp, installed: InstalledApp | undefined, started: boolean) {
  const client = useTRPCClient();
  const flow = useInstallFlow();
  const asked = useRef(false);
  const serving = !!installed && isServing(installed.status);
  useEffect(() => {
    if (!started || !serving || asked.current) return;
    asked.current = true;
    client.apps.credentials.query({ id: app.id }).then(
      (list) => list.length > 0 && flow.showCredentials(app),
      () => undefined,
    );
  }, [started, serving, client, flow, app]);
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
