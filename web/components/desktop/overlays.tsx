"use client";

import dynamic from "next/dynamic";
import { useCallback } from "react";
import { useShell } from "@/web/hooks/use-shell";

// Loaded on first use: none of them is needed to show the desktop.
const SearchPalette = dynamic(() => import("./search-palette").then((m) => m.SearchPalette), { ssr: false });
const Launcher = dynamic(() => import("./launcher").then((m) => m.Launcher), { ssr: false });
const NotificationCenter = dynamic(() => import("./notification-center").then((m) => m.NotificationCenter), { ssr: false });
const ShortcutSheet = dynamic(() => import("./shortcut-sheet").then((m) => m.ShortcutSheet), { ssr: false });
const LinkRequestDialog = dynamic(() => import("./link-request").then((m) => m.LinkRequestDialog), { ssr: false });
const AppSwitcher = dynamic(() => import("./phone-switcher").then((m) => m.AppSwitcher), { ssr: false });

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
