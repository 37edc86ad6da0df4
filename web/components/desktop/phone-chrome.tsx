"use client";

import { useCallback, useEffect, type ReactNode } from "react";
import { AppBridgeProvider } from "@/web/hooks/use-app-bridge";
import { useNotifications } from "@/web/hooks/use-notifications";
import { useShell } from "@/web/hooks/use-shell";
import { useWindowManager } from "@/web/hooks/use-window-manager";
import { CONTACTS_KEY, STORE_KEY, SYSTEM_KEY } from "@/web/lib/window-kinds";
import { AppIcon } from "@/web/components/ui/app-icon";
import { Button } from "@/web/components/ui/button";
import { StatusDot } from "@/web/components/ui/status-dot";
import { SystemTile } from "@/web/components/ui/system-tiles";
import { Greeting } from "./greeting";
import { PhoneAppView } from "./phone-app-view";
import { PhoneSheet } from "./phone-sheet";

/**
 * The phone layout: a home screen with every app, full-screen apps with back/home/switcher, and
 * bottom sheets for the store and settings. Everything is a tap target of at least 44 px; nothing
 * needs hover.
 */
export function PhoneChrome() {
  const wm = useWindowManager();
  const { windows, focusedKey, minimize, close } = wm;

  // Home: apps keep running in the switcher, sheets are put away.
  const goHome = useCallback(() => {
    for (const w of windows) {
      if (w.key.startsWith("app-")) minimize(w.key);
      else close(w.key);
    }
  }, [windows, minimize, close]);

  // Esc puts away the sheet in front (a phone with a keyboard); an open dialog answers Esc first.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape" || !focusedKey || focusedKey.startsWith("app-") || document.querySelector('[aria-modal="true"]')) return;
      close(focusedKey);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [focusedKey, close]);

  return (
    <>
      <HomeScreen />
      <PhoneDock />
      {/* Above the dock: apps are full-screen and sheets rise over it. */}
      <div className="pointer-events-none fixed inset-0 z-50 [&>*]:pointer-events-auto">
        <AppBridgeProvider>
          {windows.map((win) =>
            win.key.startsWith("app-") ? (
              <PhoneAppView key={win.key} win={win} focused={focusedKey === win.key} onHome={goHome} />
            ) : (
              <PhoneSheet key={win.key} win={win} focused={focusedKey === win.key} />
            ),
          )}
        </AppBridgeProvider>
      </div>
    </>
  );
}

function HomeScreen() {
  const shell = useShell();
  const { unreadByApp } = useNotifications();
  return (
    <div data-testid="home-screen" className="absolute inset-x-0 top-0 bottom-[var(--dock-phone)] overflow-y-auto pt-[env(safe-area-inset-top)]">
      <div className="relative h-36">
        <Greeting className="top-8 [&_p:first-child]:text-5xl [&_p:last-child]:text-base" />
      </div>
      {shell.apps.length === 0 ? (
        <div className="mx-6 mt-6 rounded-3xl bg-surface/90 p-5 text-center shadow-lg">
          <p className="text-sm text-fg">No apps yet.</p>
          <Button variant="primary" className="mt-3" onClick={() => shell.openStore()}>
            Open the App Store
          </Button>
        </div>
      ) : (
        <ul aria-label="Apps" className="grid grid-cols-4 gap-x-2 gap-y-4 px-4 pb-6">
          {shell.apps.map((app) => {
            const badge = unreadByApp.get(app.id);
            return (
              <li key={app.id}>
                <button
                  type="button"
                  data-testid={`home-app-${app.id}`}
                  aria-label={[app.name, app.status === "running" ? "" : app.status, badge ? `${badge} new` : ""].filter(Boolean).join(", ")}
                  onClick={() => shell.openApp(app.id)}
                  className="relative flex w-full flex-col items-center gap-1.5 rounded-2xl p-1 active:bg-white/15"
                >
                  <span className="relative block size-15">
                    <AppIcon name={app.name} iconUrl={app.iconUrl} className="size-15" />
                    {app.status !== "running" && <StatusDot status={app.status} className="absolute -bottom-0.5 -left-0.5 size-3" />}
                    {!!badge && (
                      <span data-testid={`home-badge-${app.id}`} className="absolute -top-1.5 -right-1.5 flex h-5 min-w-5 items-center justify-center rounded-full bg-rose-600 px-1 text-[11px] font-semibold text-white">
                        {badge}
                      </span>
                    )}
                  </span>
                  <span className="max-w-full truncate text-[12px] font-medium text-[var(--wallpaper-ink,#fff)] [text-shadow:0_1px_4px_rgb(0_0_0/0.45)]">{app.name}</span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}

function PhoneDock() {
  const shell = useShell();
  const wm = useWindowManager();
  const { unread } = useNotifications();
  const open = (key: string) => wm.windows.some((w) => w.key === key && !w.minimized);
  return (
    <nav data-testid="dock" aria-label="Dock" className="fixed inset-x-0 bottom-0 z-[40] border-t border-white/30 bg-white/60 backdrop-blur-2xl dark:border-white/10 dark:bg-slate-900/70">
      <ul className="flex items-stretch justify-around px-2 pt-1.5 pb-[max(0.375rem,env(safe-area-inset-bottom))]">
        <DockButton id="store" label="App Store" open={open(STORE_KEY)} onClick={() => shell.openStore()}>
          <SystemTile kind="store" />
        </DockButton>
        <DockButton id="contacts" label="Contacts" open={open(CONTACTS_KEY)} onClick={() => shell.openContacts()}>
          <SystemTile kind="contacts" />
        </DockButton>
        <DockButton id="search" label="Search" onClick={() => shell.setOverlay("palette")}>
          <SystemTile kind="search" />
        </DockButton>
        <DockButton id="notifications" label="Alerts" badge={unread} onClick={() => shell.setOverlay("notifications")}>
          <SystemTile kind="notifications" />
        </DockButton>
        <DockButton id="system" label="Settings" open={open(SYSTEM_KEY)} onClick={() => shell.openSystem()}>
          <SystemTile kind="system" />
        </DockButton>
      </ul>
    </nav>
  );
}

function DockButton({ id, label, open = false, badge, onClick, children }: { id: string; label: string; open?: boolean; badge?: number; onClick: () => void; children: ReactNode }) {
  return (
    <li>
      <button
        type="button"
        data-testid={`dock-item-${id}`}
        aria-label={badge ? `${label}, ${badge} unread` : label}
        aria-current={open ? "page" : undefined}
        onClick={onClick}
        className="relative flex min-h-11 w-16 flex-col items-center gap-1 rounded-xl px-1 py-1 focus-visible:outline-2 focus-visible:outline-indigo-500"
      >
        <span className="relative block size-10">
          {children}
          {!!badge && <span className="absolute -top-1 -right-1 flex h-4.5 min-w-4.5 items-center justify-center rounded-full bg-rose-600 px-1 text-[10px] font-semibold text-white">{badge}</span>}
        </span>
        <span className="max-w-16 truncate text-[11px] font-medium text-slate-900 dark:text-slate-100">{label}</span>
      </button>
    </li>
  );
}
