"use client";

import { useMemo, useState, type KeyboardEvent, type ReactNode } from "react";
import type { CatalogApp } from "@/web/hooks/use-apps";
import { useCatalog } from "@/web/hooks/use-app-actions";
import { useShell } from "@/web/hooks/use-shell";
import { useTheme } from "@/web/hooks/use-theme";
import { useWallpaper, WALLPAPERS } from "@/web/hooks/use-wallpaper";
import { rankEntries } from "@/web/lib/palette-search";
import { AppIcon } from "@/web/components/ui/app-icon";
import { Glyph } from "@/web/components/ui/glyphs";
import { Modal } from "@/web/components/ui/modal";
import { STATUS_LABEL } from "@/web/components/ui/status-dot";
import { SystemTile } from "@/web/components/ui/system-tiles";

type Entry = { id: string; label: string; group: string; hint?: string; keywords?: string[]; icon: ReactNode; run: () => void; always?: boolean };

/** Ctrl/Cmd+K: one search over installed apps, the App Store's catalog and the shell's settings. */
export function SearchPalette({ onClose }: { onClose: () => void }) {
  const shell = useShell();
  const catalog = useCatalog();
  const { setPref } = useTheme();
  const [, setWallpaper] = useWallpaper();
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);

  const entries = useMemo<Entry[]>(() => {
    const list: Entry[] = [];
    for (const app of shell.apps) {
      list.push({
        id: `app-${app.id}`,
        label: app.name,
        group: "Apps",
        hint: app.status === "running" ? "Open" : STATUS_LABEL[app.status],
        keywords: [app.id, "open", "app"],
        icon: <AppIcon name={app.name} iconUrl={app.iconUrl} className="size-7" />,
        run: () => shell.openApp(app.id),
        always: true,
      });
    }
    const system = (id: string, label: string, keywords: string[], run: () => void, kind: "store" | "system" | "launcher" | "notifications" | "contacts" = "system", always = false): Entry => ({
      id,
      label,
      group: "PCC",
      keywords,
      icon: <SystemTile kind={kind} className="size-7" />,
      run,
      always,
    });
    list.push(
      system("store", "App Store", ["install", "apps", "catalog"], () => shell.openStore(), "store", true),
      system("system", "Settings", ["system", "status", "version", "sign out"], () => shell.openSystem(), "system", true),
      system("contacts", "Contacts", ["friends", "people", "card", "follow", "subscribe", "feed", "domain"], () => shell.openContacts(), "contacts", true),
      system("appearance", "Appearance", ["theme", "dark", "light", "wallpaper", "background"], () => shell.openSystem("appearance")),
      system("sources", "App sources", ["catalog", "source", "publisher", "add apps", "store"], () => shell.openSystem("sources")),
      system("theme-dark", "Use the dark theme", ["appearance", "night", "mode"], () => (setPref("dark"), onClose())),
      system("theme-light", "Use the light theme", ["appearance", "day", "mode"], () => (setPref("light"), onClose())),
      system("theme-system", "Match the system theme", ["appearance", "auto", "mode"], () => (setPref("system"), onClose())),
      ...WALLPAPERS.map((w) => system(`wallpaper-${w.id}`, `Wallpaper: ${w.name}`, ["background", "appearance"], () => (setWallpaper(w.id), onClose()))),
      system("launcher", "All apps", ["launcher", "grid"], () => shell.setOverlay("launcher"), "launcher"),
      system("notifications", "Notifications", ["alerts", "messages"], () => shell.setOverlay("notifications"), "notifications"),
      system("shortcuts", "Keyboard shortcuts", ["keys", "help", "hotkeys"], () => shell.setOverlay("shortcuts")),
      system("trust", "Trust this PCC's certificate", ["https", "certificate", "security", "warning"], () => {
        window.open("/trust", "_blank", "noopener");
        onClose();
      }),
    );
    for (const app of shell.apps) {
      list.push({
        id: `settings-${app.id}`,
        label: `${app.name} settings`,
        group: "App settings",
        keywords: ["start", "stop", "restart", "uninstall", "remove", "status"],
        icon: <AppIcon name={app.name} iconUrl={app.iconUrl} className="size-7" />,
        run: () => shell.openAppSettings(app.id),
      });
    }
    for (const app of ((catalog.data as { apps?: CatalogApp[] } | undefined)?.apps ?? [])) {
      list.push({
        id: `store-${app.id}`,
        label: app.name,
        group: "App Store",
        hint: app.installed ? "Installed" : app.hasKeptData ? "Reinstall" : "Get",
        keywords: [app.tagline, app.category, "install", "store"],
        icon: <AppIcon name={app.name} iconUrl={app.iconUrl} className="size-7" />,
        run: () => shell.openStore(app.id),
      });
    }
    return list;
  }, [shell, catalog.data, setPref, setWallpaper, onClose]);

  const results = query.trim() ? rankEntries(query, entries) : entries.filter((e) => e.always);
  const current = Math.min(active, Math.max(0, results.length - 1));

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const step = e.key === "ArrowDown" ? 1 : -1;
      setActive((current + step + results.length) % Math.max(1, results.length));
    } else if (e.key === "Enter" && results[current]) {
      e.preventDefault();
      results[current].run();
    }
  }

  return (
    <Modal onClose={onClose} label="Search" variant="palette" testId="search-palette" className="overflow-hidden">
      <div className="flex items-center gap-3 border-b border-line px-4">
        <Glyph name="search" className="size-5 shrink-0 text-fg-subtle" />
        <input
          data-autofocus
          data-testid="palette-input"
          role="combobox"
          aria-expanded="true"
          aria-controls="palette-list"
          aria-autocomplete="list"
          aria-label="Search apps, the App Store and settings"
          aria-activedescendant={results[current] ? `palette-${results[current].id}` : undefined}
          placeholder="Search apps, the App Store and settings"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
          onKeyDown={onKeyDown}
          className="h-14 min-w-0 flex-1 bg-transparent text-base text-fg outline-none placeholder:text-fg-subtle"
        />
      </div>
      <ul id="palette-list" role="listbox" aria-label="Results" className="max-h-[50vh] overflow-y-auto p-2">
        {results.map((e, i) => (
          <li
            key={e.id}
            id={`palette-${e.id}`}
            role="option"
            aria-selected={i === current}
            data-testid={`palette-item-${e.id}`}
            onPointerMove={() => i !== current && setActive(i)}
            onClick={() => e.run()}
            className={`flex min-h-11 cursor-pointer items-center gap-3 rounded-lg px-2 py-1.5 ${i === current ? "bg-indigo-600 text-white" : "text-fg"}`}
          >
            <span className="flex size-7 shrink-0">{e.icon}</span>
            <span className="min-w-0 flex-1 truncate text-sm">{e.label}</span>
            <span className={`shrink-0 text-[12px] ${i === current ? "text-white" : "text-fg-subtle"}`}>{e.hint ?? e.group}</span>
          </li>
        ))}
        {results.length === 0 && <li className="px-3 py-6 text-center text-sm text-fg-muted">Nothing matches “{query}”.</li>}
      </ul>
    </Modal>
  );
}
