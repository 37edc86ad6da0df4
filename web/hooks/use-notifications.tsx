"use client";

import { createContext, useCallback, useContext, useEffect, useMemo, useReducer, useState, type ReactNode } from "react";
import {
  addNotification,
  dismiss,
  markRead,
  parseStoredNotifications,
  unreadByApp,
  type NotificationState,
  type ShellNotification,
} from "@/web/lib/notifications";

const STORAGE_KEY = "pcc:notifications:v1";
/** How long a new notification shows as a toast before it only lives in the notification centre. */
const TOAST_MS = 6000;

type Action =
  | { type: "add"; n: ShellNotification }
  | { type: "read"; appId?: string | null }
  | { type: "dismiss"; id: string }
  | { type: "clear" };

function reducer(state: NotificationState, action: Action): NotificationState {
  switch (action.type) {
    case "add":
      return addNotification(state, action.n);
    case "read":
      return markRead(state, action.appId);
    case "dismiss":
      return dismiss(state, action.id);
    case "clear":
      return { items: [] };
  }
}

export type NewNotification = Pick<ShellNotification, "appId" | "source" | "title" | "body"> & { read?: boolean };

type Notifications = {
  items: ShellNotification[];
  unread: number;
  unreadByApp: Map<string, number>;
  toasts: ShellNotification[];
  notify: (n: NewNotification) => void;
  markRead: (appId?: string | null) => void;
  dismiss: (id: string) => void;
  dismissToast: (id: string) => void;
  clear: () => void;
};

const Ctx = createContext<Notifications | null>(null);
let seq = 0;

/**
 * The shell's own notifications (from apps over the bridge and from app status changes), kept per
 * device in localStorage. The server has no notification store yet, so they do not follow the owner
 * to another device.
 */
export function NotificationsProvider({ children }: { children: ReactNode }) {
  const [state, dispatch] = useReducer(reducer, undefined, () => {
    try {
      return parseStoredNotifications(window.localStorage.getItem(STORAGE_KEY));
    } catch {
      return { items: [] };
    }
  });
  const [toastIds, setToastIds] = useState<string[]>([]);

  useEffect(() => {
    try {
      window.localStorage.setItem(STORAGE_KEY, JSON.stringify(state.items));
    } catch {
      // Not remembered across reloads, still shown now.
    }
  }, [state]);

  const notify = useCallback((n: NewNotification) => {
    const item: ShellNotification = { id: `${Date.now().toString(36)}-${(seq++).toString(36)}`, at: Date.now(), ...n, read: n.read ?? false };
    dispatch({ type: "add", n: item });
    setToastIds((ids) => [item.id, ...ids].slice(0, 3));
    setTimeout(() => setToastIds((ids) => ids.filter((id) => id !== item.id)), TOAST_MS);
  }, []);
  const markAsRead = useCallback((appId?: string | null) => dispatch({ type: "read", appId }), []);
  const dismissOne = useCallback((id: string) => dispatch({ type: "dismiss", id }), []);
  const dismissToast = useCallback((id: string) => setToastIds((ids) => ids.filter((x) => x !== id)), []);
  const clear = useCallback(() => dispatch({ type: "clear" }), []);

  const value = useMemo<Notifications>(() => {
    const byId = new Map(state.items.map((i) => [i.id, i]));
    return {
      items: state.items,
      unread: state.items.filter((i) => !i.read).length,
      unreadByApp: unreadByApp(state),
      // A rate-limited notification was never stored, so it never shows as a toast either.
      toasts: toastIds.map((id) => byId.get(id)).filter((n): n is ShellNotification => !!n),
      notify,
      markRead: markAsRead,
      dismiss: dismissOne,
      dismissToast,
      clear,
    };
  }, [state, toastIds, notify, markAsRead, dismissOne, dismissToast, clear]);

  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useNotifications(): Notifications {
  const n = useContext(Ctx);
  if (!n) throw new Error("useNotifications must be used inside <NotificationsProvider>");
  return n;
}
