"use client";

import { useCallback, useState } from "react";
import { AppBridgeProvider } from "@/web/hooks/use-app-bridge";
import { useShell } from "@/web/hooks/use-shell";
import { useWindowManager, type Win } from "@/web/hooks/use-window-manager";
import { displayOrigin } from "@/web/lib/app-bridge";
import { windowKind } from "@/web/lib/window-kinds";
import { AppWindow } from "@/web/components/apps/app-window";
import { useWindowTitle, WindowBody } from "./window-body";
import { TitleButton, WindowFrame } from "./window-frame";

/**
 * The desktop's window layer: every window, and the outline that previews where a drag will snap.
 * App frames talk to the shell through the bridge, which lives here, with the frames.
 */
export function DesktopWindows() {
  return (
    <AppBridgeProvider>
      <WindowLayer />
    </AppBridgeProvider>
  );
}

function WindowLayer() {
  const wm = useWindowManager();
  return (
    <div data-testid="window-area" className="absolute inset-x-0 top-[var(--top-reserve)] bottom-[var(--dock-reserve)]">
      {wm.windows.map((win) =>
        win.key.startsWith("app-") ? (
          <DesktopAppWindow key={win.key} win={win} focused={wm.focusedKey === win.key} />
        ) : (
          <PlainWindow key={win.key} win={win} focused={wm.focusedKey === win.key} />
        ),
      )}
      <div
        ref={wm.previewRef}
        data-testid="snap-preview"
        aria-hidden="true"
        style={{ display: "none", zIndex: 89_999 }}
        className="pointer-events-none absolute top-0 left-0 rounded-xl border-2 border-white/80 bg-indigo-400/25 shadow-[inset_0_0_0_1px_rgb(79_70_229/0.6)] backdrop-blur-[2px] transition-[transform,width,height] duration-100"
      />
    </div>
  );
}

function PlainWindow({ win, focused }: { win: Win; focused: boolean }) {
  const title = useWindowTitle(win.key);
  return (
    <WindowFrame win={win} title={title} focused={focused}>
      <WindowBody win={win} />
    </WindowFrame>
  );
}

function DesktopAppWindow({ win, focused }: { win: Win; focused: boolean }) {
  const { appsById, openAppSettings } = useShell();
  const appId = windowKind(win.key)?.kind === "app" ? win.key.slice(4) : "";
  const app = appsById.get(appId);
  const name = useWindowTitle(win.key);
  const [appTitle, setAppTitle] = useState("");
  const [nonce, setNonce] = useState(0);
  const reload = useCallback(() => {
    // The app says its title again once it has loaded.
    setAppTitle("");
    setNonce((n) => n + 1);
  }, []);
  return (
    <WindowFrame
      win={win}
      title={appTitle ? `${name} – ${appTitle}` : name}
      origin={app?.url ? displayOrigin(app.url) : undefined}
      focused={focused}
      actions={
        <>
          <TitleButton label="Reload" glyph="reload" testId={`app-reload-${appId}`} onClick={reload} />
          <TitleButton label="App settings" glyph="more" testId={`app-settings-${appId}`} onClick={() => openAppSettings(appId)} />
        </>
      }
    >
      <AppWindow appId={appId} windowKey={win.key} nonce={nonce} onTitle={setAppTitle} onReload={reload} />
    </WindowFrame>
  );
}
