"use client";

import { DesktopWindows } from "./desktop-windows";
import { Dock } from "./dock";
import { Greeting } from "./greeting";
import { TopBar } from "./top-bar";

/** The laptop layout: menu bar, floating windows, dock. */
export function DesktopChrome() {
  return (
    <>
      <TopBar />
      <Greeting />
      <DesktopWindows />
      <Dock />
    </>
  );
}
