/** In-shell notifications: pure state transitions, persisted per device by web/hooks/use-notifications.tsx. */

export type ShellNotification = {
  id: string;
  /** The app it is about, or null for the PCC itself. */
  appId: string | null;
  source: "app" | "system";
  title: string;
  body: string;
  at: number;
  read: boolean;
};

export type NotificationState = { items: ShellNotification[] };

export const KEEP = 50;
/** An app may post at most this many notifications per window of time; the rest are dropped. */
export const RATE_LIMIT = 5;
export const RATE_WINDOW_MS = 60_000;

export function addNotification(state: NotificationState, n: ShellNotification): NotificationState {
  if (n.source === "app" && n.appId) {
    const recent = state.items.filter((i) => i.source === "app" && i.appId === n.appId && n.at - i.at < RATE_WINDOW_MS).length;
    if (recent >= RATE_LIMIT) return state;
  }
  return { items: [n, ...state.items].slice(0, KEEP) };
}

export function markRead(state: NotificationState, appId?: string | null): NotificationState {
  let changed = false;
  const items = state.items.map((i) => {
    if (i.read || (appId !== undefined && i.appId !== appId)) return i;
    changed = true;
    return { ...i, read: true };
  });
  return changed ? { items } : state;
}

export function dismiss(state: NotificationState, id: string): NotificationState {
  return { items: state.items.filter((i) => i.id !== id) };
}

export function unreadByApp(state: NotificationState): Map<string, number> {
  const counts = new Map<string, number>();
  for (const i of state.items) if (!i.read && i.appId) counts.set(i.appId, (counts.get(i.appId) ?? 0) + 1);
  return counts;
}

/** Reads what localStorage holds, trusting nothing: it may be old, edited or from another version. */
export function parseStoredNotifications(raw: string | null): NotificationState {
  if (!raw) return { items: [] };
  try {
    const data = JSON.parse(raw) as unknown;
    if (!Array.isArray(data)) return { items: [] };
    const items = data.filter(
      (i): i is ShellNotification =>
        typeof i === "object" &&
        i !== null &&
        typeof i.id === "string" &&
        (i.appId === null || typeof i.appId === "string") &&
        (i.source === "app" || i.source === "system") &&
        typeof i.title === "string" &&
        typeof i.body === "string" &&
        typeof i.at === "number" &&
        typeof i.read === "boolean",
    );
    return { items: items.slice(0, KEEP) };
  } catch {
    return { items: [] };
  }
}
