"use client";

import { lazyComponent } from "@/web/lib/lazy";
import { Tabs, TabPanel, type TabDef } from "@/web/components/ui/tabs";
import { Spinner } from "@/web/components/ui/spinner";
import { AppearanceSettings } from "./appearance-settings";
import { SecurityWindow } from "@/web/components/security/security-window";
import { GeneralSettings } from "./general-settings";

// Loaded when first shown: few visits to Settings are about sources.
const SourcesSettings = lazyComponent(() => import("./sources-settings").then((m) => m.SourcesSettings), { loading: () => <Spinner className="size-6 text-fg-subtle" /> });
const SystemOverview = lazyComponent(() => import("./system-overview").then((m) => m.SystemOverview), { loading: () => <Spinner className="size-6 text-fg-subtle" /> });
const UpdatesSettings = lazyComponent(() => import("./updates-settings").then((m) => m.UpdatesSettings), { loading: () => <Spinner className="size-6 text-fg-subtle" /> });

/**
 * The PCC's own settings. More tabs join as the server grows (security and devices, from the
 * identity work, mount here); each tab is a component of its own.
 */
const TABS: TabDef[] = [
  { id: "general", label: "General" },
  { id: "overview", label: "Overview" },
  { id: "appearance", label: "Appearance" },
  { id: "security", label: "Security" },
  { id: "updates", label: "Updates" },
  { id: "sources", label: "Sources" },
];

export function SettingsWindow({ view, onView }: { view?: string; onView: (view: string) => void }) {
  const tab = TABS.some((t) => t.id === view) ? view! : "general";
  return (
    <div className="flex h-full flex-col bg-surface">
      <div className="pt-3">
        <Tabs tabs={TABS} value={tab} onChange={onView} idBase="settings" label="Settings sections" />
      </div>
      <TabPanel idBase="settings" id={tab} className="min-h-0 flex-1 overflow-y-auto p-4 sm:p-6">
        {tab === "general" ? (
          <GeneralSettings />
        ) : tab === "overview" ? (
          <SystemOverview />
        ) : tab === "security" ? (
          <SecurityWindow />
        ) : tab === "updates" ? (
          <UpdatesSettings />
        ) : tab === "sources" ? (
          <SourcesSettings />
        ) : (
          <AppearanceSettings />
        )}
      </TabPanel>
    </div>
  );
}
