"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useState } from "react";
import { safeNextPath } from "@/web/lib/next-param";
import { useTRPC } from "@/web/lib/trpc";
import { holdAuthScreen } from "./auth-hold";

/**
 * What follows a sign-in: back to the app that sent the browser here (the app-auth bounce), or the
 * desktop. `redirecting` lets a button say so.
 */
export function useAfterSignIn() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [redirecting, setRedirecting] = useState(false);
  const done = useCallback(async () => {
    holdAuthScreen(null);
    const next = safeNextPath(window.location.search, window.location.origin);
    if (next) {
      setRedirecting(true);
      window.location.assign(next);
      return;
    }
    await queryClient.invalidateQueries({ queryKey: trpc.identity.state.queryKey() });
  }, [queryClient, trpc]);
  return { done, redirecting };
}
