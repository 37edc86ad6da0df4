"use client";

import { lazyComponent } from "@/web/lib/lazy";
import { useEffect, useRef } from "react";
import { useUpdateNotices } from "@/web/hooks/use-update-notices";
import { useAppEvents } from "@/web/hooks/use-app-events";
import { useIsPhone } from "@/web/hooks/use-is-phone";
import { NotificationsProvider, useNotifications } from "@/web/hooks/use-notifications";
import { ShellProvider, useShell } from "@/web/hooks/use-shell";
import { useShortcuts } from "@/web/hooks/use-shortcuts";
import { useApplyTheme } from "@/web/hooks/use-theme";
import { useWallpaper } from "@/web/hooks/use-wallpaper";
import { useWindowManager, WindowManagerProvider } from "@/web/hooks/use-window-manager";
import { windowKind } from "@/web/lib/window-kinds";
import { Overlays } from "./overlays";
import { Toasts } from "./toasts";

// A laptop never downloads the phone's home screen, and a phone never downloads the window manager's chrome.
const DesktopChrome = lazyComponent(() => import("./desktop-chrome").then((m) => m.DesktopChrome));
const PhoneChrome = lazyComponent(() => import("./phone-chrome").then((m) => m.PhoneChrome));

export function Desktop() {
  return (
    <WindowManagerProvider>
      <NotificationsProvider>
        <ShellProvider>
          <DesktopRoot />
        </ShellProvider>
      </NotificationsProvider>
    </WindowManagerProvider>
  );
}

function DesktopRoot() {
  const phone = useIsPhone();
  const shell = useShell();
  const [wallpaper] = useWallpaper();
  useApplyTheme();
  useShortcuts(!phone);
  useAppEvents(shell.appsLoaded ? shell.apps : undefined);
  useUpdateNotices(shell.appsLoaded && shell.apps.length > 0);
  useFirstRunStore(phone);
  useCloseWindowsOfRemovedApps();
  useFocusFollowsIframe();
  useReadWhenFocused();
  useLaunchShortcut();

  return (
    <main data-testid="desktop" data-layout={phone ? "phone" : "desktop"} data-wallpaper={wallpaper} className="fixed inset-0 overflow-hidden text-fg">
      <div aria-hidden="true" data-wallpaper={wallpaper} className="pcc-wallpaper pcc-wallpaper-dim absolute inset-0" />
      {phone ? <PhoneChrome /> : <DesktopChrome />}
      <Toasts phone={phone} />
      <Overlays phone={phone} />
    </main>
  );
}

/**
 * A brand-new owner lands in the App Store: an empty desktop gives nothing to do. (A phone's empty
 * home screen says so itself and keeps its dock in reach, so it opens nothing.)
 */
function useFirstRunStore(phone: boolean) {
  const { appsLoaded, apps, openStore } = useShell();
  const { windows } = useWindowManager();
  const done = useRef(false);
  useEffect(() => {
    if (!appsLoaded || done.current) return;
    done.current = true;
    if (!phone && apps.length === 0 && windows.length === 0) openStore();
  }, [appsLoaded, apps.length, windows.length, openStore, phone]);
}

/** Apps can disappear from elsewhere too (uninstalled via the CLI, failed install): drop their windows. */
function useCloseWindowsOfRemovedApps() {
  const { appsLoaded, appsById } = useShell();
  const { windows, close } = useWindowManager();
  useEffect(() => {
    if (!appsLoaded) return;
    for (const w of windows) {
      const kind = windowKind(w.key);
      if (!kind) close(w.key);
      else if ((kind.kind === "app" || kind.kind === "settings") && !appsById.has(kind.appId)) close(w.key);
    }
  }, [appsLoaded, appsById, windows, close]);
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

/** An app in front has been seen: its badge clears. */
function useReadWhenFocused() {
  const { focusedKey } = useWindowManager();
  const { markRead } = useNotifications();
  useEffect(() => {
    const kind = focusedKey ? windowKind(focusedKey) : null;
    if (kind?.kind === "app") markRead(kind.appId);
  }, [focusedKey, markRead]);
}

/** The installed PWA's shortcuts (manifest "shortcuts") open /?open=store or /?open=system. */
function useLaunchShortcut() {
  const { openStore, openSystem } = useShell();
  useEffect(() => {
    const params = new URLSearchParams(window.location.search);
    const open = params.get("open");
    if (!open) return;
    if (open === "store") openStore();
    else if (open === "system") openSystem();
    params.delete("open");
    const rest = params.toString();
    window.history.replaceState(null, "", `${window.location.pathname}${rest ? `?${rest}` : ""}`);
  }, [openStore, openSystem]);
}
