import { useSyncExternalStore } from "react";

/**
 * Keeps an auth screen up after the session cookie is already set: the recovery codes shown once after
 * a claim or a recovery must stay on screen until the owner says they saved them, even though the
 * server (and a refetched identity.state) already says "signed in".
 */
let held: "setup" | "signin" | null = null;
const listeners = new Set<() => void>();

export function holdAuthScreen(mode: "setup" | "signin" | null) {
  held = mode;
  for (const l of listeners) l();
}

export function useAuthHold() {
  return useSyncExternalStore(
    (l) => (listeners.add(l), () => void listeners.delete(l)),
    () => held,
    () => null,
  );
}
