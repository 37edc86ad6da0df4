"use client";

import { useRef, type PointerEvent as ReactPointerEvent } from "react";
import { useWindowManager, type Win } from "@/web/hooks/use-window-manager";
import { Glyph } from "@/web/components/ui/glyphs";
import { useWindowTitle, WindowBody } from "./window-body";

/** Pull the grabber down this far and let go to close the sheet. */
const DISMISS_PX = 110;

/**
 * A phone's bottom sheet for the store, settings and app settings; swipe down or tap × to close.
 * Its huge shadow dims whatever is beneath (and nothing above), without an extra element.
 */
export function PhoneSheet({ win, focused }: { win: Win; focused: boolean }) {
  const wm = useWindowManager();
  const title = useWindowTitle(win.key);
  const ref = useRef<HTMLElement>(null);
  const drag = useRef<{ y: number; dy: number } | null>(null);

  // The sheet follows the finger through its style, not React state: no render per touch move.
  const down = (e: ReactPointerEvent<HTMLElement>) => {
    if ((e.target as HTMLElement).closest("button")) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { y: e.clientY, dy: 0 };
  };
  const move = (e: ReactPointerEvent<HTMLElement>) => {
    const d = drag.current;
    if (!d || !ref.current) return;
    d.dy = Math.max(0, e.clientY - d.y);
    ref.current.style.transform = `translateY(${d.dy}px)`;
  };
  const up = () => {
    const d = drag.current;
    drag.current = null;
    if (!d || !ref.current) return;
    ref.current.style.transform = "";
    if (d.dy > DISMISS_PX) wm.close(win.key);
  };

  return (
    <section
      ref={ref}
      data-testid={`window-${win.key}`}
      data-window-key={win.key}
      data-focused={focused ? "true" : "false"}
      aria-label={title}
      hidden={win.minimized}
      style={{ zIndex: win.z }}
      onPointerDownCapture={() => wm.focus(win.key)}
      className="pcc-fade-in absolute inset-x-0 bottom-0 flex h-[calc(100dvh-env(safe-area-inset-top)-0.75rem)] flex-col overflow-hidden rounded-t-3xl bg-surface text-fg shadow-[0_0_0_100vmax_rgb(2_6_23/0.35)]"
    >
      <header onPointerDown={down} onPointerMove={move} onPointerUp={up} onPointerCancel={up} className="relative flex shrink-0 touch-none items-center border-b border-line bg-surface-2 pt-2 pl-5">
        <span aria-hidden="true" className="absolute top-1.5 left-1/2 h-1 w-10 -translate-x-1/2 rounded-full bg-fg-subtle/40" />
        <h2 className="min-w-0 flex-1 truncate pt-1 text-base font-semibold">{title}</h2>
        <button
          type="button"
          aria-label="Close"
          data-testid="window-close"
          onClick={() => wm.close(win.key)}
          className="flex size-12 items-center justify-center rounded-xl text-fg-muted active:bg-surface-3 focus-visible:outline-2 focus-visible:outline-indigo-500"
        >
          <Glyph name="close" className="size-5" />
        </button>
      </header>
      <div className="relative min-h-0 flex-1">
        <WindowBody win={win} />
      </div>
    </section>
  );
}
