import { describe, expect, it } from "vitest";
import { EMPTY_WM, focusedWindow, parseLayout, serializeLayout, wmReducer, type WmState } from "./window-state";

const B = { width: 1400, height: 800 };
const size = { w: 800, h: 600 };
const open = (s: WmState, key: string) => wmReducer(s, { type: "open", key, size, bounds: B });

describe("wmReducer", () => {
  it("opens, raises and focuses windows without reordering them", () => {
    let s = open(open(EMPTY_WM, "store"), "app-hello");
    expect(focusedWindow(s)?.key).toBe("app-hello");
    s = wmReducer(s, { type: "focus", key: "store" });
    expect(focusedWindow(s)?.key).toBe("store");
    expect(s.windows.map((w) => w.key)).toEqual(["store", "app-hello"]);
    // Opening an open window focuses it rather than adding another.
    s = open(s, "app-hello");
    expect(s.windows).toHaveLength(2);
    expect(focusedWindow(s)?.key).toBe("app-hello");
  });

  it("minimizes out of focus and restores on focus", () => {
    let s = open(open(EMPTY_WM, "store"), "app-hello");
    s = wmReducer(s, { type: "minimize", key: "app-hello" });
    expect(focusedWindow(s)?.key).toBe("store");
    s = wmReducer(s, { type: "focus", key: "app-hello" });
    expect(s.windows.find((w) => w.key === "app-hello")?.minimized).toBe(false);
    expect(focusedWindow(s)?.key).toBe("app-hello");
    s = wmReducer(s, { type: "minimize-all" });
    expect(focusedWindow(s)).toBeNull();
  });

  it("keeps the free rectangle while snapped and clears the snap when moved", () => {
    let s = open(EMPTY_WM, "store");
    const free = { ...s.windows[0]! };
    s = wmReducer(s, { type: "snap", key: "store", snap: "left" });
    expect(s.windows[0]).toMatchObject({ snap: "left", x: free.x, w: free.w });
    s = wmReducer(s, { type: "set-rect", key: "store", rect: { x: 5, y: 6, w: 500, h: 400 } });
    expect(s.windows[0]).toMatchObject({ snap: null, x: 5, y: 6, w: 500, h: 400 });
  });

  it("sets the view when reopening with one", () => {
    let s = wmReducer(EMPTY_WM, { type: "open", key: "system", size, bounds: B, view: "general" });
    s = wmReducer(s, { type: "open", key: "system", size, bounds: B, view: "appearance" });
    expect(s.windows[0]?.view).toBe("appearance");
  });
});

describe("layout persistence", () => {
  it("round-trips a layout", () => {
    let s = open(open(EMPTY_WM, "store"), "app-hello");
    s = wmReducer(s, { type: "snap", key: "store", snap: "right" });
    s = wmReducer(s, { type: "minimize", key: "app-hello" });
    const back = parseLayout(serializeLayout(s), B);
    expect(back).toEqual(s);
  });

  it("fits restored windows to a smaller screen", () => {
    const s = wmReducer(open(EMPTY_WM, "store"), { type: "set-rect", key: "store", rect: { x: 1000, y: 500, w: 800, h: 600 } });
    const small = parseLayout(serializeLayout(s), { width: 900, height: 700 });
    const w = small.windows[0]!;
    expect(w.x + w.w).toBeLessThanOrEqual(900);
    expect(w.y + w.h).toBeLessThanOrEqual(700);
  });

  it("drops anything malformed", () => {
    expect(parseLayout(null, B)).toEqual(EMPTY_WM);
    expect(parseLayout("not json", B)).toEqual(EMPTY_WM);
    expect(parseLayout('{"v":2,"windows":[]}', B)).toEqual(EMPTY_WM);
    const raw = JSON.stringify({
      v: 1,
      windows: [
        { key: "store", x: 1, y: 2, w: 500, h: 400, z: 12, snap: "sideways", minimized: "yes" },
        { key: "store", x: 1, y: 2, w: 500, h: 400, z: 13 },
        { key: "<script>", x: 1, y: 2, w: 500, h: 400, z: 14 },
        { key: "system", x: "1", y: 2, w: 500, h: 400, z: 15 },
        null,
      ],
    });
    const s = parseLayout(raw, B);
    expect(s.windows).toEqual([{ key: "store", x: 1, y: 2, w: 500, h: 400, z: 12, snap: null, minimized: false }]);
    expect(s.topZ).toBe(12);
  });
});

describe("keyboard snapping", () => {
  it("acts on the focused window only", () => {
    let s = open(open(EMPTY_WM, "store"), "app-hello");
    s = wmReducer(s, { type: "snap-key", arrow: "left" });
    s = wmReducer(s, { type: "snap-key", arrow: "up" });
    expect(s.windows.find((w) => w.key === "app-hello")?.snap).toBe("top-left");
    expect(s.windows.find((w) => w.key === "store")?.snap).toBeNull();
    s = wmReducer(s, { type: "toggle-max", key: "store" });
    expect(s.windows.find((w) => w.key === "store")?.snap).toBe("max");
    s = wmReducer(s, { type: "toggle-max", key: "store" });
    expect(s.windows.find((w) => w.key === "store")?.snap).toBeNull();
  });

  it("minimizes a plain focused window on down", () => {
    let s = open(EMPTY_WM, "store");
    s = wmReducer(s, { type: "snap-key", arrow: "down" });
    expect(s.windows[0]?.minimized).toBe(true);
    expect(wmReducer(s, { type: "snap-key", arrow: "down" })).toBe(s);
  });
});
