"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect } from "react";
import type { AvailableUpdate } from "@/server/modules/updates/updates.service";
import { useTRPC } from "@/web/lib/trpc";
import { useNotifications } from "./use-notifications";

const SEEN_KEY = "pcc.updates.announced";
const RECENT_MS = 7 * 24 * 3600_000;

type HistoryEntry = { appId: string; fromVersion: string; toVersion: string; outcome: "updated" | "rolled-back" | "failed"; message: string | null; at: string | Date };

function readSeen(): string[] {
  try {
    return JSON.parse(localStorage.getItem(SEEN_KEY) ?? "[]") as string[];
  } catch {
    return []; // A value this browser cannot read is as good as none.
  }
}

/**
 * Tells the owner once about each update that waits for them (policy "notify", or a new version that asks
 * for new access), and about each update that was rolled back (the new version did not start; the app
 * is back on the old one). Announced ones are remembered in this browser, so a reload does not repeat them.
 */
export function useUpdateNotices(enabled: boolean) {
  const trpc = useTRPC();
  const { notify } = useNotifications();
  const list = useQuery(trpc.updates.list.queryOptions(undefined, { enabled, refetchInterval: 5 * 60_000 }));
  const history = useQuery(trpc.updates.history.queryOptions({}, { enabled, refetchInterval: 60_000 }));
  useEffect(() => {
    const entries = history.data as HistoryEntry[] | undefined;
    if (!entries) return;
    const seen = readSeen();
    const key = (h: HistoryEntry) => `${h.appId}@${h.toVersion}@${new Date(h.at).getTime()}`;
    const fresh = entries.filter((h) => h.outcome !== "updated" && Date.now() - new Date(h.at).getTime() < RECENT_MS && !seen.includes(key(h)));
    for (const h of fresh) {
      notify({ appId: h.appId, source: "system", title: `The update to ${h.toVersion} was rolled back`, body: h.message ?? `${h.appId} is back on ${h.fromVersion}, with its data as it was.` });
    }
    if (fresh.length) localStorage.setItem(SEEN_KEY, JSON.stringify([...seen, ...fresh.map(key)].slice(-100)));
  }, [history.data, notify]);
  useEffect(() => {
    const updates = list.data as AvailableUpdate[] | undefined;
    if (!updates) return;
    const seen = readSeen();
    const fresh = updates.filter((u) => !seen.includes(`${u.appId}@${u.to}`));
    for (const u of fresh) {
      const asks = u.newPermissions.length ? ` It asks for ${u.newPermissions.join(", ")}.` : "";
      notify({ appId: u.appId, source: "system", title: `${u.name} ${u.to} is available`, body: `Install it from Settings → Updates.${asks}` });
    }
    if (fresh.length) localStorage.setItem(SEEN_KEY, JSON.stringify([...seen, ...fresh.map((u) => `${u.appId}@${u.to}`)].slice(-100)));
  }, [list.data, notify]);
}
