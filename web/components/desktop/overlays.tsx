"use client";

import { lazyComponent } from "@/web/lib/lazy";
import { useCallback } from "react";
import { useShell } from "@/web/hooks/use-shell";

// Loaded on first use: none of them is needed to show the desktop.
const SearchPalette = lazyComponent(() => import("./search-palette").then((m) => m.SearchPalette));
const Launcher = lazyComponent(() => import("./launcher").then((m) => m.Launcher));
const NotificationCenter = lazyComponent(() => import("./notification-center").then((m) => m.NotificationCenter));
const ShortcutSheet = lazyComponent(() => import("./shortcut-sheet").then((m) => m.ShortcutSheet));
const LinkRequestDialog = lazyComponent(() => import("./link-request").then((m) => m.LinkRequestDialog));
const AppSwitcher = lazyComponent(() => import("./phone-switcher").then((m) => m.AppSwitcher));

/** The sheet that is open above the windows, if any (one at a time), and an app's pending link request. */
export function Overlays({ phone }: { phone: boolean }) {
  const { overlay, setOverlay, linkRequest } = useShell();
  const close = useCallback(() => setOverlay(null), [setOverlay]);
  return (
    <>
      {overlay === "palette" && <SearchPalette onClose={close} />}
      {overlay === "launcher" && <Launcher onClose={close} />}
      {overlay === "notifications" && <NotificationCenter onClose={close} phone={phone} />}
      {overlay === "shortcuts" && <ShortcutSheet onClose={close} />}
      {overlay === "switcher" && <AppSwitcher onClose={close} />}
      {linkRequest && <LinkRequestDialog />}
    </>
  );
}
