"use client";

import { useState } from "react";
import { useNotifications } from "@/web/hooks/use-notifications";
import { useShell } from "@/web/hooks/use-shell";
import { rankEntries } from "@/web/lib/palette-search";
import { AppIcon } from "@/web/components/ui/app-icon";
import { Modal } from "@/web/components/ui/modal";
import { STATUS_LABEL } from "@/web/components/ui/status-dot";
import { SystemTile } from "@/web/components/ui/system-tiles";

/** Every installed app in one grid (plus the shell's own), with a filter for long lists. */
export function Launcher({ onClose }: { onClose: () => void }) {
  const shell = useShell();
  const { unreadByApp } = useNotifications();
  const [query, setQuery] = useState("");
  const apps = rankEntries(query, shell.apps.map((a) => ({ ...a, label: a.name, keywords: [a.id] })), 200);

  return (
    <Modal onClose={onClose} labelledBy="launcher-title" testId="launcher" variant="center" className="max-w-3xl! p-0!">
      <div className="flex items-center gap-3 border-b border-line px-6 py-4">
        <h2 id="launcher-title" className="text-lg font-semibold">
          All apps
        </h2>
        <input
          type="search"
          data-autofocus
          aria-label="Filter apps"
          placeholder="Filter"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          className="ml-auto h-9 w-48 rounded-lg bg-surface-2 px-3 text-sm text-fg ring-1 ring-line outline-none placeholder:text-fg-subtle focus:ring-2 focus:ring-indigo-500"
        />
      </div>
      <ul className="grid max-h-[60vh] grid-cols-[repeat(auto-fill,minmax(6.5rem,1fr))] gap-2 overflow-y-auto p-4">
        {apps.map((app) => (
          <Tile key={app.id} testId={`launcher-app-${app.id}`} label={app.name} hint={app.status === "running" ? undefined : STATUS_LABEL[app.status]} badge={unreadByApp.get(app.id)} onClick={() => shell.openApp(app.id)}>
            <AppIcon name={app.name} iconUrl={app.iconUrl} className="size-14" />
          </Tile>
        ))}
        {!query && (
          <>
            <Tile testId="launcher-store" label="App Store" onClick={() => shell.openStore()}>
              <SystemTile kind="store" className="size-14" />
            </Tile>
            <Tile testId="launcher-contacts" label="Contacts" onClick={() => shell.openContacts()}>
              <SystemTile kind="contacts" className="size-14" />
            </Tile>
            <Tile testId="launcher-system" label="Settings" onClick={() => shell.openSystem()}>
              <SystemTile kind="system" className="size-14" />
            </Tile>
          </>
        )}
      </ul>
      {shell.apps.length === 0 && (
        <p className="px-6 pb-6 text-sm text-fg-muted">
          No apps yet.{" "}
          <button type="button" className="font-medium text-accent underline underline-offset-2" onClick={() => shell.openStore()}>
            Find one in the App Store
          </button>
          .
        </p>
      )}
    </Modal>
  );
}

function Tile({ testId, label, hint, badge, onClick, children }: { testId: string; label: string; hint?: string; badge?: number; onClick: () => void; children: React.ReactNode }) {
  return (
    <li>
      <button
        type="button"
        data-testid={testId}
        onClick={onClick}
        aria-label={[label, hint, badge ? `${badge} new` : ""].filter(Boolean).join(", ")}
        className="relative flex w-full flex-col items-center gap-1.5 rounded-xl p-2 hover:bg-surface-2 focus-visible:outline-2 focus-visible:outline-indigo-500"
      >
        {children}
        {!!badge && <span className="absolute top-1 right-4 rounded-full bg-rose-600 px-1.5 text-[11px] font-semibold text-white">{badge}</span>}
        <span className="max-w-full truncate text-[13px] text-fg">{label}</span>
        {hint && <span className="text-[11px] text-fg-subtle">{hint}</span>}
      </button>
    </li>
  );
}
