"use client";

import { useCallback, useSyncExternalStore } from "react";

/**
 * A per-device preference in localStorage, shared live by every component that reads it (and by other
 * tabs, through the storage event). Values are plain strings, checked against `allowed` on read.
 */
const listeners = new Set<() => void>();

function subscribe(onChange: () => void) {
  listeners.add(onChange);
  window.addEventListener("storage", onChange);
  return () => {
    listeners.delete(onChange);
    window.removeEventListener("storage", onChange);
  };
}

export function readPref<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
  try {
    const v = window.localStorage.getItem(key);
    return v !== null && (allowed as readonly string[]).includes(v) ? (v as T) : fallback;
  } catch {
    return fallback;
  }
}

export function writePref(key: string, value: string) {
  try {
    window.localStorage.setItem(key, value);
  } catch {
    // Private mode or a full quota: the choice still applies until the page reloads.
  }
  for (const l of listeners) l();
}

export function useLocalPref<T extends string>(key: string, allowed: readonly T[], fallback: T): [T, (v: T) => void] {
  const value = useSyncExternalStore(
    subscribe,
    () => readPref(key, allowed, fallback),
    () => fallback,
  );
  const set = useCallback((v: T) => writePref(key, v), [key]);
  return [value, set];
}
