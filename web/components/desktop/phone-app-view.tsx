"use client";

import { useCallback, useState, type ReactNode } from "react";
import { useShell } from "@/web/hooks/use-shell";
import { useWindowManager, type Win } from "@/web/hooks/use-window-manager";
import { displayOrigin } from "@/web/lib/app-bridge";
import { AppWindow } from "@/web/components/apps/app-window";
import { Glyph, type GlyphName } from "@/web/components/ui/glyphs";

/** A full-screen app on a phone: its name and origin on top, back / home / switcher at the bottom. */
export function PhoneAppView({ win, focused, onHome }: { win: Win; focused: boolean; onHome: () => void }) {
  const { appsById, openAppSettings, setOverlay } = useShell();
  const wm = useWindowManager();
  const appId = win.key.slice("app-".length);
  const app = appsById.get(appId);
  const [appTitle, setAppTitle] = useState("");
  const [nonce, setNonce] = useState(0);
  const reload = useCallback(() => {
    setAppTitle("");
    setNonce((n) => n + 1);
  }, []);
  const name = app?.name ?? appId;
  const openApps = wm.windows.filter((w) => w.key.startsWith("app-")).length;

  return (
    <section
      data-testid={`window-${win.key}`}
      data-window-key={win.key}
      data-focused={focused ? "true" : "false"}
      aria-label={name}
      hidden={win.minimized}
      style={{ zIndex: win.z }}
      className="absolute inset-0 flex flex-col bg-surface text-fg"
    >
      <header className="flex shrink-0 items-center gap-1 border-b border-line bg-surface-2 pt-[env(safe-area-inset-top)] pr-1 pl-4">
        <div className="min-w-0 flex-1 py-1">
          <h2 className="truncate text-[15px] font-semibold">{appTitle ? `${name} – ${appTitle}` : name}</h2>
          {app?.url && (
            <p data-testid="window-origin" className="flex items-center gap-1 truncate font-mono text-[11px] text-fg-muted">
              <Glyph name="lock" className="size-3 shrink-0" />
              {displayOrigin(app.url)}
            </p>
          )}
        </div>
        <BarButton label="Reload" glyph="reload" testId={`app-reload-${appId}`} onClick={reload} />
        <BarButton label="App settings" glyph="more" testId={`app-settings-${appId}`} onClick={() => openAppSettings(appId)} />
      </header>
      <div className="relative min-h-0 flex-1">
        <AppWindow appId={appId} windowKey={win.key} nonce={nonce} onTitle={setAppTitle} onReload={reload} />
      </div>
      <nav aria-label={`${name} navigation`} className="flex shrink-0 justify-around border-t border-line bg-surface-2 pb-[env(safe-area-inset-bottom)]">
        <BarButton label="Back" glyph="back" testId="phone-back" onClick={() => wm.minimize(win.key)} wide />
        <BarButton label="Home" glyph="home" testId="phone-home" onClick={onHome} wide />
        <BarButton label={`Open apps (${openApps})`} glyph="switcher" testId="phone-switcher" onClick={() => setOverlay("switcher")} wide>
          <span className="absolute top-2 right-5 text-[10px] font-semibold">{openApps}</span>
        </BarButton>
      </nav>
    </section>
  );
}

function BarButton({ label, glyph, testId, onClick, wide = false, children }: { label: string; glyph: GlyphName; testId: string; onClick: () => void; wide?: boolean; children?: ReactNode }) {
  return (
    <button
      type="button"
      aria-label={label}
      data-testid={testId}
      onClick={onClick}
      className={`relative flex h-12 items-center justify-center rounded-xl text-fg-muted active:bg-surface-3 focus-visible:outline-2 focus-visible:outline-indigo-500 ${wide ? "w-20" : "w-12"}`}
    >
      <Glyph name={glyph} className="size-6" />
      {children}
    </button>
  );
}
