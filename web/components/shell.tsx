"use client";

import { useQuery } from "@tanstack/react-query";
import { errorMessage } from "@/web/lib/errors";
import { useTRPC } from "@/web/lib/trpc";
import { AuthScreen, Logo } from "./auth/auth-screen";
import { Desktop } from "./desktop/desktop";
import { Button } from "./ui/button";
import { Spinner } from "./ui/spinner";

/** Decides between setup, sign-in and the desktop, from the server's view of this browser. */
export function Shell() {
  const trpc = useTRPC();
  const auth = useQuery(trpc.auth.state.queryOptions());

  if (auth.isPending) {
    return (
      <main className="pcc-wallpaper fixed inset-0 flex items-center justify-center text-white/80" aria-busy="true">
        <Spinner className="size-7" />
      </main>
    );
  }
  if (!auth.data) {
    return (
      <main className="pcc-wallpaper fixed inset-0 flex items-center justify-center p-4">
        <div className="w-full max-w-sm rounded-3xl bg-white/75 p-8 shadow-2xl backdrop-blur-2xl">
          <Logo />
          <h1 className="mt-5 text-xl font-semibold text-slate-900">Can&apos;t reach your PCC</h1>
          <p className="mt-1 text-sm text-slate-600">{errorMessage(auth.error)}</p>
          <Button className="mt-5" onClick={() => auth.refetch()} disabled={auth.isFetching}>
            Try again
          </Button>
        </div>
      </main>
    );
  }
  if (!auth.data.claimed) return <AuthScreen mode="setup" />;
  if (!auth.data.signedIn) return <AuthScreen mode="signin" />;
  return <Desktop />;
}
