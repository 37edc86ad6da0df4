"use client";

import { lazyComponent } from "@/web/lib/lazy";
import { useWindowManager } from "@/web/hooks/use-window-manager";
import { Dock } from "./dock";
import { Greeting } from "./greeting";
import { TopBar } from "./top-bar";

// Window frames, app frames and resizing load with the first window opened, not with an empty desktop.
const DesktopWindows = lazyComponent(() => import("./desktop-windows").then((m) => m.DesktopWindows));

/** The laptop layout: menu bar, floating windows, dock. */
export function DesktopChrome() {
  const { windows } = useWindowManager();
  return (
    <>
      <TopBar />
      <Greeting />
      {windows.length > 0 && <DesktopWindows />}
      <Dock />
    </>
  );
}
