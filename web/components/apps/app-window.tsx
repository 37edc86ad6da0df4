"use client";

import { useInstalledApp } from "@/web/hooks/use-apps";
import { AppIcon } from "@/web/components/ui/app-icon";
import { Button } from "@/web/components/ui/button";
import { Spinner } from "@/web/components/ui/spinner";

// Same-origin is safe here: the app lives on its own subdomain, so it is a different origin from the shell.
const SANDBOX = "allow-scripts allow-same-origin allow-forms allow-popups allow-downloads";

export function AppWindow({ id, onSettings }: { id: string; onSettings: () => void }) {
  const app = useInstalledApp(id);
  if (!app) return <Placeholder>This app is no longer installed.</Placeholder>;

  if (app.status !== "running") {
    return (
      <Placeholder>
        <AppIcon name={app.name} iconUrl={app.iconUrl} className="size-16" />
        <p className="flex items-center gap-2 text-sm text-slate-600">
          {app.status === "stopped" || app.status === "error" ? (
            `${app.name} is ${app.status === "error" ? "not working" : "stopped"}.`
          ) : (
            <>
              <Spinner /> {app.progress ?? `${app.name} is ${app.status}`}…
            </>
          )}
        </p>
        {(app.status === "stopped" || app.status === "error") && <Button onClick={onSettings}>Open settings</Button>}
      </Placeholder>
    );
  }

  return (
    <iframe
      data-testid={`app-iframe-${id}`}
      src={app.url}
      title={app.name}
      sandbox={SANDBOX}
      allow="clipboard-read; clipboard-write; fullscreen"
      className="absolute inset-0 size-full border-0 bg-white"
    />
  );
}

function Placeholder({ children }: { children: React.ReactNode }) {
  return <div className="flex h-full flex-col items-center justify-center gap-3 p-6 text-center">{children}</div>;
}
