/** Pure geometry of the desktop's windows: no DOM, so every rule here is unit-tested. */

export type Rect = { x: number; y: number; w: number; h: number };
export type Bounds = { width: number; height: number };
export type Point = { x: number; y: number };
export type SnapZone = "max" | "left" | "right" | "top-left" | "top-right" | "bottom-left" | "bottom-right";
export type Edges = { n?: boolean; s?: boolean; e?: boolean; w?: boolean };

/** Kept in sync with --top-reserve and --dock-reserve in web/styles/globals.css. */
export const TOP_RESERVE = 32;
export const DOCK_RESERVE = 96;
export const MIN_W = 320;
export const MIN_H = 220;
/** How close to a screen edge the pointer must come to snap; corners are a longer stretch of the edge. */
export const SNAP_EDGE = 10;
export const SNAP_CORNER = 140;

export const SNAP_ZONES: readonly SnapZone[] = ["max", "left", "right", "top-left", "top-right", "bottom-left", "bottom-right"];

export function isSnapZone(v: unknown): v is SnapZone {
  return typeof v === "string" && (SNAP_ZONES as readonly string[]).includes(v);
}

/** Keeps a window fully inside the desktop, shrinking it first if the desktop got smaller. */
export function clampRect(r: Rect, b: Bounds): Rect {
  const w = Math.max(Math.min(MIN_W, b.width), Math.min(r.w, b.width));
  const h = Math.max(Math.min(MIN_H, b.height), Math.min(r.h, b.height));
  const x = Math.min(Math.max(0, r.x), Math.max(0, b.width - w));
  const y = Math.min(Math.max(0, r.y), Math.max(0, b.height - h));
  return { x: Math.round(x), y: Math.round(y), w: Math.round(w), h: Math.round(h) };
}

/** The rectangle a snapped window fills. Halves and quarters split odd pixels so neighbours never overlap. */
export function zoneRect(zone: SnapZone, b: Bounds): Rect {
  const halfW = Math.floor(b.width / 2);
  const halfH = Math.floor(b.height / 2);
  switch (zone) {
    case "max":
      return { x: 0, y: 0, w: b.width, h: b.height };
    case "left":
      return { x: 0, y: 0, w: halfW, h: b.height };
    case "right":
      return { x: halfW, y: 0, w: b.width - halfW, h: b.height };
    case "top-left":
      return { x: 0, y: 0, w: halfW, h: halfH };
    case "top-right":
      return { x: halfW, y: 0, w: b.width - halfW, h: halfH };
    case "bottom-left":
      return { x: 0, y: halfH, w: halfW, h: b.height - halfH };
    case "bottom-right":
      return { x: halfW, y: halfH, w: b.width - halfW, h: b.height - halfH };
  }
}

/**
 * Where a new window opens: down and right of the window in front (`anchor`), so the title bar of
 * the window it covers stays visible and clickable; centred near the top when nothing is open, and
 * back to the top-left corner when the next step would not fit.
 */
export const CASCADE_STEP = 40;

export function placeNewWindow(size: { w: number; h: number }, b: Bounds, anchor: Rect | null): Rect {
  const w = Math.min(size.w, b.width - 48);
  const h = Math.min(size.h, b.height - 48);
  if (!anchor) return clampRect({ x: (b.width - w) / 2, y: 24, w, h }, b);
  const x = anchor.x + CASCADE_STEP;
  const y = anchor.y + CASCADE_STEP;
  if (x + w <= b.width && y + h <= b.height) return clampRect({ x, y, w, h }, b);
  return clampRect({ x: 24, y: 24, w, h }, b);
}

export type SnapKey = "left" | "right" | "up" | "down";

/**
 * Keyboard snapping, as on Windows: arrows move between halves, quarters and maximized;
 * down from a plain window minimizes it.
 */
export function nextSnap(current: SnapZone | null, key: SnapKey): { snap: SnapZone | null; minimize?: true } {
  switch (key) {
    case "left":
      if (current === "right" || current === "top-right" || current === "bottom-right") return { snap: null };
      if (current === "top-left" || current === "bottom-left") return { snap: current };
      return { snap: "left" };
    case "right":
      if (current === "left" || current === "top-left" || current === "bottom-left") return { snap: null };
      if (current === "top-right" || current === "bottom-right") return { snap: current };
      return { snap: "right" };
    case "up":
      if (current === "left") return { snap: "top-left" };
      if (current === "right") return { snap: "top-right" };
      if (current === "bottom-left") return { snap: "left" };
      if (current === "bottom-right") return { snap: "right" };
      if (current === "top-left" || current === "top-right") return { snap: current };
      return { snap: "max" };
    case "down":
      if (current === "left") return { snap: "bottom-left" };
      if (current === "right") return { snap: "bottom-right" };
      if (current === "top-left") return { snap: "left" };
      if (current === "top-right") return { snap: "right" };
      if (current === "max") return { snap: null };
      if (current === null) return { snap: null, minimize: true };
      return { snap: current };
  }
}
