"use client";

import { useEffect, useRef } from "react";
import { diffAppEvents, snapshotApps, type AppSnapshot } from "@/web/lib/app-events";
import type { InstalledApp } from "./use-apps";
import { useNotifications } from "./use-notifications";

/**
 * Posts install, failure, update and uninstall notifications by watching apps.list change between
 * polls. The first answer is only a baseline: a reload must not announce every app again.
 */
export function useAppEvents(apps: InstalledApp[] | undefined) {
  const { notify } = useNotifications();
  const prev = useRef<Map<string, AppSnapshot> | null>(null);
  useEffect(() => {
    if (!apps) return;
    const next = snapshotApps(apps);
    if (prev.current) {
      for (const e of diffAppEvents(prev.current, next)) notify({ appId: e.appId, source: "system", title: e.title, body: e.body });
    }
    prev.current = next;
  }, [apps, notify]);
}
