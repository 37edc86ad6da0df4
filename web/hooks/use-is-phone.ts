"use client";

import { useSyncExternalStore } from "react";

/** Below Tailwind's `sm` breakpoint: the phone layout (home screen, full-screen apps, bottom sheets). */
export const PHONE_QUERY = "(max-width: 639px)";

function subscribe(onChange: () => void) {
  const mql = window.matchMedia(PHONE_QUERY);
  mql.addEventListener("change", onChange);
  return () => mql.removeEventListener("change", onChange);
}

export function useIsPhone(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => window.matchMedia(PHONE_QUERY).matches,
    () => false,
  );
}
