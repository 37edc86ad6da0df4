"use client";

import { createContext, useContext, useEffect, useMemo, useRef, type ReactNode } from "react";
import { acceptBridgeMessage, originOf, type BridgeMessage } from "@/web/lib/app-bridge";
import { appKey } from "@/web/lib/window-kinds";
import { useNotifications } from "./use-notifications";
import { useShell } from "./use-shell";
import { useWindowManager } from "./use-window-manager";

/** One app window's end of the bridge: its iframe (read live: the element changes on reload) and its app. */
export type BridgeRegistration = {
  appId: string;
  origin: string;
  frame: () => HTMLIFrameElement | null;
  onTitle: (title: string) => void;
};

type Registry = { register: (key: string, reg: BridgeRegistration) => () => void };
const Ctx = createContext<Registry | null>(null);

/**
 * Listens for app messages once for the whole shell and routes each to the window whose iframe sent
 * it (see acceptBridgeMessage for the checks). Unmatched messages are ignored.
 */
export function AppBridgeProvider({ children }: { children: ReactNode }) {
  const endpoints = useRef(new Map<string, BridgeRegistration>());
  const shell = useShell();
  const { notify } = useNotifications();
  const { focusedKey } = useWindowManager();
  // The handler reads the latest shell state without re-subscribing on every render.
  const latest = useRef({ shell, notify, focusedKey });
  useEffect(() => {
    latest.current = { shell, notify, focusedKey };
  });

  useEffect(() => {
    const onMessage = (event: MessageEvent) => {
      for (const reg of endpoints.current.values()) {
        const msg = acceptBridgeMessage(event, { source: reg.frame()?.contentWindow ?? null, origin: reg.origin });
        if (msg) return handle(reg, msg);
      }
    };
    const handle = (reg: BridgeRegistration, msg: BridgeMessage) => {
      const { shell, notify, focusedKey } = latest.current;
      if (msg.type === "pcc:title") return reg.onTitle(msg.title);
      if (msg.type === "pcc:notify") {
        // Said while the owner is looking at the app: logged, but no badge to clear.
        const read = focusedKey === appKey(reg.appId) && document.hasFocus();
        return notify({ appId: reg.appId, source: "app", title: msg.title, body: msg.body, read });
      }
      if ("appId" in msg) {
        if (shell.appsById.has(msg.appId)) shell.openApp(msg.appId);
        else shell.openStore(msg.appId);
        return;
      }
      // A page of an installed app opens in that app's window; anything else needs the owner's yes.
      const target = shell.apps.find((a) => a.urls.some((u) => originOf(u.url) === originOf(msg.url)));
      if (target) shell.openApp(target.id, msg.url);
      else shell.setLinkRequest({ appId: reg.appId, url: msg.url });
    };
    window.addEventListener("message", onMessage);
    return () => window.removeEventListener("message", onMessage);
  }, []);

  const registry = useMemo<Registry>(
    () => ({
      register(key, reg) {
        endpoints.current.set(key, reg);
        return () => {
          if (endpoints.current.get(key) === reg) endpoints.current.delete(key);
        };
      },
    }),
    [],
  );
  return <Ctx.Provider value={registry}>{children}</Ctx.Provider>;
}

export function useBridgeRegistry(): Registry {
  const r = useContext(Ctx);
  if (!r) throw new Error("useBridgeRegistry must be used inside <AppBridgeProvider>");
  return r;
}
