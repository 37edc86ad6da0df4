/**
 * Geometry of dragging and resizing a window: pure, unit-tested, and apart from window-geometry.ts
 * because only an open window's frame needs it (it loads with the first window, not the desktop).
 */
import { clampRect, MIN_H, MIN_W, SNAP_CORNER, SNAP_EDGE, type Bounds, type Edges, type Point, type Rect, type SnapZone } from "./window-geometry";

/**
 * Which zone a dragged window snaps to when released with the pointer at `p` (relative to the window
 * area; y is negative over the top bar, which counts as the top edge). Corners win over edges.
 */
export function snapZoneAt(p: Point, b: Bounds): SnapZone | null {
  const left = p.x <= SNAP_EDGE;
  const right = p.x >= b.width - SNAP_EDGE;
  const top = p.y <= SNAP_EDGE;
  const bottom = p.y >= b.height - SNAP_EDGE;
  const nearTop = p.y <= SNAP_CORNER;
  const nearBottom = p.y >= b.height - SNAP_CORNER;
  const nearLeft = p.x <= SNAP_CORNER;
  const nearRight = p.x >= b.width - SNAP_CORNER;
  if ((left && nearTop) || (top && nearLeft)) return "top-left";
  if ((right && nearTop) || (top && nearRight)) return "top-right";
  if ((left && nearBottom) || (bottom && nearLeft)) return "bottom-left";
  if ((right && nearBottom) || (bottom && nearRight)) return "bottom-right";
  if (top) return "max";
  if (left) return "left";
  if (right) return "right";
  return null;
}

export function moveRect(start: Rect, dx: number, dy: number, b: Bounds): Rect {
  return clampRect({ ...start, x: start.x + dx, y: start.y + dy }, b);
}

/** Resizes by the dragged edges; the opposite edges stay put, and no edge leaves the desktop. */
export function resizeRect(start: Rect, edges: Edges, dx: number, dy: number, b: Bounds): Rect {
  let { x, y, w, h } = start;
  const right = start.x + start.w;
  const bottom = start.y + start.h;
  if (edges.e) w = Math.min(Math.max(MIN_W, start.w + dx), b.width - start.x);
  if (edges.s) h = Math.min(Math.max(MIN_H, start.h + dy), b.height - start.y);
  if (edges.w) {
    x = Math.min(Math.max(0, start.x + dx), right - MIN_W);
    w = right - x;
  }
  if (edges.n) {
    y = Math.min(Math.max(0, start.y + dy), bottom - MIN_H);
    h = bottom - y;
  }
  return { x: Math.round(x), y: Math.round(y), w: Math.round(w), h: Math.round(h) };
}

/**
 * A snapped window dragged away gets its own size back, placed so the pointer keeps the same
 * relative spot on the title bar (as desktop OSes do).
 */
export function unsnapRect(free: Rect, shown: Rect, pointer: Point, b: Bounds): Rect {
  const ratio = shown.w > 0 ? (pointer.x - shown.x) / shown.w : 0.5;
  const x = pointer.x - ratio * free.w;
  return clampRect({ x, y: shown.y, w: free.w, h: free.h }, b);
}
