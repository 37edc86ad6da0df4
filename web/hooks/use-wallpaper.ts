"use client";

import { useLocalPref } from "./use-local-pref";

/** Built-in wallpapers; each id is a `data-wallpaper` style in web/styles/globals.css. */
export const WALLPAPERS = [
  { id: "aurora", name: "Aurora" },
  { id: "dusk", name: "Dusk" },
  { id: "ocean", name: "Ocean" },
  { id: "meadow", name: "Meadow" },
  { id: "graphite", name: "Graphite" },
  { id: "paper", name: "Paper" },
] as const;
export type WallpaperId = (typeof WALLPAPERS)[number]["id"];
const IDS = WALLPAPERS.map((w) => w.id);

export function useWallpaper() {
  return useLocalPref<WallpaperId>("pcc:wallpaper", IDS, "aurora");
}
