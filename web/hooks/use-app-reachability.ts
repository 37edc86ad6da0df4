"use client";

import { useEffect, useState } from "react";
import { originOf } from "@/web/lib/app-bridge";

export type Reachability = "checking" | "ok" | "untrusted";

const PROBE_TIMEOUT_MS = 8000;

/**
 * Tells whether this browser can open an HTTPS connection to the app's host at all. A browser that
 * does not trust the PCC's certificate yet shows its own error page inside the iframe, which the
 * shell cannot read (and whose load event fires like any other), but a fetch to the same origin
 * rejects: that difference is the signal.
 *
 * The probe sends no cookies, so the app's sign-in bounce (app host → shell → sign-in page) it follows
 * never mints an app credential, and its answer is opaque: it only learns "a TLS connection worked".
 * (no-cors requests must follow redirects, and a CORS request would fail on the app's missing CORS
 * headers just like on a bad certificate.)
 */
export function useAppReachability(url: string, attempt: number): Reachability {
  const [state, setState] = useState<{ key: string; value: Reachability }>({ key: "", value: "checking" });
  const key = `${url}#${attempt}`;

  useEffect(() => {
    const origin = originOf(url);
    if (!origin) return;
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), PROBE_TIMEOUT_MS);
    fetch(`${origin}/`, { mode: "no-cors", credentials: "omit", cache: "no-store", signal: ctrl.signal })
      .then(() => setState({ key, value: "ok" }))
      .catch(() => {
        // A probe that timed out proves nothing (a slow network): leave it to the iframe's own load timeout.
        if (ctrl.signal.aborted) setState({ key, value: "ok" });
        else if (navigator.onLine) setState({ key, value: "untrusted" });
      })
      .finally(() => clearTimeout(timer));
    return () => {
      clearTimeout(timer);
      ctrl.abort();
    };
  }, [url, key]);

  return state.key === key ? state.value : "checking";
}
