"use client";

import { useEffect, useRef, useState, type ReactNode } from "react";
import { useNotifications } from "@/web/hooks/use-notifications";
import { useShell } from "@/web/hooks/use-shell";
import { useWindowManager } from "@/web/hooks/use-window-manager";
import { appKey, CONTACTS_KEY, STORE_KEY, SYSTEM_KEY } from "@/web/lib/window-kinds";
import { AppIcon } from "@/web/components/ui/app-icon";
import { StatusDot } from "@/web/components/ui/status-dot";
import { SystemTile } from "@/web/components/ui/system-tiles";
import type { InstalledApp } from "@/web/hooks/use-apps";

/** Open windows show a dot under their icon; minimized ones a hollow ring, so the dock says where everything is. */
type Presence = "none" | "open" | "minimized";

/** The desktop dock: all apps, the App Store and Settings, with running indicators and notification badges. */
export function Dock() {
  const shell = useShell();
  const wm = useWindowManager();
  const { unreadByApp } = useNotifications();
  const [menu, setMenu] = useState<{ app: InstalledApp; x: number } | null>(null);
  const menuRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!menu) return;
    // Opened from the keyboard (the context-menu key) or the mouse alike: focus goes to its first item.
    menuRef.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    const close = () => setMenu(null);
    window.addEventListener("pointerdown", close);
    window.addEventListener("blur", close);
    return () => {
      window.removeEventListener("pointerdown", close);
      window.removeEventListener("blur", close);
    };
  }, [menu]);

  const presence = (key: string): Presence => {
    const w = wm.windows.find((x) => x.key === key);
    return !w ? "none" : w.minimized ? "minimized" : "open";
  };
  // App settings windows have no dock icon of their own: when minimized they wait at the dock's end.
  const minimizedSettings = wm.windows.filter((w) => w.minimized && w.key.startsWith("settings-"));

  return (
    <nav data-testid="dock" aria-label="Dock" className="fixed bottom-3 left-1/2 z-[90000] max-w-[calc(100vw-1.5rem)] -translate-x-1/2">
      <ul className="flex items-end gap-1.5 overflow-x-auto rounded-3xl border border-white/30 bg-white/55 px-2.5 pt-2 pb-1 shadow-lg backdrop-blur-2xl dark:border-white/10 dark:bg-slate-900/60">
        <DockItem id="launcher" label="All apps" presence="none" onClick={() => shell.toggleOverlay("launcher")}>
          <SystemTile kind="launcher" />
        </DockItem>
        <DockItem id="store" label="App Store" presence={presence(STORE_KEY)} onClick={() => shell.openStore()}>
          <SystemTile kind="store" />
        </DockItem>
        <DockItem id="contacts" label="Contacts" presence={presence(CONTACTS_KEY)} onClick={() => shell.openContacts()}>
          <SystemTile kind="contacts" />
        </DockItem>
        {shell.apps.map((app) => (
          <DockItem
            key={app.id}
            id={app.id}
            label={app.name}
            presence={presence(appKey(app.id))}
            badge={unreadByApp.get(app.id)}
            status={app.status === "running" ? undefined : <StatusDot status={app.status} className="absolute -bottom-0.5 -left-0.5" />}
            onClick={() => shell.openApp(app.id)}
            onContextMenu={(x) => setMenu({ app, x })}
          >
            <AppIcon name={app.name} iconUrl={app.iconUrl} className="size-full" />
          </DockItem>
        ))}
        <li aria-hidden="true" className="mx-1 h-10 w-px self-center bg-slate-900/15 dark:bg-white/15" />
        {minimizedSettings.map((w) => {
          const app = shell.appsById.get(w.key.slice("settings-".length));
          return (
            <DockItem key={w.key} id={`min-${w.key}`} label={`${app?.name ?? "App"} settings`} presence="minimized" onClick={() => wm.focus(w.key)}>
              <span className="relative block size-full">
                <AppIcon name={app?.name ?? "?"} iconUrl={app?.iconUrl ?? null} className="size-full opacity-80" />
                <SystemTile kind="system" className="absolute -right-1 -bottom-1 size-5" />
              </span>
            </DockItem>
          );
        })}
        <DockItem id="system" label="Settings" presence={presence(SYSTEM_KEY)} onClick={() => shell.openSystem()}>
          <SystemTile kind="system" />
        </DockItem>
      </ul>
      {menu && (
        <div
          ref={menuRef}
          role="menu"
          aria-label={menu.app.name}
          style={{ left: menu.x }}
          className="fixed bottom-24 -translate-x-1/2 rounded-xl bg-surface p-1 text-[13px] text-fg shadow-xl ring-1 ring-line"
          onPointerDown={(e) => e.stopPropagation()}
          onKeyDown={(e) => {
            const items = [...(menuRef.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
            const i = items.indexOf(document.activeElement as HTMLElement);
            if (e.key === "Escape") setMenu(null);
            else if (e.key === "ArrowDown") items[(i + 1) % items.length]?.focus();
            else if (e.key === "ArrowUp") items[(i - 1 + items.length) % items.length]?.focus();
            else return;
            e.preventDefault();
          }}
        >
          <MenuItem onClick={() => (setMenu(null), shell.openApp(menu.app.id))}>Open</MenuItem>
          <MenuItem onClick={() => (setMenu(null), shell.openAppSettings(menu.app.id))}>Settings…</MenuItem>
          {presence(appKey(menu.app.id)) !== "none" && <MenuItem onClick={() => (setMenu(null), wm.close(appKey(menu.app.id)))}>Close window</MenuItem>}
        </div>
      )}
    </nav>
  );
}

function DockItem({
  id,
  label,
  presence,
  badge,
  status,
  onClick,
  onContextMenu,
  children,
}: {
  id: string;
  label: string;
  presence: Presence;
  badge?: number;
  status?: ReactNode;
  onClick: () => void;
  onContextMenu?: (x: number) => void;
  children: ReactNode;
}) {
  const described = [label, presence === "open" ? "open" : presence === "minimized" ? "minimized" : "", badge ? `${badge} new` : ""].filter(Boolean).join(", ");
  return (
    <li className="group relative flex flex-col items-center">
      <button
        type="button"
        data-testid={`dock-item-${id}`}
        data-presence={presence}
        aria-label={described}
        onClick={onClick}
        onContextMenu={
          onContextMenu &&
          ((e) => {
            e.preventDefault();
            const r = e.currentTarget.getBoundingClientRect();
            onContextMenu(r.left + r.width / 2);
          })
        }
        className="relative block size-12 rounded-[22%] transition-transform duration-150 hover:-translate-y-1 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500"
      >
        {children}
        {status}
        {!!badge && (
          <span
            data-testid={`dock-badge-${id}`}
            aria-hidden="true"
            className="absolute -top-1.5 -right-1.5 flex h-5 min-w-5 items-center justify-center rounded-full bg-rose-600 px-1 text-[11px] font-semibold text-white ring-2 ring-white/80 dark:ring-slate-900/80"
          >
            {badge > 99 ? "99+" : badge}
          </span>
        )}
      </button>
      <span
        aria-hidden="true"
        className="pointer-events-none absolute -top-9 rounded-md bg-slate-900/85 px-2 py-1 text-[12px] whitespace-nowrap text-white opacity-0 transition-opacity group-hover:opacity-100 group-focus-within:opacity-100"
      >
        {label}
      </span>
      <span
        aria-hidden="true"
        className={`mt-1 size-1.5 rounded-full ${presence === "open" ? "bg-slate-800 dark:bg-slate-100" : presence === "minimized" ? "ring-1 ring-slate-800 dark:ring-slate-100" : ""}`}
      />
    </li>
  );
}

function MenuItem({ onClick, children }: { onClick: () => void; children: ReactNode }) {
  return (
    <button type="button" role="menuitem" onClick={onClick} className="block w-full rounded-lg px-3 py-1.5 text-left hover:bg-indigo-600 hover:text-white focus-visible:bg-indigo-600 focus-visible:text-white focus-visible:outline-none">
      {children}
    </button>
  );
}
