"use client";

import { useQueryClient } from "@tanstack/react-query";
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from "react";
import type { PccEvents } from "@/server/events";
import { useTRPC, useTRPCClient } from "@/web/lib/trpc";
// Subscriptions travel over SSE: this registers the link that carries them.
import "@/web/lib/trpc-sse";
import { isBusy, type InstalledApp } from "./use-apps";

export type LiveProgress = { step: string; percent: number | null };
export type LiveDone = { action: string; ok: boolean; message: string | null };
export type AppLive = {
  progress: ReadonlyMap<string, LiveProgress>;
  done: ReadonlyMap<string, LiveDone>;
  /** Whether the apps.events stream is open; the list's polling covers the time it is not. */
  connected: boolean;
};

type EventMessage =
  | { type: "progress"; data: PccEvents["app.progress"] }
  | { type: "state"; data: PccEvents["app.state"] }
  | { type: "done"; data: PccEvents["app.done"] };

const EMPTY: AppLive = { progress: new Map(), done: new Map(), connected: false };
const Ctx = createContext<AppLive>(EMPTY);

/**
 * Follows apps.events (SSE) for the windows under it: each app's current step and download percent as
 * they happen, and how installs end. A progress burst (every chunk of a download) is applied once per
 * frame. State changes and finished operations refresh apps.list and the catalog at once, so the store
 * does not wait for the next poll.
 */
export function AppLiveProvider({ children }: { children: ReactNode }) {
  const client = useTRPCClient();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [live, setLive] = useState<AppLive>(EMPTY);
  const pending = useRef<EventMessage[]>([]);
  const frame = useRef(0);

  useEffect(() => {
    const refresh = (catalog: boolean) => {
      void queryClient.invalidateQueries({ queryKey: trpc.apps.list.queryKey() });
      if (catalog) void queryClient.invalidateQueries({ queryKey: trpc.apps.catalog.queryKey() });
    };
    const flush = () => {
      frame.current = 0;
      const batch = pending.current;
      pending.current = [];
      setLive((cur) => {
        const progress = new Map(cur.progress);
        const done = new Map(cur.done);
        for (const e of batch) {
          if (e.type === "progress") {
            progress.set(e.data.appId, { step: e.data.step, percent: e.data.percent ?? null });
            done.delete(e.data.appId);
          } else if (e.type === "done") {
            progress.delete(e.data.appId);
            done.set(e.data.appId, { action: e.data.action, ok: e.data.ok, message: e.data.message ?? null });
          } else if (e.data.status !== "starting") {
            progress.delete(e.data.appId);
          }
        }
        return { ...cur, progress, done };
      });
    };
    const sub = client.apps.events.subscribe(undefined, {
      onStarted: () => setLive((cur) => (cur.connected ? cur : { ...cur, connected: true })),
      onConnectionStateChange: (s) => {
        if (s.state !== "pending") setLive((cur) => (cur.connected ? { ...cur, connected: false } : cur));
      },
      onError: () => setLive((cur) => ({ ...cur, connected: false })),
      onData: (raw) => {
        const e = raw as EventMessage;
        if (e.type === "state") refresh(false);
        if (e.type === "done") refresh(true);
        pending.current.push(e);
        frame.current ||= requestAnimationFrame(flush);
      },
    });
    return () => {
      sub.unsubscribe();
      cancelAnimationFrame(frame.current);
      frame.current = 0;
    };
  }, [client, trpc, queryClient]);

  return <Ctx.Provider value={live}>{children}</Ctx.Provider>;
}

export function useAppLive(): AppLive {
  return useContext(Ctx);
}

/**
 * The step and percent to show for a busy app: the live event when there is one, else what the last
 * poll of apps.list said (the fallback while the event stream is down).
 */
export function progressOf(app: InstalledApp | undefined, live: AppLive, id: string): LiveProgress | null {
  const l = live.progress.get(id);
  if (app && !isBusy(app.status)) return null;
  if (l) return l;
  if (!app) return null;
  return { step: app.progress ?? STEP[app.status] ?? "Working", percent: app.percent };
}

const STEP: Partial<Record<InstalledApp["status"], string>> = {
  installing: "Installing",
  starting: "Starting",
  restarting: "Restarting",
  stopping: "Stopping",
  removing: "Uninstalling",
};
