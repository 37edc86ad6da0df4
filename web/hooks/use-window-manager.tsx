"use client";

import { createContext, useCallback, useContext, useEffect, useMemo, useReducer, useRef, useState, type ReactNode, type RefObject } from "react";
import { DOCK_RESERVE, TOP_RESERVE, type Bounds, type Rect, type SnapKey, type SnapZone } from "@/web/lib/window-geometry";
import { EMPTY_WM, focusedWindow, LAYOUT_KEY, parseLayout, serializeLayout, wmReducer, type Win } from "@/web/lib/window-state";

export type { Win };

/** The part of the screen windows live in: below the top bar, above the dock. */
export function desktopBounds(): Bounds {
  return { width: window.innerWidth, height: Math.max(220, window.innerHeight - TOP_RESERVE - DOCK_RESERVE) };
}

type OpenOptions = { size?: { w: number; h: number }; view?: string };

export type WindowManager = {
  windows: Win[];
  focusedKey: string | null;
  bounds: Bounds;
  open: (key: string, opts?: OpenOptions) => void;
  close: (key: string) => void;
  focus: (key: string) => void;
  minimize: (key: string) => void;
  minimizeAll: () => void;
  setRect: (key: string, rect: Rect) => void;
  snap: (key: string, snap: SnapZone | null) => void;
  toggleMaximize: (key: string) => void;
  /** Ctrl+Alt+arrow on the focused window. */
  snapByKey: (key: SnapKey) => void;
  setView: (key: string, view: string) => void;
  /** The snap preview outline, moved by the dragged window directly (no React render while dragging). */
  previewRef: RefObject<HTMLDivElement | null>;
};

const Ctx = createContext<WindowManager | null>(null);
const DEFAULT_SIZE = { w: 880, h: 600 };

/** Window state for one device; the layout is saved in localStorage and restored on reload. */
export function WindowManagerProvider({ children }: { children: ReactNode }) {
  const [state, dispatch] = useReducer(wmReducer, EMPTY_WM, () => {
    try {
      return parseLayout(window.localStorage.getItem(LAYOUT_KEY), desktopBounds());
    } catch {
      return EMPTY_WM;
    }
  });
  const [bounds, setBounds] = useState(desktopBounds);
  const previewRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const onResize = () => {
      const b = desktopBounds();
      setBounds(b);
      dispatch({ type: "fit", bounds: b });
    };
    window.addEventListener("resize", onResize);
    return () => window.removeEventListener("resize", onResize);
  }, []);

  // Debounced: a burst of focus changes writes once.
  useEffect(() => {
    const t = setTimeout(() => {
      try {
        window.localStorage.setItem(LAYOUT_KEY, serializeLayout(state));
      } catch {
        // Storage full or disabled: the layout simply is not remembered.
      }
    }, 250);
    return () => clearTimeout(t);
  }, [state]);

  const open = useCallback((key: string, opts: OpenOptions = {}) => {
    dispatch({ type: "open", key, size: opts.size ?? DEFAULT_SIZE, bounds: desktopBounds(), view: opts.view });
  }, []);
  const close = useCallback((key: string) => dispatch({ type: "close", key }), []);
  const focus = useCallback((key: string) => dispatch({ type: "focus", key }), []);
  const minimize = useCallback((key: string) => dispatch({ type: "minimize", key }), []);
  const minimizeAll = useCallback(() => dispatch({ type: "minimize-all" }), []);
  const setRect = useCallback((key: string, rect: Rect) => dispatch({ type: "set-rect", key, rect }), []);
  const snap = useCallback((key: string, zone: SnapZone | null) => dispatch({ type: "snap", key, snap: zone }), []);
  const setView = useCallback((key: string, view: string) => dispatch({ type: "set-view", key, view }), []);
  const toggleMaximize = useCallback((key: string) => dispatch({ type: "toggle-max", key }), []);
  const snapByKey = useCallback((arrow: SnapKey) => dispatch({ type: "snap-key", arrow }), []);

  const focusedKey = useMemo(() => focusedWindow(state)?.key ?? null, [state]);

  const value = useMemo<WindowManager>(
    () => ({
      windows: state.windows,
      focusedKey,
      bounds,
      open,
      close,
      focus,
      minimize,
      minimizeAll,
      setRect,
      snap,
      toggleMaximize,
      snapByKey,
      setView,
      previewRef,
    }),
    [state.windows, focusedKey, bounds, open, close, focus, minimize, minimizeAll, setRect, snap, toggleMaximize, snapByKey, setView],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useWindowManager(): WindowManager {
  const wm = useContext(Ctx);
  if (!wm) throw new Error("useWindowManager must be used inside <WindowManagerProvider>");
  return wm;
}
