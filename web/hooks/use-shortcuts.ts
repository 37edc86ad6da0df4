"use client";

import { useEffect, useRef } from "react";
import { isTyping } from "@/web/lib/keys";
import type { SnapKey } from "@/web/lib/window-geometry";
import { useShell } from "./use-shell";
import { useWindowManager } from "./use-window-manager";

const ARROWS: Record<string, SnapKey> = { ArrowLeft: "left", ArrowRight: "right", ArrowUp: "up", ArrowDown: "down" };

/**
 * The desktop's global shortcuts (listed for the help sheet in web/lib/shortcuts.ts). Keys pressed while an app's
 * iframe has focus go to the app, not here: browsers give the shell no way to see them.
 * Letters use `code`, not `key`, so they work on any layout and with Option on a Mac.
 */
export function useShortcuts(enabled: boolean) {
  const wm = useWindowManager();
  const shell = useShell();
  const latest = useRef({ wm, shell });
  useEffect(() => {
    latest.current = { wm, shell };
  });

  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      const { wm, shell } = latest.current;
      const mod = e.ctrlKey || e.metaKey;
      if (mod && !e.altKey && !e.shiftKey && e.code === "KeyK") {
        e.preventDefault();
        return shell.toggleOverlay("palette");
      }
      if (e.key === "?" && !mod && !e.altKey && !isTyping(e.target)) {
        e.preventDefault();
        return shell.toggleOverlay("shortcuts");
      }
      if (!(e.ctrlKey && e.altKey) || e.metaKey) return;
      const arrow = ARROWS[e.key];
      if (arrow) {
        e.preventDefault();
        return wm.snapByKey(arrow);
      }
      const focused = wm.focusedKey;
      switch (e.code) {
        case "KeyA":
          e.preventDefault();
          return shell.toggleOverlay("launcher");
        case "KeyN":
          e.preventDefault();
          return shell.toggleOverlay("notifications");
        case "KeyM":
          e.preventDefault();
          if (focused) wm.minimize(focused);
          return;
        case "KeyW":
          e.preventDefault();
          if (focused) wm.close(focused);
          return;
        case "Backquote": {
          e.preventDefault();
          // Bring up the window that has been waiting longest: cycling through everything in turn.
          const next = [...wm.windows].sort((a, b) => a.z - b.z)[0];
          if (next && next.key !== focused) wm.focus(next.key);
          return;
        }
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [enabled]);
}
