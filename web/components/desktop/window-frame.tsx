"use client";

import { useEffect, useRef, type PointerEvent as ReactPointerEvent, type ReactNode } from "react";
import { useWindowManager, type Win } from "@/web/hooks/use-window-manager";
import { moveRect, resizeRect, snapZoneAt, unsnapRect } from "@/web/lib/window-drag";
import { TOP_RESERVE, zoneRect, type Edges, type Rect, type SnapZone } from "@/web/lib/window-geometry";
import { Glyph, type GlyphName } from "@/web/components/ui/glyphs";
import { ResizeHandles } from "./resize-handles";

type Props = {
  win: Win;
  title: string;
  /** The app's host, always visible so an app can never pass itself off as another (or as the shell). */
  origin?: string;
  focused: boolean;
  /** Extra title-bar buttons (reload, app settings), shown before minimize/maximize/close. */
  actions?: ReactNode;
  children: ReactNode;
};

type Gesture = {
  kind: "move" | "resize";
  edges: Edges;
  startX: number;
  startY: number;
  start: Rect;
  snapped: boolean;
  moved: boolean;
  last: Rect;
  zone: SnapZone | null;
};

/** Pixels the pointer must travel before a press on the title bar becomes a drag (so clicks stay clicks). */
const DRAG_SLOP = 3;

