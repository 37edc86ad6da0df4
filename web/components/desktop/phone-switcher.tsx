"use client";

import { useNotifications } from "@/web/hooks/use-notifications";
import { useShell } from "@/web/hooks/use-shell";
import { useWindowManager } from "@/web/hooks/use-window-manager";
import { displayOrigin } from "@/web/lib/app-bridge";
import { AppIcon } from "@/web/components/ui/app-icon";
import { Glyph } from "@/web/components/ui/glyphs";
import { Modal } from "@/web/components/ui/modal";

/** The phone's app switcher: every open app, most recent first; tap to return, × to close. */
export function AppSwitcher({ onClose }: { onClose: () => void }) {
  const wm = useWindowManager();
  const { appsById, openApp } = useShell();
  const { unreadByApp } = useNotifications();
  const open = wm.windows.filter((w) => w.key.startsWith("app-")).sort((a, b) => b.z - a.z);

  return (
    <Modal onClose={onClose} labelledBy="switcher-title" testId="app-switcher" variant="sheet">
      <div className="flex items-center border-b border-line py-2 pr-2 pl-5">
        <h2 id="switcher-title" className="flex-1 text-base font-semibold">
          Open apps
        </h2>
        <button type="button" aria-label="Close" onClick={onClose} className="flex size-12 items-center justify-center rounded-xl text-fg-muted active:bg-surface-3">
          <Glyph name="close" className="size-5" />
        </button>
      </div>
      {open.length === 0 ? (
        <p className="px-5 py-10 text-center text-sm text-fg-muted">No apps are open.</p>
      ) : (
        <ul className="max-h-[70dvh] space-y-2 overflow-y-auto p-3">
          {open.map((w) => {
            const id = w.key.slice("app-".length);
            const app = appsById.get(id);
            const badge = unreadByApp.get(id);
            return (
              <li key={w.key} className="flex items-center gap-2 rounded-2xl bg-surface-2 p-2 ring-1 ring-line">
                <button type="button" data-testid={`switcher-app-${id}`} onClick={() => openApp(id)} className="flex min-h-12 min-w-0 flex-1 items-center gap-3 rounded-xl px-1 text-left">
                  <AppIcon name={app?.name ?? id} iconUrl={app?.iconUrl ?? null} className="size-10" />
                  <span className="min-w-0">
                    <span className="block truncate text-sm font-semibold text-fg">
                      {app?.name ?? id}
                      {badge ? ` · ${badge} new` : ""}
                    </span>
                    {app?.url && <span className="block truncate font-mono text-[11px] text-fg-muted">{displayOrigin(app.url)}</span>}
                  </span>
                </button>
                <button
                  type="button"
                  aria-label={`Close ${app?.name ?? id}`}
                  data-testid={`switcher-close-${id}`}
                  onClick={() => wm.close(w.key)}
                  className="flex size-12 shrink-0 items-center justify-center rounded-xl text-fg-muted active:bg-surface-3"
                >
                  <Glyph name="close" className="size-5" />
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </Modal>
  );
}
