"use client";

import { useEffect, useMemo, useRef } from "react";
import { useInstalledApps, type InstalledApp } from "@/web/hooks/use-apps";
import { useIsPhone } from "@/web/hooks/use-is-phone";
import { useWindowManager, WindowManagerProvider } from "@/web/hooks/use-window-manager";
import { AppSettingsWindow } from "@/web/components/apps/app-settings-window";
import { AppWindow } from "@/web/components/apps/app-window";
import { StoreWindow } from "@/web/components/store/store-window";
import { SystemWindow } from "@/web/components/system/system-window";
import { Dock } from "./dock";
import { Greeting } from "./greeting";
import { TitleButton, WindowFrame } from "./window-frame";

const SIZES = {
  store: { w: 880, h: 600 },
  system: { w: 480, h: 520 },
  app: { w: 860, h: 580 },
  settings: { w: 460, h: 460 },
};

export function Desktop() {
  return (
    <WindowManagerProvider>
      <DesktopInner />
    </WindowManagerProvider>
  );
}

function DesktopInner() {
  const wm = useWindowManager();
  const phone = useIsPhone();
  const list = useInstalledApps();
  const apps = useMemo(() => (list.data ?? []) as InstalledApp[], [list.data]);
  const byId = useMemo(() => new Map(apps.map((a) => [a.id, a])), [apps]);

  const openApp = (id: string) => {
    const app = byId.get(id);
    // A stopped app has nothing to show; its settings are where it can be started again.
    if (app && app.status !== "running" && app.status !== "starting" && app.status !== "installing") wm.open(`settings-${id}`, SIZES.settings);
    else wm.open(`app-${id}`, SIZES.app);
  };

  useFirstRunStore(list.isSuccess, apps.length, () => wm.open("store", SIZES.store));
  useCloseWindowsOfRemovedApps(list.isSuccess ? byId : null);
  useFocusFollowsIframe();
  const { fit } = wm;
  useEffect(() => {
    window.addEventListener("resize", fit);
    return () => window.removeEventListener("resize", fit);
  }, [fit]);

  return (
    <main data-testid="desktop" className="pcc-wallpaper fixed inset-0 overflow-hidden">
      <Greeting />
      <div className="absolute inset-x-0 top-0 bottom-[var(--dock-reserve)]">
        {wm.windows.map((win) => {
          const appId = win.key.replace(/^(app|settings)-/, "");
          const app = byId.get(appId);
          const isApp = win.key.startsWith("app-");
          const isSettings = win.key.startsWith("settings-");
          const title =
            win.key === "store" ? "App Store" : win.key === "system" ? "System" : isSettings ? `${app?.name ?? appId} settings` : (app?.name ?? appId);
          return (
            <WindowFrame
              key={win.key}
              win={win}
              title={title}
              focused={wm.focusedKey === win.key}
              phone={phone}
              actions={
                isApp && (
                  <TitleButton label="App settings" testId={`app-settings-${appId}`} onClick={() => wm.open(`settings-${appId}`, SIZES.settings)}>
                    <circle cx="5" cy="10" r="1" fill="currentColor" />
                    <circle cx="10" cy="10" r="1" fill="currentColor" />
                    <circle cx="15" cy="10" r="1" fill="currentColor" />
                  </TitleButton>
                )
              }
            >
              {win.key === "store" ? (
                <StoreWindow onOpen={openApp} />
              ) : win.key === "system" ? (
                <SystemWindow />
              ) : isApp ? (
                <AppWindow id={appId} onSettings={() => wm.open(`settings-${appId}`, SIZES.settings)} />
              ) : (
                <AppSettingsWindow
                  id={appId}
                  onOpen={() => wm.open(`app-${appId}`, SIZES.app)}
                  onUninstalled={() => {
                    wm.close(`app-${appId}`);
                    wm.close(`settings-${appId}`);
                  }}
                />
              )}
            </WindowFrame>
          );
        })}
      </div>
      <Dock
        apps={apps}
        openKeys={new Set(wm.windows.map((w) => w.key))}
        onStore={() => wm.open("store", SIZES.store)}
        onSystem={() => wm.open("system", SIZES.system)}
        onApp={(app) => openApp(app.id)}
        onAppSettings={(app) => wm.open(`settings-${app.id}`, SIZES.settings)}
      />
    </main>
  );
}

/** A brand-new owner lands in the App Store: an empty desktop gives nothing to do. */
function useFirstRunStore(loaded: boolean, count: number, openStore: () => void) {
  const done = useRef(false);
  useEffect(() => {
    if (!loaded || done.current) return;
    done.current = true;
    if (count === 0) openStore();
  }, [loaded, count, openStore]);
}

/** Apps can disappear from elsewhere too (uninstalled via the CLI, failed install): drop their windows. */
function useCloseWindowsOfRemovedApps(byId: Map<string, InstalledApp> | null) {
  const { windows, close } = useWindowManager();
  useEffect(() => {
    if (!byId) return;
    for (const w of windows) {
      const m = /^(?:app|settings)-(.+)$/.exec(w.key);
      if (m && !byId.has(m[1])) close(w.key);
    }
  }, [byId, windows, close]);
}

/** Clicks inside an iframe never reach the shell; the window blur that follows is the only hint. */
function useFocusFollowsIframe() {
  const { focus } = useWindowManager();
  useEffect(() => {
    const onBlur = () =>
      setTimeout(() => {
        const el = document.activeElement;
        if (el instanceof HTMLIFrameElement) {
          const key = el.closest<HTMLElement>("[data-window-key]")?.dataset.windowKey;
          if (key) focus(key);
        }
      }, 0);
    window.addEventListener("blur", onBlur);
    return () => window.removeEventListener("blur", onBlur);
  }, [focus]);
}
