"use client";

import { lazyComponent } from "@/web/lib/lazy";
import { useInstalledApp } from "@/web/hooks/use-apps";
import { displayOrigin } from "@/web/lib/app-bridge";
import { AppIcon } from "@/web/components/ui/app-icon";
import { Spinner } from "@/web/components/ui/spinner";
import { Tabs, TabPanel, type TabDef } from "@/web/components/ui/tabs";
import { AppAbout } from "./app-about";
import { AppOverview } from "./app-overview";

/**
 * An app's settings, one component per tab. Tabs other than the overview are loaded when first shown:
 * most visits to this window are a look at the status or a restart.
 */
const TABS: TabDef[] = [
  { id: "overview", label: "Overview" },
  { id: "settings", label: "Settings" },
  { id: "permissions", label: "Permissions" },
  { id: "logs", label: "Logs" },
  { id: "stats", label: "Stats" },
  { id: "credentials", label: "Credentials" },
  { id: "about", label: "About" },
];

function Loading() {
  return <Spinner className="size-6 text-fg-subtle" />;
}

const AppSettingsForm = lazyComponent(() => import("./app-settings-form").then((m) => m.AppSettingsForm), { loading: Loading });
const AppPermissions = lazyComponent(() => import("./app-permissions").then((m) => m.AppPermissions), { loading: Loading });
const AppLogs = lazyComponent(() => import("./app-logs").then((m) => m.AppLogs), { loading: Loading });
const AppStatsView = lazyComponent(() => import("./app-stats").then((m) => m.AppStatsView), { loading: Loading });
const AppCredentials = lazyComponent(() => import("./app-credentials").then((m) => m.AppCredentials), { loading: Loading });

type Props = { id: string; view?: string; onView: (view: string) => void; onOpen: () => void; onUninstalled: () => void };

export function AppSettingsWindow({ id, view, onView, onOpen, onUninstalled }: Props) {
  const app = useInstalledApp(id);
  if (!app) return <p className="p-6 text-sm text-fg-muted">This app is no longer installed.</p>;
  const tab = TABS.some((t) => t.id === view) ? view! : "overview";
  const idBase = `app-settings-${id}`;

  return (
    <div className="flex h-full flex-col bg-surface">
      <div className="flex items-center gap-4 px-4 pt-4 sm:px-6 sm:pt-5">
        <AppIcon name={app.name} iconUrl={app.iconUrl} className="size-14" />
        <div className="min-w-0">
          <h1 className="truncate text-xl font-semibold text-fg">{app.name}</h1>
          {app.url && <p className="truncate font-mono text-[12px] text-fg-muted">{displayOrigin(app.url)}</p>}
        </div>
      </div>
      <div className="mt-3">
        <Tabs tabs={TABS} value={tab} onChange={onView} idBase={idBase} label={`${app.name} settings sections`} />
      </div>
      <TabPanel idBase={idBase} id={tab} className={`min-h-0 flex-1 p-4 sm:p-6 ${tab === "logs" ? "flex flex-col overflow-hidden" : "overflow-y-auto"}`}>
        {tab === "overview" ? (
          <AppOverview app={app} onOpen={onOpen} onUninstalled={onUninstalled} />
        ) : tab === "settings" ? (
          <AppSettingsForm app={app} />
        ) : tab === "permissions" ? (
          <AppPermissions app={app} />
        ) : tab === "logs" ? (
          <AppLogs key={app.id} app={app} />
        ) : tab === "stats" ? (
          <AppStatsView app={app} />
        ) : tab === "credentials" ? (
          <AppCredentials app={app} />
        ) : (
          <AppAbout app={app} />
        )}
      </TabPanel>
    </div>
  );
}
