"use client";

import { lazyComponent } from "@/web/lib/lazy";
import { useShell } from "@/web/hooks/use-shell";
import { useWindowManager, type Win } from "@/web/hooks/use-window-manager";
import { windowKind } from "@/web/lib/window-kinds";
import { Spinner } from "@/web/components/ui/spinner";

function Loading() {
  return (
    <div className="flex h-full items-center justify-center text-fg-subtle" role="status" aria-label="Loading">
      <Spinner className="size-6" />
    </div>
  );
}

// Split out of the desktop's first load: most sessions open an app, not the store or settings.
const StoreWindow = lazyComponent(() => import("@/web/components/store/store-window").then((m) => m.StoreWindow), { loading: Loading });
const SettingsWindow = lazyComponent(() => import("@/web/components/system/settings-window").then((m) => m.SettingsWindow), { loading: Loading });
const ContactsWindow = lazyComponent(() => import("@/web/components/contacts/contacts-window").then((m) => m.ContactsWindow), { loading: Loading });
const AppSettingsWindow = lazyComponent(() => import("@/web/components/apps/app-settings-window").then((m) => m.AppSettingsWindow), { loading: Loading });

/** The title a window shows in its title bar, the dock menu and the switcher. */
export function useWindowTitle(key: string): string {
  const { appsById } = useShell();
  const kind = windowKind(key);
  if (!kind) return key;
  if (kind.kind === "store") return "App Store";
  if (kind.kind === "system") return "Settings";
  if (kind.kind === "contacts") return "Contacts";
  const name = appsById.get(kind.appId)?.name ?? kind.appId;
  return kind.kind === "settings" ? `${name} settings` : name;
}

/** What a non-app window shows, the same on the desktop (in a window) and on a phone (in a sheet). */
export function WindowBody({ win }: { win: Win }) {
  const shell = useShell();
  const wm = useWindowManager();
  const kind = windowKind(win.key);
  if (!kind || kind.kind === "app") return null;
  if (kind.kind === "store")
    return <StoreWindow onOpen={shell.openApp} focusAppId={shell.storeFocus} follows={shell.storeFollows} view={win.view} onView={(v: string) => wm.setView(win.key, v)} />;
  if (kind.kind === "contacts") return <ContactsWindow />;
  if (kind.kind === "system") return <SettingsWindow view={win.view} onView={(v: string) => wm.setView(win.key, v)} />;
  return (
    <AppSettingsWindow
      id={kind.appId}
      view={win.view}
      onView={(v: string) => wm.setView(win.key, v)}
      onOpen={() => shell.openApp(kind.appId)}
      onUninstalled={() => {
        wm.close(`app-${kind.appId}`);
        wm.close(win.key);
      }}
    />
  );
}
