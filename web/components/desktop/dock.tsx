"use client";

import { useEffect, useState, type ReactNode } from "react";
import type { InstalledApp } from "@/web/hooks/use-apps";
import { AppIcon } from "@/web/components/ui/app-icon";
import { StatusDot } from "@/web/components/ui/status-dot";

type Props = {
  apps: InstalledApp[];
  openKeys: ReadonlySet<string>;
  onStore: () => void;
  onSystem: () => void;
  onApp: (app: InstalledApp) => void;
  onAppSettings: (app: InstalledApp) => void;
};

export function Dock({ apps, openKeys, onStore, onSystem, onApp, onAppSettings }: Props) {
  const [menu, setMenu] = useState<{ app: InstalledApp; x: number } | null>(null);

  useEffect(() => {
    if (!menu) return;
    const close = () => setMenu(null);
    window.addEventListener("pointerdown", close);
    window.addEventListener("blur", close);
    return () => {
      window.removeEventListener("pointerdown", close);
      window.removeEventListener("blur", close);
    };
  }, [menu]);

  return (
    <nav
      data-testid="dock"
      aria-label="Dock"
      className="pcc-dock fixed inset-x-0 bottom-0 z-[90000] flex justify-center sm:bottom-3 sm:inset-x-auto sm:left-1/2 sm:-translate-x-1/2"
    >
      <ul className="flex w-full items-end justify-around gap-1 overflow-x-auto border-t border-white/30 bg-white/40 px-2 pt-1.5 pb-[max(0.375rem,env(safe-area-inset-bottom))] shadow-lg backdrop-blur-2xl sm:w-auto sm:justify-center sm:rounded-3xl sm:border sm:px-2.5 sm:pt-2 sm:pb-2">
        <DockItem id="store" label="App Store" open={openKeys.has("store")} onClick={onStore}>
          <StoreGlyph />
        </DockItem>
        {apps.map((app) => (
          <DockItem
            key={app.id}
            id={app.id}
            label={app.name}
            open={openKeys.has(`app-${app.id}`)}
            badge={<StatusDot status={app.status} className="absolute -top-0.5 -right-0.5" />}
            onClick={() => onApp(app)}
            onContextMenu={(x) => setMenu({ app, x })}
          >
            <AppIcon name={app.name} iconUrl={app.iconUrl} className="size-full" />
          </DockItem>
        ))}
        <li aria-hidden="true" className="mx-1 hidden h-10 w-px self-center bg-slate-900/10 sm:block" />
        <DockItem id="system" label="System" open={openKeys.has("system")} onClick={onSystem}>
          <SystemGlyph />
        </DockItem>
      </ul>
      {menu && (
        <div
          role="menu"
          style={{ left: menu.x }}
          className="fixed bottom-24 -translate-x-1/2 rounded-xl bg-white/90 p-1 text-[13px] shadow-xl ring-1 ring-slate-900/10 backdrop-blur-xl"
          onPointerDown={(e) => e.stopPropagation()}
        >
          <MenuItem onClick={() => (setMenu(null), onApp(menu.app))}>Open</MenuItem>
          <MenuItem onClick={() => (setMenu(null), onAppSettings(menu.app))}>Settings…</MenuItem>
        </div>
      )}
    </nav>
  );
}

function DockItem({
  id,
  label,
  open,
  badge,
  onClick,
  onContextMenu,
  children,
}: {
  id: string;
  label: string;
  open: boolean;
  badge?: ReactNode;
  onClick: () => void;
  onContextMenu?: (x: number) => void;
  children: ReactNode;
}) {
  return (
    <li className="group relative flex flex-col items-center">
      <button
        type="button"
        data-testid={`dock-item-${id}`}
        aria-label={label}
        onClick={onClick}
        onContextMenu={
          onContextMenu &&
          ((e) => {
            e.preventDefault();
            const r = e.currentTarget.getBoundingClientRect();
            onContextMenu(r.left + r.width / 2);
          })
        }
        className="relative flex w-16 flex-col items-center gap-1 rounded-xl px-1 py-1 transition-transform duration-150 focus-visible:outline-2 focus-visible:outline-indigo-500 sm:w-auto sm:py-0 sm:hover:-translate-y-1"
      >
        <span className="relative block size-9 sm:size-12">
          {children}
          {badge}
        </span>
        <span className="max-w-16 truncate text-[10px] font-medium text-slate-800 sm:hidden">{label}</span>
      </button>
      {/* Desktop shows names as hover labels, like a macOS dock. */}
      <span className="pointer-events-none absolute -top-9 hidden rounded-md bg-slate-900/80 px-2 py-1 text-[12px] whitespace-nowrap text-white opacity-0 transition-opacity group-hover:opacity-100 sm:block">
        {label}
      </span>
      <span aria-hidden="true" className={`mt-0.5 size-1 rounded-full ${open ? "bg-slate-800/70" : "bg-transparent"}`} />
    </li>
  );
}

function MenuItem({ onClick, children }: { onClick: () => void; children: ReactNode }) {
  return (
    <button type="button" role="menuitem" onClick={onClick} className="block w-full rounded-lg px-3 py-1.5 text-left hover:bg-indigo-600 hover:text-white">
      {children}
    </button>
  );
}

function StoreGlyph() {
  return (
    <span className="flex size-full items-center justify-center rounded-[22%] bg-gradient-to-br from-sky-400 to-indigo-600 text-white shadow-sm">
      <svg viewBox="0 0 24 24" className="size-3/5" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round">
        <path d="M5 8h14l-1 11a2 2 0 0 1-2 2H8a2 2 0 0 1-2-2L5 8Z" />
        <path d="M9 8V6a3 3 0 0 1 6 0v2" />
      </svg>
    </span>
  );
}

function SystemGlyph() {
  return (
    <span className="flex size-full items-center justify-center rounded-[22%] bg-gradient-to-br from-slate-500 to-slate-800 text-white shadow-sm">
      <svg viewBox="0 0 24 24" className="size-3/5" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round">
        <rect x="3" y="4" width="18" height="12" rx="2" />
        <path d="M8 20h8M12 16v4" />
      </svg>
    </span>
  );
}
