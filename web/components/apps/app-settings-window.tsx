"use client";

import { useState } from "react";
import { isBusy, useAppMutations, useInstalledApp } from "@/web/hooks/use-apps";
import { errorMessage } from "@/web/lib/errors";
import { AppIcon } from "@/web/components/ui/app-icon";
import { Button } from "@/web/components/ui/button";
import { DetailRow } from "@/web/components/ui/detail-row";
import { Spinner } from "@/web/components/ui/spinner";
import { StatusDot } from "@/web/components/ui/status-dot";
import { UninstallDialog } from "./uninstall-dialog";

type Props = { id: string; onOpen: () => void; onUninstalled: () => void };

export function AppSettingsWindow({ id, onOpen, onUninstalled }: Props) {
  const app = useInstalledApp(id);
  const { start, stop } = useAppMutations();
  const [confirming, setConfirming] = useState(false);
  if (!app) return <p className="p-6 text-sm text-slate-500">This app is no longer installed.</p>;

  const busy = isBusy(app.status) || start.isPending || stop.isPending;
  const error = errorMessage(start.error ?? stop.error);
  const canStart = app.status === "stopped" || app.status === "error";

  return (
    <div className="h-full overflow-y-auto p-6">
      <div className="flex items-center gap-4">
        <AppIcon name={app.name} iconUrl={app.iconUrl} className="size-16" />
        <div className="min-w-0">
          <h1 className="truncate text-xl font-semibold text-slate-900">{app.name}</h1>
          <p className="text-[13px] text-slate-500">Version {app.version}</p>
          <a href={app.url} target="_blank" rel="noreferrer" className="text-[13px] text-indigo-600 hover:underline">
            {app.url.replace(/^https:\/\//, "").replace(/\/$/, "")}
          </a>
        </div>
      </div>

      <dl className="mt-6 divide-y divide-slate-900/5 rounded-xl bg-white/70 text-sm ring-1 ring-slate-900/5">
        <DetailRow label="Status">
          <span className="flex items-center gap-2">
            {busy ? <Spinner className="size-3.5 text-indigo-600" /> : <StatusDot status={app.status} />}
            <span data-testid={`app-status-${id}`}>{app.status}</span>
          </span>
        </DetailRow>
        {app.progress && isBusy(app.status) && <DetailRow label="Step">{app.progress}</DetailRow>}
        <DetailRow label="Installed">{new Date(app.installedAt).toLocaleString()}</DetailRow>
      </dl>

      {app.error && <p className="mt-3 text-sm text-rose-600">{app.error}</p>}
      {error && (
        <p role="alert" className="mt-3 text-sm text-rose-600">
          {error}
        </p>
      )}

      <div className="mt-6 flex flex-wrap gap-2">
        {app.status === "running" && (
          <Button variant="primary" onClick={onOpen}>
            Open
          </Button>
        )}
        {canStart ? (
          <Button data-testid={`app-start-${id}`} disabled={busy} onClick={() => start.mutate({ id })}>
            Start
          </Button>
        ) : (
          <Button data-testid={`app-stop-${id}`} disabled={busy || app.status !== "running"} onClick={() => stop.mutate({ id })}>
            Stop
          </Button>
        )}
        <Button data-testid={`app-uninstall-${id}`} variant="danger-ghost" className="ml-auto" disabled={busy} onClick={() => setConfirming(true)}>
          Uninstall…
        </Button>
      </div>

      {confirming && (
        <UninstallDialog
          app={app}
          onCancel={() => setConfirming(false)}
          onDone={() => {
            setConfirming(false);
            onUninstalled();
          }}
        />
      )}
    </div>
  );
}
