import { describe, expect, it } from "vitest";
import { resizeRect, snapZoneAt, unsnapRect } from "./window-drag";
import { clampRect, placeNewWindow, MIN_H, MIN_W, nextSnap, zoneRect } from "./window-geometry";

const B = { width: 1400, height: 800 };

describe("snapZoneAt", () => {
  it("snaps to halves at the side edges and maximizes at the top", () => {
    expect(snapZoneAt({ x: 0, y: 400 }, B)).toBe("left");
    expect(snapZoneAt({ x: 1399, y: 400 }, B)).toBe("right");
    expect(snapZoneAt({ x: 700, y: 2 }, B)).toBe("max");
    // Over the top bar (negative y) still means the top edge.
    expect(snapZoneAt({ x: 700, y: -20 }, B)).toBe("max");
  });

  it("snaps to quarters near the corners, along either edge", () => {
    expect(snapZoneAt({ x: 0, y: 40 }, B)).toBe("top-left");
    expect(snapZoneAt({ x: 60, y: 0 }, B)).toBe("top-left");
    expect(snapZoneAt({ x: 1400, y: 0 }, B)).toBe("top-right");
    expect(snapZoneAt({ x: 0, y: 790 }, B)).toBe("bottom-left");
    expect(snapZoneAt({ x: 1395, y: 795 }, B)).toBe("bottom-right");
  });

  it("does not snap in the middle or along the bottom edge away from corners", () => {
    expect(snapZoneAt({ x: 700, y: 400 }, B)).toBeNull();
    expect(snapZoneAt({ x: 40, y: 400 }, B)).toBeNull();
    expect(snapZoneAt({ x: 700, y: 799 }, B)).toBeNull();
  });
});

describe("zoneRect", () => {
  it("tiles halves and quarters without overlap on odd sizes", () => {
    const b = { width: 1001, height: 701 };
    const l = zoneRect("left", b);
    const r = zoneRect("right", b);
    expect(l.x + l.w).toBe(r.x);
    expect(r.x + r.w).toBe(1001);
    const tl = zoneRect("top-left", b);
    const bl = zoneRect("bottom-left", b);
    expect(tl.y + tl.h).toBe(bl.y);
    expect(bl.y + bl.h).toBe(701);
    expect(zoneRect("max", b)).toEqual({ x: 0, y: 0, w: 1001, h: 701 });
  });
});

describe("clampRect", () => {
  it("keeps a window inside and shrinks it when the desktop is smaller", () => {
    expect(clampRect({ x: -50, y: 900, w: 400, h: 300 }, B)).toEqual({ x: 0, y: 500, w: 400, h: 300 });
    expect(clampRect({ x: 10, y: 10, w: 2000, h: 2000 }, B)).toEqual({ x: 0, y: 0, w: 1400, h: 800 });
  });

  it("never makes a window smaller than the minimum unless the desktop is", () => {
    expect(clampRect({ x: 0, y: 0, w: 10, h: 10 }, B)).toMatchObject({ w: MIN_W, h: MIN_H });
    expect(clampRect({ x: 0, y: 0, w: 10, h: 10 }, { width: 200, height: 100 })).toMatchObject({ w: 200, h: 100 });
  });
});

describe("resizeRect", () => {
  const start = { x: 200, y: 100, w: 600, h: 400 };

  it("moves only the dragged edges", () => {
    expect(resizeRect(start, { e: true, s: true }, 50, 30, B)).toEqual({ x: 200, y: 100, w: 650, h: 430 });
    expect(resizeRect(start, { w: true, n: true }, -50, -30, B)).toEqual({ x: 150, y: 70, w: 650, h: 430 });
  });

  it("stops at the minimum size and at the desktop's edges", () => {
    expect(resizeRect(start, { w: true }, 1000, 0, B)).toMatchObject({ x: 800 - MIN_W, w: MIN_W });
    expect(resizeRect(start, { e: true }, 5000, 0, B)).toMatchObject({ x: 200, w: 1200 });
    expect(resizeRect(start, { n: true }, 0, -500, B)).toMatchObject({ y: 0, h: 500 });
  });
});

describe("unsnapRect", () => {
  it("restores the free size with the pointer at the same relative spot", () => {
    const free = { x: 0, y: 0, w: 400, h: 300 };
    const shown = zoneRect("max", B);
    const r = unsnapRect(free, shown, { x: 700, y: 10 }, B);
    expect(r).toMatchObject({ w: 400, h: 300, x: 500, y: 0 });
  });
});

describe("placeNewWindow", () => {
  it("centres the first window and cascades the next off the window in front", () => {
    const first = placeNewWindow({ w: 800, h: 600 }, B, null);
    expect(first).toEqual({ x: 300, y: 24, w: 800, h: 600 });
    const second = placeNewWindow({ w: 500, h: 400 }, B, first);
    expect(second).toMatchObject({ x: 340, y: 64 });
  });

  it("starts over at the top-left when the next step would leave the desktop", () => {
    const far = { x: 900, y: 300, w: 500, h: 480 };
    expect(placeNewWindow({ w: 600, h: 500 }, B, far)).toMatchObject({ x: 24, y: 24 });
  });

  it("shrinks a window larger than a small desktop", () => {
    const r = placeNewWindow({ w: 800, h: 600 }, { width: 500, height: 400 }, null);
    expect(r.x + r.w).toBeLessThanOrEqual(500);
    expect(r.y + r.h).toBeLessThanOrEqual(400);
  });
});

describe("nextSnap", () => {
  it("walks halves, quarters and maximized like Windows", () => {
    expect(nextSnap(null, "left")).toEqual({ snap: "left" });
    expect(nextSnap("left", "up")).toEqual({ snap: "top-left" });
    expect(nextSnap("top-left", "down")).toEqual({ snap: "left" });
    expect(nextSnap("left", "down")).toEqual({ snap: "bottom-left" });
    expect(nextSnap("right", "left")).toEqual({ snap: null });
    expect(nextSnap(null, "up")).toEqual({ snap: "max" });
    expect(nextSnap("max", "down")).toEqual({ snap: null });
  });

  it("minimizes a plain window on down", () => {
    expect(nextSnap(null, "down")).toEqual({ snap: null, minimize: true });
  });
});
