"use client";

import { useNotifications } from "@/web/hooks/use-notifications";
import { useShell } from "@/web/hooks/use-shell";
import { AppIcon } from "@/web/components/ui/app-icon";
import { Button } from "@/web/components/ui/button";
import { Glyph } from "@/web/components/ui/glyphs";
import { Modal } from "@/web/components/ui/modal";
import { SystemTile } from "@/web/components/ui/system-tiles";

/** Every notification this device has seen: from apps (over the bridge) and from installs, updates and failures. */
export function NotificationCenter({ onClose, phone }: { onClose: () => void; phone: boolean }) {
  const { items, unread, markRead, dismiss, clear } = useNotifications();
  const { appsById, openApp } = useShell();

  return (
    <Modal onClose={onClose} labelledBy="notifications-title" testId="notification-center" variant={phone ? "sheet" : "panel"} className="flex max-h-[calc(100dvh-var(--top-reserve)-1rem)] flex-col">
      <div className="flex items-center gap-2 border-b border-line px-4 py-3">
        <h2 id="notifications-title" className="flex-1 text-base font-semibold">
          Notifications
        </h2>
        {unread > 0 && (
          <Button variant="ghost" onClick={() => markRead()}>
            Mark all read
          </Button>
        )}
        {items.length > 0 && (
          <Button variant="ghost" data-testid="notifications-clear" onClick={clear}>
            Clear all
          </Button>
        )}
      </div>
      {items.length === 0 ? (
        <p className="px-4 py-10 text-center text-sm text-fg-muted">You are all caught up.</p>
      ) : (
        <ul className="min-h-0 flex-1 divide-y divide-line overflow-y-auto">
          {items.map((n) => {
            const app = n.appId ? appsById.get(n.appId) : undefined;
            return (
              <li key={n.id} data-testid="notification" data-read={n.read} className="flex items-start gap-3 px-4 py-3">
                <span className="relative mt-0.5 size-9 shrink-0">
                  {app ? <AppIcon name={app.name} iconUrl={app.iconUrl} className="size-9" /> : <SystemTile kind="notifications" className="size-9" />}
                  {!n.read && <span aria-label="Unread" className="absolute -top-1 -left-1 size-2.5 rounded-full bg-indigo-500 ring-2 ring-surface" />}
                </span>
                <button
                  type="button"
                  disabled={!app}
                  onClick={() => app && openApp(app.id)}
                  className="min-w-0 flex-1 text-left disabled:cursor-default"
                >
                  <span className="flex items-baseline gap-2">
                    <span className="min-w-0 flex-1 truncate text-sm font-semibold text-fg">{n.title}</span>
                    <time className="shrink-0 text-[11px] text-fg-subtle" dateTime={new Date(n.at).toISOString()}>
                      {ago(n.at)}
                    </time>
                  </span>
                  <span className="block text-[12px] text-fg-subtle">{app?.name ?? (n.source === "system" ? "PCC" : n.appId)}</span>
                  {n.body && <span className="mt-0.5 block text-[13px] break-words text-fg-muted">{n.body}</span>}
                </button>
                <button
                  type="button"
                  aria-label={`Dismiss “${n.title}”`}
                  onClick={() => dismiss(n.id)}
                  className="-m-1 flex size-11 shrink-0 items-center justify-center rounded-lg text-fg-subtle hover:bg-surface-3 sm:size-7"
                >
                  <Glyph name="close" className="size-4" />
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </Modal>
  );
}

function ago(at: number): string {
  const s = Math.max(0, Math.round((Date.now() - at) / 1000));
  if (s < 60) return "now";
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h`;
  return new Date(at).toLocaleDateString();
}
