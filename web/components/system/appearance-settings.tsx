"use client";

import { useTheme } from "@/web/hooks/use-theme";
import { useWallpaper, WALLPAPERS } from "@/web/hooks/use-wallpaper";
import { THEMES, type ThemePref } from "@/web/lib/theme";

const THEME_LABEL: Record<ThemePref, { name: string; hint: string }> = {
  system: { name: "Automatic", hint: "Follows this device's setting" },
  light: { name: "Light", hint: "Always light" },
  dark: { name: "Dark", hint: "Always dark" },
};

/** Theme and wallpaper, remembered per device (a phone may want dark while the laptop stays light). */
export function AppearanceSettings() {
  const { pref, setPref } = useTheme();
  const [wallpaper, setWallpaper] = useWallpaper();
  return (
    <div className="space-y-6">
      <fieldset>
        <legend className="text-base font-semibold text-fg">Theme</legend>
        <div className="mt-3 grid gap-2 sm:grid-cols-3">
          {THEMES.map((t) => (
            <label
              key={t}
              className={`flex min-h-11 cursor-pointer items-start gap-3 rounded-xl p-3 ring-1 has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-indigo-500 ${pref === t ? "bg-indigo-500/10 ring-indigo-500" : "bg-surface-2 ring-line"}`}
            >
              <input type="radio" name="theme" value={t} data-testid={`theme-${t}`} checked={pref === t} onChange={() => setPref(t)} className="mt-0.5 size-4 accent-indigo-600" />
              <span className="text-sm">
                <span className="block font-medium text-fg">{THEME_LABEL[t].name}</span>
                <span className="block text-fg-muted">{THEME_LABEL[t].hint}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset>
        <legend className="text-base font-semibold text-fg">Wallpaper</legend>
        <div className="mt-3 grid grid-cols-2 gap-3 sm:grid-cols-3">
          {WALLPAPERS.map((w) => (
            <label key={w.id} className="group cursor-pointer">
              <input type="radio" name="wallpaper" value={w.id} data-testid={`wallpaper-${w.id}`} checked={wallpaper === w.id} onChange={() => setWallpaper(w.id)} className="peer sr-only" />
              <span
                aria-hidden="true"
                data-wallpaper={w.id}
                className="pcc-wallpaper block aspect-video rounded-xl ring-1 ring-line peer-checked:ring-3 peer-checked:ring-indigo-500 peer-focus-visible:outline-2 peer-focus-visible:outline-offset-2 peer-focus-visible:outline-indigo-500"
              />
              <span className="mt-1 block text-center text-[13px] text-fg">{w.name}</span>
            </label>
          ))}
        </div>
      </fieldset>
    </div>
  );
}
