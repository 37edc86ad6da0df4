import { clampRect, isSnapZone, nextSnap, placeNewWindow, zoneRect, type Bounds, type Rect, type SnapKey, type SnapZone } from "./window-geometry";

/**
 * A window: its free rectangle (where it sits when not snapped), its snap zone if any, stacking
 * order and whether it is minimized to the dock. `view` is the window's own sub-page (a settings tab).
 */
export type Win = Rect & { key: string; z: number; snap: SnapZone | null; minimized: boolean; view?: string };
export type WmState = { windows: Win[]; topZ: number };

export type WmAction =
  | { type: "open"; key: string; size: { w: number; h: number }; bounds: Bounds; view?: string }
  | { type: "close"; key: string }
  | { type: "focus"; key: string }
  | { type: "minimize"; key: string }
  | { type: "minimize-all" }
  | { type: "set-rect"; key: string; rect: Rect }
  | { type: "snap"; key: string; snap: SnapZone | null }
  | { type: "toggle-max"; key: string }
  /** Ctrl+Alt+arrow: snaps (or minimizes) the focused window. */
  | { type: "snap-key"; arrow: SnapKey }
  | { type: "set-view"; key: string; view: string }
  | { type: "fit"; bounds: Bounds }
  | { type: "replace"; state: WmState };

export const EMPTY_WM: WmState = { windows: [], topZ: 10 };

function update(state: WmState, key: string, patch: (w: Win) => Win): WmState {
  return { ...state, windows: state.windows.map((w) => (w.key === key ? patch(w) : w)) };
}

export function wmReducer(state: WmState, action: WmAction): WmState {
  switch (action.type) {
    case "open": {
      const existing = state.windows.find((w) => w.key === action.key);
      if (existing) {
        const focused = wmReducer(state, { type: "focus", key: action.key });
        return action.view ? update(focused, action.key, (w) => ({ ...w, view: action.view })) : focused;
      }
      const front = focusedWindow(state);
      const anchor = front ? (front.snap ? zoneRect(front.snap, action.bounds) : front) : null;
      const rect = placeNewWindow(action.size, action.bounds, anchor);
      const z = state.topZ + 1;
      const win: Win = { key: action.key, z, snap: null, minimized: false, ...rect, ...(action.view ? { view: action.view } : {}) };
      return { topZ: z, windows: [...state.windows, win] };
    }
    case "close":
      return { ...state, windows: state.windows.filter((w) => w.key !== action.key) };
    case "focus": {
      const target = state.windows.find((w) => w.key === action.key);
      if (!target || (target.z === state.topZ && !target.minimized)) return state;
      const z = state.topZ + 1;
      // Array order stays fixed on purpose: moving a DOM node that holds an iframe reloads the app.
      return { topZ: z, windows: state.windows.map((w) => (w.key === action.key ? { ...w, z, minimized: false } : w)) };
    }
    case "minimize":
      return update(state, action.key, (w) => ({ ...w, minimized: true }));
    case "minimize-all":
      return { ...state, windows: state.windows.map((w) => (w.minimized ? w : { ...w, minimized: true })) };
    case "set-rect":
      return update(state, action.key, (w) => ({ ...w, ...action.rect, snap: null }));
    case "snap":
      return update(state, action.key, (w) => ({ ...w, snap: action.snap }));
    case "toggle-max":
      return update(state, action.key, (w) => ({ ...w, snap: w.snap === "max" ? null : "max" }));
    case "snap-key": {
      const w = focusedWindow(state);
      if (!w) return state;
      const next = nextSnap(w.snap, action.arrow);
      return update(state, w.key, (x) => (next.minimize ? { ...x, minimized: true } : { ...x, snap: next.snap }));
    }
    case "set-view":
      return update(state, action.key, (w) => ({ ...w, view: action.view }));
    case "fit":
      return { ...state, windows: state.windows.map((w) => ({ ...w, ...clampRect(w, action.bounds) })) };
    case "replace":
      return action.state;
  }
}

/** The window the keyboard and the title-bar highlight belong to: the topmost one that is not minimized. */
export function focusedWindow(state: WmState): Win | null {
  let top: Win | null = null;
  for (const w of state.windows) if (!w.minimized && (!top || w.z > top.z)) top = w;
  return top;
}

export const LAYOUT_KEY = "pcc:layout:v1";

export function serializeLayout(state: WmState): string {
  return JSON.stringify({ v: 1, windows: state.windows });
}

/** Reads a saved layout back, dropping anything malformed and fitting windows to this screen. */
export function parseLayout(raw: string | null, bounds: Bounds): WmState {
  if (!raw) return EMPTY_WM;
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return EMPTY_WM;
  }
  const list = (data as { v?: unknown; windows?: unknown })?.windows;
  if ((data as { v?: unknown })?.v !== 1 || !Array.isArray(list)) return EMPTY_WM;
  const seen = new Set<string>();
  const windows: Win[] = [];
  for (const item of list as Record<string, unknown>[]) {
    if (typeof item !== "object" || item === null) continue;
    const { key, x, y, w, h, z, snap, minimized, view } = item;
    if (typeof key !== "string" || !/^[a-z0-9:-]{1,80}$/.test(key) || seen.has(key)) continue;
    if (![x, y, w, h, z].every((n) => typeof n === "number" && Number.isFinite(n))) continue;
    seen.add(key);
    const rect = clampRect({ x: x as number, y: y as number, w: w as number, h: h as number }, bounds);
    windows.push({
      key,
      ...rect,
      z: z as number,
      snap: isSnapZone(snap) ? snap : null,
      minimized: minimized === true,
      ...(typeof view === "string" && view.length <= 40 ? { view } : {}),
    });
  }
  const topZ = windows.reduce((m, w) => Math.max(m, w.z), EMPTY_WM.topZ);
  return { windows, topZ };
}
