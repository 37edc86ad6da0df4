"use client";

import { createContext, useCallback, useContext, useMemo, useReducer, type ReactNode } from "react";

/** Space kept free at the bottom for the dock, so windows never slide under it. */
export const DOCK_RESERVE = 96;
const MIN_W = 320;
const MIN_H = 220;

export type Rect = { x: number; y: number; w: number; h: number };
export type Bounds = { width: number; height: number };
export type Win = Rect & { key: string; z: number; maximized: boolean };

type State = { windows: Win[]; topZ: number; interacting: boolean };

type Action =
  | { type: "open"; key: string; size: { w: number; h: number }; bounds: Bounds }
  | { type: "close"; key: string }
  | { type: "focus"; key: string }
  | { type: "set-rect"; key: string; rect: Rect }
  | { type: "toggle-maximize"; key: string }
  | { type: "fit"; bounds: Bounds }
  | { type: "interacting"; value: boolean };

export function desktopBounds(): Bounds {
  return { width: window.innerWidth, height: Math.max(MIN_H, window.innerHeight - DOCK_RESERVE) };
}

/** Keeps a window fully inside the desktop, shrinking it first if the desktop got smaller. */
export function clampRect(r: Rect, b: Bounds): Rect {
  const w = Math.max(Math.min(MIN_W, b.width), Math.min(r.w, b.width));
  const h = Math.max(Math.min(MIN_H, b.height), Math.min(r.h, b.height));
  const x = Math.min(Math.max(0, r.x), Math.max(0, b.width - w));
  const y = Math.min(Math.max(0, r.y), Math.max(0, b.height - h));
  return { x, y, w, h };
}

export function clampSize(r: Rect, b: Bounds): Rect {
  const w = Math.min(Math.max(MIN_W, r.w), b.width - r.x);
  const h = Math.min(Math.max(MIN_H, r.h), b.height - r.y);
  return { ...r, w, h };
}

function reducer(state: State, action: Action): State {
  switch (action.type) {
    case "open": {
      const existing = state.windows.find((w) => w.key === action.key);
      if (existing) return reducer(state, { type: "focus", key: action.key });
      // Cascade so a new window never hides the title bar of the previous one.
      const n = state.windows.length % 6;
      const w = Math.min(action.size.w, action.bounds.width - 48);
      const h = Math.min(action.size.h, action.bounds.height - 48);
      const x = Math.round((action.bounds.width - w) / 2 - 120 + n * 40);
      const y = 28 + n * 40;
      const rect = clampRect({ x, y, w, h }, action.bounds);
      const z = state.topZ + 1;
      return { ...state, topZ: z, windows: [...state.windows, { key: action.key, z, maximized: false, ...rect }] };
    }
    case "close":
      return { ...state, windows: state.windows.filter((w) => w.key !== action.key) };
    case "focus": {
      const target = state.windows.find((w) => w.key === action.key);
      if (!target || target.z === state.topZ) return state;
      const z = state.topZ + 1;
      // Array order stays fixed on purpose: moving a DOM node that holds an iframe reloads the app.
      return { ...state, topZ: z, windows: state.windows.map((w) => (w.key === action.key ? { ...w, z } : w)) };
    }
    case "set-rect":
      return { ...state, windows: state.windows.map((w) => (w.key === action.key ? { ...w, ...action.rect } : w)) };
    case "toggle-maximize":
      return { ...state, windows: state.windows.map((w) => (w.key === action.key ? { ...w, maximized: !w.maximized } : w)) };
    case "fit":
      return { ...state, windows: state.windows.map((w) => ({ ...w, ...clampRect(w, action.bounds) })) };
    case "interacting":
      return state.interacting === action.value ? state : { ...state, interacting: action.value };
  }
}

type WindowManager = {
  windows: Win[];
  focusedKey: string | null;
  /** True while a window is dragged or resized: iframes must stop eating pointer events. */
  interacting: boolean;
  open: (key: string, size?: { w: number; h: number }) => void;
  close: (key: string) => void;
  focus: (key: string) => void;
  setRect: (key: string, rect: Rect) => void;
  toggleMaximize: (key: string) => void;
  fit: () => void;
  setInteracting: (value: boolean) => void;
};

const Ctx = createContext<WindowManager | null>(null);

export function WindowManagerProvider({ children }: { children: ReactNode }) {
  const [state, dispatch] = useReducer(reducer, { windows: [], topZ: 10, interacting: false });

  const open = useCallback((key: string, size = { w: 880, h: 600 }) => {
    dispatch({ type: "open", key, size, bounds: desktopBounds() });
  }, []);
  const close = useCallback((key: string) => dispatch({ type: "close", key }), []);
  const focus = useCallback((key: string) => dispatch({ type: "focus", key }), []);
  const setRect = useCallback((key: string, rect: Rect) => dispatch({ type: "set-rect", key, rect }), []);
  const toggleMaximize = useCallback((key: string) => dispatch({ type: "toggle-maximize", key }), []);
  const fit = useCallback(() => dispatch({ type: "fit", bounds: desktopBounds() }), []);
  const setInteracting = useCallback((value: boolean) => dispatch({ type: "interacting", value }), []);

  const focusedKey = useMemo(() => {
    let top: Win | null = null;
    for (const w of state.windows) if (!top || w.z > top.z) top = w;
    return top?.key ?? null;
  }, [state.windows]);

  const value = useMemo<WindowManager>(
    () => ({
      windows: state.windows,
      focusedKey,
      interacting: state.interacting,
      open,
      close,
      focus,
      setRect,
      toggleMaximize,
      fit,
      setInteracting,
    }),
    [state.windows, state.interacting, focusedKey, open, close, focus, setRect, toggleMaximize, fit, setInteracting],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useWindowManager(): WindowManager {
  const wm = useContext(Ctx);
  if (!wm) throw new Error("useWindowManager must be used inside <WindowManagerProvider>");
  return wm;
}
