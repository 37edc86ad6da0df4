"use client";

import { useNotifications } from "@/web/hooks/use-notifications";
import { useShell } from "@/web/hooks/use-shell";
import { AppIcon } from "@/web/components/ui/app-icon";
import { Glyph } from "@/web/components/ui/glyphs";
import { SystemTile } from "@/web/components/ui/system-tiles";

/** The toasts themselves (see toasts.tsx): loaded with the first notification, not with the desktop. */
export function ToastList() {
  const { toasts, dismissToast } = useNotifications();
  const { appsById, openApp, setOverlay } = useShell();
  return (
    <>
      {toasts.map((n) => {
        const app = n.appId ? appsById.get(n.appId) : undefined;
        return (
          <div key={n.id} data-testid="toast" className="pcc-sheet-in pointer-events-auto flex items-start gap-3 rounded-2xl bg-surface p-3 text-fg shadow-xl ring-1 ring-line">
            <span className="size-9 shrink-0">
              {app ? <AppIcon name={app.name} iconUrl={app.iconUrl} className="size-9" /> : <SystemTile kind="notifications" className="size-9" />}
            </span>
            <button
              type="button"
              className="min-w-0 flex-1 text-left"
              onClick={() => {
                dismissToast(n.id);
                if (app) openApp(app.id);
                else setOverlay("notifications");
              }}
            >
              <span className="block truncate text-[13px] font-semibold">{n.title}</span>
              {n.body && <span className="line-clamp-2 text-[13px] text-fg-muted">{n.body}</span>}
            </button>
            <button
              type="button"
              aria-label="Dismiss"
              onClick={() => dismissToast(n.id)}
              className="-m-1 flex size-11 shrink-0 items-center justify-center rounded-lg text-fg-subtle hover:bg-surface-3 sm:size-7"
            >
              <Glyph name="close" className="size-4" />
            </button>
          </div>
        );
      })}
    </>
  );
}