export function WindowFrame({ win, title, origin, focused, actions, children }: Props) {
  const wm = useWindowManager();
  const ref = useRef<HTMLElement>(null);
  const gesture = useRef<Gesture | null>(null);
  const shown: Rect = win.snap ? zoneRect(win.snap, wm.bounds) : win;

  // Keyboard focus follows the window in front (opened from the dock, restored, cycled to), so Tab
  // continues inside it. Never taken from inside the window (an app's iframe) or from an open dialog.
  useEffect(() => {
    const el = ref.current;
    const active = document.activeElement;
    if (!focused || !el || win.minimized || el.contains(active) || active?.closest('[role="dialog"]')) return;
    el.focus({ preventScroll: true });
  }, [focused, win.minimized]);

  // During a gesture the DOM is written directly and React state is committed once, on release:
  // re-rendering a window (and its iframe subtree) on every pointermove is what makes web desktops lag.
  function begin(kind: Gesture["kind"], edges: Edges, e: ReactPointerEvent<HTMLElement>) {
    if (e.button !== 0 || (kind === "move" && (e.target as HTMLElement).closest("button"))) return;
    e.preventDefault();
    e.currentTarget.setPointerCapture(e.pointerId);
    gesture.current = { kind, edges, startX: e.clientX, startY: e.clientY, start: shown, snapped: win.snap !== null, moved: false, last: shown, zone: null };
  }

  function track(e: ReactPointerEvent<HTMLElement>) {
    const g = gesture.current;
    const el = ref.current;
    if (!g || !el) return;
    const dx = e.clientX - g.startX;
    const dy = e.clientY - g.startY;
    if (!g.moved) {
      if (Math.abs(dx) + Math.abs(dy) < DRAG_SLOP) return;
      g.moved = true;
      document.documentElement.dataset.pccDragging = g.kind;
      el.style.willChange = "transform";
      if (g.kind === "move" && g.snapped) {
        // A snapped window pulled away gets its own size back under the pointer.
        g.start = unsnapRect(win, g.start, { x: g.startX, y: g.startY - TOP_RESERVE }, wm.bounds);
      }
    }
    if (g.kind === "move") {
      g.last = moveRect(g.start, dx, dy, wm.bounds);
      const zone = snapZoneAt({ x: e.clientX, y: e.clientY - TOP_RESERVE }, wm.bounds);
      if (zone !== g.zone) {
        g.zone = zone;
        showPreview(zone);
      }
    } else {
      g.last = resizeRect(g.start, g.edges, dx, dy, wm.bounds);
    }
    place(el, g.last);
  }

  function end(e: ReactPointerEvent<HTMLElement>) {
    const g = gesture.current;
    if (!g) return;
    gesture.current = null;
    if (e.currentTarget.hasPointerCapture(e.pointerId)) e.currentTarget.releasePointerCapture(e.pointerId);
    if (!g.moved) return;
    delete document.documentElement.dataset.pccDragging;
    const el = ref.current;
    if (el) el.style.willChange = "";
    showPreview(null);
    if (g.kind === "move" && g.zone) {
      // Write the final place too: if it equals what React last rendered, React will not touch the DOM.
      if (el) place(el, zoneRect(g.zone, wm.bounds));
      wm.snap(win.key, g.zone);
    } else {
      wm.setRect(win.key, g.last);
    }
  }

  function showPreview(zone: SnapZone | null) {
    const p = wm.previewRef.current;
    if (!p) return;
    if (!zone) {
      p.style.display = "none";
      return;
    }
    p.style.display = "block";
    place(p, zoneRect(zone, wm.bounds));
  }

  const maximized = win.snap === "max";
  return (
    <section
      ref={ref}
      data-testid={`window-${win.key}`}
      data-window-key={win.key}
      data-focused={focused ? "true" : "false"}
      data-snap={win.snap ?? "none"}
      aria-label={title}
      tabIndex={-1}
      hidden={win.minimized}
      style={{ zIndex: win.z, transform: `translate3d(${shown.x}px, ${shown.y}px, 0)`, width: shown.w, height: shown.h }}
      onPointerDownCapture={() => wm.focus(win.key)}
      className={`absolute top-0 left-0 flex flex-col overflow-hidden bg-surface text-fg outline-none [contain:layout_paint] ${maximized ? "rounded-none" : "rounded-xl"} ${
        focused ? "shadow-2xl ring-1 ring-indigo-500/70" : "shadow-xl ring-1 ring-line"
      }`}
    >
      <header
        data-testid="window-titlebar"
        onPointerDown={(e) => begin("move", {}, e)}
        onPointerMove={track}
        onPointerUp={end}
        onPointerCancel={end}
        onDoubleClick={(e) => !(e.target as HTMLElement).closest("button") && wm.toggleMaximize(win.key)}
        className={`flex h-10 shrink-0 touch-none items-center gap-2 border-b border-line pr-1.5 pl-4 select-none ${focused ? "bg-surface-2" : "bg-surface"}`}
      >
        <h2 className={`min-w-0 shrink truncate text-[13px] font-semibold ${focused ? "text-fg" : "text-fg-subtle"}`}>{title}</h2>
        {origin && (
          <span
            data-testid="window-origin"
            title={`This app is served from ${origin}`}
            className="flex min-w-0 shrink-[0.2] items-center gap-1 rounded-md bg-surface-3 px-1.5 py-0.5 font-mono text-[11px] text-fg-muted"
          >
            <Glyph name="lock" className="size-3 shrink-0" />
            <span className="truncate">{origin}</span>
          </span>
        )}
        <span className="flex-1" />
        {actions}
        <TitleButton label="Minimize" glyph="minimize" testId="window-minimize" onClick={() => wm.minimize(win.key)} />
        <TitleButton label={maximized ? "Restore" : "Maximize"} glyph={maximized ? "restore" : "maximize"} testId="window-maximize" onClick={() => wm.toggleMaximize(win.key)} />
        <TitleButton label="Close" glyph="close" testId="window-close" onClick={() => wm.close(win.key)} />
      </header>
      <div className="relative min-h-0 flex-1">{children}</div>
      {!maximized && <ResizeHandles onPointerDown={(edges, e) => begin("resize", edges, e)} onPointerMove={track} onPointerUp={end} />}
    </section>
  );
}

function place(el: HTMLElement, r: Rect) {
  el.style.transform = `translate3d(${r.x}px, ${r.y}px, 0)`;
  el.style.width = `${r.w}px`;
  el.style.height = `${r.h}px`;
}

export function TitleButton({ label, glyph, testId, onClick }: { label: string; glyph: GlyphName; testId?: string; onClick: () => void }) {
  return (
    <button
      type="button"
      aria-label={label}
      title={label}
      data-testid={testId}
      onClick={onClick}
      className="flex size-7 shrink-0 items-center justify-center rounded-md text-fg-subtle transition-colors hover:bg-surface-3 hover:text-fg focus-visible:outline-2 focus-visible:outline-indigo-500"
    >
      <Glyph name={glyph} className="size-4" />
    </button>
  );
}
