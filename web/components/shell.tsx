"use client";

import { useQuery } from "@tanstack/react-query";
import { lazyComponent } from "@/web/lib/lazy";
import { useServiceWorker } from "@/web/hooks/use-service-worker";
import { errorMessage } from "@/web/lib/errors";
import { useTRPC } from "@/web/lib/trpc";
import { useAuthHold } from "./auth/auth-hold";
import { Button } from "./ui/button";
import { PccLogo } from "./ui/pcc-logo";
import { Spinner } from "./ui/spinner";

// Each state loads only its own code: a sign-in page never downloads the desktop, and back.
const AuthScreen = lazyComponent(() => import("./auth/auth-screen").then((m) => m.AuthScreen), { loading: Waiting });
const Desktop = lazyComponent(() => import("./desktop/desktop").then((m) => m.Desktop), { loading: Waiting });
// Passkey step-ups and device-pairing approvals, around the desktop once signed in (components/auth).
const SignedIn = lazyComponent(() => import("./auth/signed-in").then((m) => m.SignedIn), { loading: Waiting });

/** Decides between setup, sign-in and the desktop, from the server's view of this browser. */
export function Shell() {
  const trpc = useTRPC();
  const auth = useQuery(trpc.identity.state.queryOptions());
  // An auth screen may stay up a moment after the session exists (recovery codes are shown once).
  const held = useAuthHold();
  useServiceWorker();

  if (auth.isPending) return <Waiting />;
  if (!auth.data) return <Unreachable detail={errorMessage(auth.error)} retrying={auth.isFetching} onRetry={() => auth.refetch()} />;
  if (!auth.data.claimed || held === "setup") return <AuthScreen mode="setup" />;
  if (!auth.data.signedIn || held === "signin") return <AuthScreen mode="signin" />;
  return (
    <SignedIn>
      <Desktop />
    </SignedIn>
  );
}

function Waiting() {
  return (
    <main className="pcc-wallpaper fixed inset-0 flex items-center justify-center text-white/80" aria-busy="true">
      <Spinner className="size-7" />
    </main>
  );
}

/** The same words as public/offline.html, which the service worker shows when even this page cannot load. */
function Unreachable({ detail, retrying, onRetry }: { detail: string | null; retrying: boolean; onRetry: () => void }) {
  return (
    <main data-testid="pcc-unreachable" className="pcc-wallpaper fixed inset-0 flex items-center justify-center p-4">
      <div className="w-full max-w-sm rounded-3xl bg-white p-8 text-slate-900 shadow-2xl">
        <PccLogo />
        <h1 className="mt-5 text-xl font-semibold">Your PCC is unreachable</h1>
        <p className="mt-1 text-sm text-slate-600">
          This device cannot reach your personal cloud computer right now. Check this device&apos;s connection; if it is fine, the PCC
          itself may be off or restarting.
        </p>
        {detail && <p className="mt-2 text-[12px] text-slate-600">{detail}</p>}
        <Button variant="primary" className="mt-5" onClick={onRetry} disabled={retrying}>
          {retrying && <Spinner className="size-3.5" />}
          Try again
        </Button>
      </div>
    </main>
  );
}
