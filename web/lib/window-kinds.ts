/** Every kind of window the shell opens, keyed by a string that is also its saved-layout key. */

export type WindowKind = { kind: "store" } | { kind: "system" } | { kind: "contacts" } | { kind: "app"; appId: string } | { kind: "settings"; appId: string };

export const STORE_KEY = "store";
export const SYSTEM_KEY = "system";
export const CONTACTS_KEY = "contacts";
export const appKey = (id: string) => `app-${id}`;
export const settingsKey = (id: string) => `settings-${id}`;

export function windowKind(key: string): WindowKind | null {
  if (key === STORE_KEY) return { kind: "store" };
  if (key === SYSTEM_KEY) return { kind: "system" };
  if (key === CONTACTS_KEY) return { kind: "contacts" };
  const m = /^(app|settings)-(.+)$/.exec(key);
  if (!m) return null;
  return m[1] === "app" ? { kind: "app", appId: m[2]! } : { kind: "settings", appId: m[2]! };
}

export const SIZES = {
  store: { w: 920, h: 640 },
  system: { w: 640, h: 560 },
  contacts: { w: 720, h: 600 },
  app: { w: 900, h: 600 },
  settings: { w: 680, h: 600 },
} as const;
