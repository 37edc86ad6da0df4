"use client";

import { lazyComponent } from "@/web/lib/lazy";
import { useEffect, useRef, useState } from "react";
import { useAppReachability } from "@/web/hooks/use-app-reachability";
import { useBridgeRegistry } from "@/web/hooks/use-app-bridge";
import { isServing } from "@/web/hooks/use-apps";
import { useShell } from "@/web/hooks/use-shell";
import { originOf } from "@/web/lib/app-bridge";

// Pages for when the app cannot be shown: rare, so loaded only when needed.
const AppDown = lazyComponent(() => import("./app-unavailable").then((m) => m.AppDown));
const NoWebPage = lazyComponent(() => import("./app-unavailable").then((m) => m.NoWebPage));
const CertificateNotTrusted = lazyComponent(() => import("./app-unavailable").then((m) => m.CertificateNotTrusted));
const AppNotAnswering = lazyComponent(() => import("./app-unavailable").then((m) => m.AppNotAnswering));

/**
 * Apps are real sites on their own subdomains, so the sandbox keeps what a web app needs and drops
 * what would let it act on the shell:
 * - allow-scripts + allow-same-origin: the app runs its code with its own origin, cookies and storage
 *   (its PCC credential is a cookie on its host). Safe only because that origin is never the shell's.
 * - allow-forms, allow-modals: ordinary app UI (sign-in forms, confirm dialogs).
 * - allow-popups + allow-popups-to-escape-sandbox: links and sign-in flows that open a tab get a
 *   normal tab, not a crippled sandboxed one.
 * - allow-downloads: exports and backups.
 * Left out: allow-top-navigation(-by-user-activation), so an app can never replace the shell with a
 * look-alike page (it asks with pcc:open instead); allow-pointer-lock, allow-presentation and
 * allow-orientation-lock, which no app in the catalog needs.
 */
export const APP_SANDBOX = "allow-scripts allow-same-origin allow-forms allow-modals allow-popups allow-popups-to-escape-sandbox allow-downloads";

/** Seconds without a load event before the window says the app is not answering. */
const LOAD_TIMEOUT_MS = 20_000;

type Props = { appId: string; windowKey: string; nonce: number; onTitle: (title: string) => void; onReload: () => void };

export function AppWindow({ appId, windowKey, nonce, onTitle, onReload }: Props) {
  const { appsById, navRequests, openAppSettings } = useShell();
  const app = appsById.get(appId);
  if (!app) return <Centered>This app is no longer installed.</Centered>;
  if (!isServing(app.status)) return <AppDown app={app} onSettings={() => openAppSettings(appId)} />;
  if (!app.url) return <NoWebPage app={app} onSettings={() => openAppSettings(appId)} />;
  return <AppFrame key={nonce} appId={appId} name={app.name} url={app.url} windowKey={windowKey} nav={navRequests.get(appId)} attempt={nonce} onTitle={onTitle} onReload={onReload} />;
}

function AppFrame({
  appId,
  name,
  url,
  windowKey,
  nav,
  attempt,
  onTitle,
  onReload,
}: {
  appId: string;
  name: string;
  url: string;
  windowKey: string;
  nav: { url: string; n: number } | undefined;
  attempt: number;
  onTitle: (title: string) => void;
  onReload: () => void;
}) {
  const frame = useRef<HTMLIFrameElement>(null);
  const registry = useBridgeRegistry();
  const reach = useAppReachability(url, attempt);
  const [loaded, setLoaded] = useState(false);
  const [slow, setSlow] = useState(false);
  // A pcc:open for a page of this app navigates its window; the counter lets the same URL repeat.
  // A request that opened this window (Contacts' "Subscribe with …") is where it starts; each request is
  // taken once, so a reload or a later reopening starts at the app's own page again.
  const [src, setSrc] = useState(() => (nav && !takenNavs.has(nav) ? nav.url : url));
  const seenNav = useRef(nav?.n ?? 0);
  useEffect(() => {
    if (nav) takenNavs.add(nav);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- what the window started at, once
  }, []);
  useEffect(() => {
    if (nav && nav.n !== seenNav.current) {
      seenNav.current = nav.n;
      takenNavs.add(nav);
      setSrc(nav.url);
    }
  }, [nav]);

  const origin = originOf(url);
  useEffect(() => registry.register(windowKey, { appId, origin, frame: () => frame.current, onTitle }), [registry, windowKey, appId, origin, onTitle]);

  useEffect(() => {
    if (loaded) return;
    const t = setTimeout(() => setSlow(true), LOAD_TIMEOUT_MS);
    return () => clearTimeout(t);
  }, [loaded]);

  return (
    <>
      <iframe
        ref={frame}
        data-testid={`app-iframe-${appId}`}
        src={src}
        title={name}
        sandbox={APP_SANDBOX}
        allow="clipboard-read; clipboard-write; fullscreen"
        onLoad={() => setLoaded(true)}
        className="absolute inset-0 size-full border-0 bg-white"
      />
      {reach === "untrusted" ? (
        <CertificateNotTrusted name={name} url={url} onRetry={onReload} />
      ) : (
        slow && !loaded && <AppNotAnswering name={name} onReload={onReload} />
      )}
    </>
  );
}

const takenNavs = new WeakSet<object>();

function Centered({ children }: { children: React.ReactNode }) {
  return <div className="flex h-full items-center justify-center p-6 text-center text-sm text-fg-muted">{children}</div>;
}
