"use client";

import type { ReactNode } from "react";
import { isBusy, type InstalledApp } from "@/web/hooks/use-apps";
import { useAppMutations } from "@/web/hooks/use-app-actions";
import { displayOrigin } from "@/web/lib/app-bridge";
import { errorMessage } from "@/web/lib/errors";
import { AppIcon } from "@/web/components/ui/app-icon";
import { Button } from "@/web/components/ui/button";
import { Glyph } from "@/web/components/ui/glyphs";
import { Spinner } from "@/web/components/ui/spinner";

/** Shown instead of the app while it is not running: why, and the one action that helps. */
export function AppDown({ app, onSettings }: { app: InstalledApp; onSettings: () => void }) {
  const { start } = useAppMutations();
  const busy = isBusy(app.status) || start.isPending;
  const failed = app.status === "failed" || app.status === "broken";
  const error = errorMessage(start.error);
  return (
    <Page testId={`app-down-${app.id}`} icon={<AppIcon name={app.name} iconUrl={app.iconUrl} className="size-16" />}>
      {busy ? (
        <p role="status" className="flex items-center gap-2 text-fg-muted">
          <Spinner /> {start.isPending ? "Starting" : (app.progress ?? STEP[app.status] ?? "Working")}…
        </p>
      ) : (
        <>
          <h2 className="text-lg font-semibold text-fg">{failed ? `${app.name} is not working` : `${app.name} is stopped`}</h2>
          <p className="max-w-sm text-sm text-fg-muted">
            {failed ? (app.error ?? "It stopped unexpectedly.") : "It is not running, so there is nothing to show. Start it to use it again."}
          </p>
          {error && (
            <p role="alert" className="text-sm text-danger">
              {error}
            </p>
          )}
          <div className="flex flex-wrap justify-center gap-2">
            <Button variant="primary" data-testid={`app-down-start-${app.id}`} onClick={() => start.mutate({ id: app.id })}>
              {failed ? "Start again" : "Start"}
            </Button>
            <Button onClick={onSettings}>Settings</Button>
          </div>
        </>
      )}
    </Page>
  );
}

const STEP: Partial<Record<InstalledApp["status"], string>> = {
  installing: "Installing",
  starting: "Starting",
  restarting: "Restarting",
  stopping: "Stopping",
  removing: "Uninstalling",
};

/** An app that serves no web page (a game server, a DNS resolver): what it offers instead. */
export function NoWebPage({ app, onSettings }: { app: InstalledApp; onSettings: () => void }) {
  return (
    <Page testId={`app-no-web-${app.id}`} icon={<AppIcon name={app.name} iconUrl={app.iconUrl} className="size-16" />}>
      <h2 className="text-lg font-semibold text-fg">{app.name} has no web page</h2>
      <p className="max-w-sm text-sm text-fg-muted">
        It runs in the background
        {app.ports.length > 0 ? ", reachable on these ports of your PCC:" : "."}
      </p>
      {app.ports.length > 0 && (
        <ul className="space-y-1 font-mono text-sm text-fg">
          {app.ports.map((p) => (
            <li key={p.name}>
              {p.name}: {p.hostPort}/{p.protocol}
            </li>
          ))}
        </ul>
      )}
      <Button onClick={onSettings}>Settings</Button>
    </Page>
  );
}

/**
 * The browser refused the app's HTTPS connection: almost always because this device does not trust
 * the PCC's own certificate authority yet (the shell itself may have been opened past a warning).
 */
export function CertificateNotTrusted({ name, url, onRetry }: { name: string; url: string; onRetry: () => void }) {
  const host = displayOrigin(url);
  return (
    <Page testId="app-cert-untrusted" overlay icon={<Glyph name="lock" className="size-10 text-amber-600 dark:text-amber-400" />}>
      <h2 className="max-w-md text-lg font-semibold text-fg">Your device does not trust your PCC&apos;s certificate yet</h2>
      <p className="max-w-md text-sm text-fg-muted">
        {name} lives at <span className="font-mono text-fg">{host}</span>. Your PCC secures it with a certificate from its own
        authority, and until this device trusts that authority the browser refuses to show the app.
      </p>
      <ol className="max-w-md list-decimal space-y-1.5 pl-5 text-left text-sm text-fg-muted">
        <li>
          <a href="/trust" target="_blank" rel="noopener" data-testid="trust-guide-link" className="font-medium text-accent underline underline-offset-2">
            Install your PCC&apos;s certificate
          </a>{" "}
          on this device (a two-minute guide for iPhone, Android, Mac, Windows and Linux). This fixes every app at once.
        </li>
        <li>
          Or, for this browser only:{" "}
          <a href={url} target="_blank" rel="noopener noreferrer" className="font-medium text-accent underline underline-offset-2">
            open {host}
          </a>
          , accept the warning, and come back.
        </li>
      </ol>
      <Button variant="primary" onClick={onRetry}>
        Try again
      </Button>
    </Page>
  );
}

export function AppNotAnswering({ name, onReload }: { name: string; onReload: () => void }) {
  return (
    <Page testId="app-not-answering" overlay icon={<Glyph name="warning" className="size-10 text-amber-600 dark:text-amber-400" />}>
      <h2 className="text-lg font-semibold text-fg">{name} is not answering</h2>
      <p className="max-w-sm text-sm text-fg-muted">
        It may still be busy starting. If this keeps happening on this device only, its certificate may not be{" "}
        <a href="/trust" target="_blank" rel="noopener" className="font-medium text-accent underline underline-offset-2">
          trusted yet
        </a>
        .
      </p>
      <Button variant="primary" onClick={onReload}>
        Reload
      </Button>
    </Page>
  );
}

function Page({ testId, icon, overlay = false, children }: { testId: string; icon: ReactNode; overlay?: boolean; children: ReactNode }) {
  return (
    <div
      data-testid={testId}
      className={`flex h-full flex-col items-center justify-center gap-3 overflow-y-auto bg-surface p-6 text-center ${overlay ? "absolute inset-0 z-10" : ""}`}
    >
      {icon}
      {children}
    </div>
  );
}
