"use client";

import { useState } from "react";
import { isBusy, isDown, isServing, type InstalledApp } from "@/web/hooks/use-apps";
import { useAppMutations } from "@/web/hooks/use-app-actions";
import { errorMessage } from "@/web/lib/errors";
import { Button } from "@/web/components/ui/button";
import { DetailList, DetailRow } from "@/web/components/ui/detail-row";
import { Spinner } from "@/web/components/ui/spinner";
import { STATUS_LABEL, StatusDot } from "@/web/components/ui/status-dot";
import { UninstallDialog } from "./uninstall-dialog";

/** Status and lifecycle: open, start, stop, restart, uninstall. */
export function AppOverview({ app, onOpen, onUninstalled }: { app: InstalledApp; onOpen: () => void; onUninstalled: () => void }) {
  const { start, stop, restart } = useAppMutations();
  const [confirming, setConfirming] = useState(false);
  const id = app.id;
  const busy = isBusy(app.status) || start.isPending || stop.isPending || restart.isPending;
  const error = errorMessage(start.error ?? stop.error ?? restart.error);
  const canStart = isDown(app.status);

  return (
    <div>
      <DetailList>
        <DetailRow label="Status">
          <span className="flex items-center gap-2">
            {busy ? <Spinner className="size-3.5 text-accent" /> : <StatusDot status={app.status} />}
            <span className="sr-only">{STATUS_LABEL[app.status]}: </span>
            {/* The raw status word: tests and the CLI speak it too. */}
            <span data-testid={`app-status-${id}`}>{app.status}</span>
          </span>
        </DetailRow>
        {app.progress && isBusy(app.status) && <DetailRow label="Step">{app.progress}</DetailRow>}
        <DetailRow label="Version">{app.version}</DetailRow>
        <DetailRow label="Installed">{new Date(app.installedAt).toLocaleString()}</DetailRow>
        <DetailRow label="Starts with PCC">{app.desiredState === "running" ? "Yes" : "No, it stays stopped"}</DetailRow>
      </DetailList>

      {app.services.length > 1 && (
        <DetailList className="mt-4">
          {app.services.map((s) => (
            <DetailRow key={s.name} label={s.name}>
              {s.state}
              {s.restarts > 0 ? `, restarted ${s.restarts}×` : ""}
              {s.reason ? ` (${s.reason})` : ""}
            </DetailRow>
          ))}
        </DetailList>
      )}

      {app.error && <p className="mt-3 text-sm text-danger">{app.error}</p>}
      {error && (
        <p role="alert" className="mt-3 text-sm text-danger">
          {error}
        </p>
      )}

      <div className="mt-6 flex flex-wrap gap-2">
        {isServing(app.status) && app.url && (
          <Button variant="primary" data-testid={`app-open-${id}`} onClick={onOpen}>
            Open
          </Button>
        )}
        {canStart ? (
          <Button data-testid={`app-start-${id}`} disabled={busy} onClick={() => start.mutate({ id })}>
            Start
          </Button>
        ) : (
          <>
            <Button data-testid={`app-stop-${id}`} disabled={busy} onClick={() => stop.mutate({ id })}>
              Stop
            </Button>
            <Button data-testid={`app-restart-${id}`} disabled={busy} onClick={() => restart.mutate({ id })}>
              Restart
            </Button>
          </>
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
