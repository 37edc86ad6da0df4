"use client";

import { useEffect } from "react";

/**
 * Registers public/sw.js, which lets the installed PWA open with a clear "unreachable" page when
 * the PCC cannot be reached. Production only: in development every file changes constantly.
 */
export function useServiceWorker() {
  useEffect(() => {
    if (process.env.NODE_ENV !== "production" || !("serviceWorker" in navigator)) return;
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {
      // No service worker (a browser that refuses it, e.g. on an untrusted certificate): the shell works, just not offline.
    });
  }, []);
}
