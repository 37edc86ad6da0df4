"use client";

import { useEffect, useSyncExternalStore } from "react";
import { DARK_QUERY, THEME_KEY, THEMES, type ThemePref } from "@/web/lib/theme";
import { useLocalPref } from "./use-local-pref";

function subscribeSystem(onChange: () => void) {
  const mql = window.matchMedia(DARK_QUERY);
  mql.addEventListener("change", onChange);
  return () => mql.removeEventListener("change", onChange);
}

/** The owner's theme choice (per device) and what it resolves to now. */
export function useTheme() {
  const [pref, setPref] = useLocalPref<ThemePref>(THEME_KEY, THEMES, "system");
  const systemDark = useSyncExternalStore(subscribeSystem, () => window.matchMedia(DARK_QUERY).matches, () => false);
  const resolved: "light" | "dark" = pref === "system" ? (systemDark ? "dark" : "light") : pref;
  return { pref, setPref, resolved };
}

/** Mounted once by the shell: keeps <html> in step as the choice or the system's setting changes. */
export function useApplyTheme() {
  const { resolved } = useTheme();
  useEffect(() => applyTheme(resolved), [resolved]);
}

export function applyTheme(theme: "light" | "dark") {
  const root = document.documentElement;
  root.classList.toggle("dark", theme === "dark");
  root.style.colorScheme = theme;
}
