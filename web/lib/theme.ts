/** Shared by the theme hook and the inline boot script: plain module, so server components can import it. */

export const THEMES = ["system", "light", "dark"] as const;
export type ThemePref = (typeof THEMES)[number];
export const THEME_KEY = "pcc:theme";
export const DARK_QUERY = "(prefers-color-scheme: dark)";

/**
 * Runs inline in <head> before the first paint (see pages/_document.tsx), so a dark-theme owner never sees
 * a white flash. It must stand alone, so it repeats applyTheme (web/hooks/use-theme.ts) in a line.
 */
export const THEME_BOOT_SCRIPT = `try{var p=localStorage.getItem(${JSON.stringify(THEME_KEY)}),d=p==="dark"||(p!=="light"&&matchMedia(${JSON.stringify(DARK_QUERY)}).matches),e=document.documentElement;e.classList.toggle("dark",d);e.style.colorScheme=d?"dark":"light"}catch(_){}`;
