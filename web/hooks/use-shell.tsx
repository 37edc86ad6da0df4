"use client";

import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";
import { appKey, CONTACTS_KEY, settingsKey, SIZES, STORE_KEY, SYSTEM_KEY } from "@/web/lib/window-kinds";
import { useInstalledApps, type InstalledApp } from "./use-apps";
import { useNotifications } from "./use-notifications";
import { useWindowManager } from "./use-window-manager";

/** Sheets that float above the windows; only one at a time. */
export type Overlay = "palette" | "launcher" | "notifications" | "shortcuts" | "switcher";

/** An app asked (over the bridge) to open a page outside PCC: the owner decides. */
export type LinkRequest = { appId: string; url: string };

export type FollowKind = "feed" | "activitypub";

type Shell = {
  apps: InstalledApp[];
  appsById: Map<string, InstalledApp>;
  appsLoaded: boolean;
  overlay: Overlay | null;
  setOverlay: (o: Overlay | null) => void;
  toggleOverlay: (o: Overlay) => void;
  openApp: (id: string, url?: string) => void;
  openStore: (focusAppId?: string) => void;
  /** The App Store showing only apps that can follow this kind of entry (from a friend's card). */
  openStoreFollowing: (kind: FollowKind) => void;
  openContacts: () => void;
  openSystem: (view?: string) => void;
  openAppSettings: (id: string, view?: string) => void;
  /** Where an app window should navigate next (from pcc:open), with a counter so the same URL can repeat. */
  navRequests: ReadonlyMap<string, { url: string; n: number }>;
  storeFocus: string | null;
  storeFollows: FollowKind | null;
  linkRequest: LinkRequest | null;
  setLinkRequest: (r: LinkRequest | null) => void;
};

const Ctx = createContext<Shell | null>(null);

export function ShellProvider({ children }: { children: ReactNode }) {
  const wm = useWindowManager();
  const { markRead } = useNotifications();
  const list = useInstalledApps();
  const apps = useMemo(() => (list.data ?? []) as InstalledApp[], [list.data]);
  const appsById = useMemo(() => new Map(apps.map((a) => [a.id, a])), [apps]);
  const [overlay, setOverlay] = useState<Overlay | null>(null);
  const [navRequests, setNavRequests] = useState<Map<string, { url: string; n: number }>>(new Map());
  const [storeFocus, setStoreFocus] = useState<string | null>(null);
  const [storeFollows, setStoreFollows] = useState<FollowKind | null>(null);
  const [linkRequest, setLinkRequest] = useState<LinkRequest | null>(null);

  const { open } = wm;
  const openApp = useCallback(
    (id: string, url?: string) => {
      setOverlay(null);
      open(appKey(id), { size: SIZES.app });
      // Opening an app is reading what it had to say.
      markRead(id);
      if (url) setNavRequests((m) => new Map(m).set(id, { url, n: (m.get(id)?.n ?? 0) + 1 }));
    },
    [open, markRead],
  );
  const openStore = useCallback(
    (focusAppId?: string) => {
      setOverlay(null);
      setStoreFocus(focusAppId ?? null);
      setStoreFollows(null);
      open(STORE_KEY, { size: SIZES.store });
    },
    [open],
  );
  const openStoreFollowing = useCallback(
    (kind: FollowKind) => {
      setOverlay(null);
      setStoreFocus(null);
      setStoreFollows(kind);
      open(STORE_KEY, { size: SIZES.store, view: "" });
    },
    [open],
  );
  const openContacts = useCallback(() => {
    setOverlay(null);
    open(CONTACTS_KEY, { size: SIZES.contacts });
  }, [open]);
  const openSystem = useCallback(
    (view?: string) => {
      setOverlay(null);
      open(SYSTEM_KEY, { size: SIZES.system, view });
    },
    [open],
  );
  const openAppSettings = useCallback(
    (id: string, view?: string) => {
      setOverlay(null);
      open(settingsKey(id), { size: SIZES.settings, view });
    },
    [open],
  );
  const toggleOverlay = useCallback((o: Overlay) => setOverlay((cur) => (cur === o ? null : o)), []);

  const value = useMemo<Shell>(
    () => ({
      apps,
      appsById,
      appsLoaded: list.isSuccess,
      overlay,
      setOverlay,
      toggleOverlay,
      openApp,
      openStore,
      openStoreFollowing,
      openContacts,
      openSystem,
      openAppSettings,
      navRequests,
      storeFocus,
      storeFollows,
      linkRequest,
      setLinkRequest,
    }),
    [apps, appsById, list.isSuccess, overlay, toggleOverlay, openApp, openStore, openStoreFollowing, openContacts, openSystem, openAppSettings, navRequests, storeFocus, storeFollows, linkRequest],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useShell(): Shell {
  const s = useContext(Ctx);
  if (!s) throw new Error("useShell must be used inside <ShellProvider>");
  return s;
}
