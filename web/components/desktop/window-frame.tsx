"use client";

import { useRef, type PointerEvent as ReactPointerEvent, type ReactNode } from "react";
import { clampRect, clampSize, desktopBounds, useWindowManager, type Rect, type Win } from "@/web/hooks/use-window-manager";

type Props = {
  win: Win;
  title: string;
  focused: boolean;
  phone: boolean;
  /** Extra title-bar buttons (e.g. app settings), shown before maximize/close. */
  actions?: ReactNode;
  children: ReactNode;
};

type Gesture = { kind: "move" | "resize"; startX: number; startY: number; rect: Rect; last: Rect };

export function WindowFrame({ win, title, focused, phone, actions, children }: Props) {
  const wm = useWindowManager();
  const ref = useRef<HTMLElement>(null);
  const gesture = useRef<Gesture | null>(null);
  const free = !phone && !win.maximized;

  // During a gesture we write the DOM directly and commit once on release: re-rendering a window
  // (and its iframe subtree) on every pointermove is what makes web desktops feel sluggish.
  function begin(kind: Gesture["kind"], e: ReactPointerEvent<HTMLElement>) {
    if (!free || e.button !== 0) return;
    if (kind === "move" && (e.target as HTMLElement).closest("button")) return;
    e.preventDefault();
    e.currentTarget.setPointerCapture(e.pointerId);
    const rect = { x: win.x, y: win.y, w: win.w, h: win.h };
    gesture.current = { kind, startX: e.clientX, startY: e.clientY, rect, last: rect };
    wm.focus(win.key);
    wm.setInteracting(true);
  }

  function track(e: ReactPointerEvent<HTMLElement>) {
    const g = gesture.current;
    const el = ref.current;
    if (!g || !el) return;
    const dx = e.clientX - g.startX;
    const dy = e.clientY - g.startY;
    const bounds = desktopBounds();
    if (g.kind === "move") {
      g.last = clampRect({ ...g.rect, x: g.rect.x + dx, y: g.rect.y + dy }, bounds);
      el.style.transform = `translate3d(${g.last.x}px, ${g.last.y}px, 0)`;
    } else {
      g.last = clampSize({ ...g.rect, w: g.rect.w + dx, h: g.rect.h + dy }, bounds);
      el.style.width = `${g.last.w}px`;
      el.style.height = `${g.last.h}px`;
    }
  }

  function end(e: ReactPointerEvent<HTMLElement>) {
    const g = gesture.current;
    if (!g) return;
    gesture.current = null;
    if (e.currentTarget.hasPointerCapture(e.pointerId)) e.currentTarget.releasePointerCapture(e.pointerId);
    wm.setRect(win.key, g.last);
    wm.setInteracting(false);
  }

  const placement = phone
    ? { zIndex: win.z }
    : win.maximized
      ? { zIndex: win.z, transform: "translate3d(0,0,0)", width: "100%", height: "100%" }
      : { zIndex: win.z, transform: `translate3d(${win.x}px, ${win.y}px, 0)`, width: win.w, height: win.h };

  return (
    <section
      ref={ref}
      data-testid={`window-${win.key}`}
      data-window-key={win.key}
      data-focused={focused ? "true" : "false"}
      aria-label={title}
      style={placement}
      onPointerDownCapture={() => wm.focus(win.key)}
      className={`pcc-window flex flex-col overflow-hidden bg-white/85 backdrop-blur-2xl ${
        phone ? "fixed inset-x-0 top-0 bottom-[var(--dock-phone)] rounded-none" : "absolute top-0 left-0 rounded-xl"
      } ${focused ? "shadow-2xl ring-2 ring-indigo-500/60" : "shadow-xl ring-1 ring-slate-900/10"}`}
    >
      <header
        data-testid="window-titlebar"
        onPointerDown={(e) => begin("move", e)}
        onPointerMove={track}
        onPointerUp={end}
        onPointerCancel={end}
        onDoubleClick={(e) => !phone && !(e.target as HTMLElement).closest("button") && wm.toggleMaximize(win.key)}
        className={`flex h-10 shrink-0 touch-none items-center gap-2 border-b border-slate-900/5 pr-1.5 pl-4 select-none ${
          free ? "cursor-grab active:cursor-grabbing" : ""
        } ${focused ? "bg-white/70" : "bg-slate-50/60"}`}
      >
        <h2 className={`min-w-0 flex-1 truncate text-[13px] font-semibold ${focused ? "text-slate-800" : "text-slate-500"}`}>{title}</h2>
        {actions}
        {!phone && (
          <TitleButton label={win.maximized ? "Restore" : "Maximize"} onClick={() => wm.toggleMaximize(win.key)}>
            {win.maximized ? <path d="M5 9h6v6H5zM9 5h6v6" /> : <rect x="5" y="5" width="10" height="10" rx="1.5" />}
          </TitleButton>
        )}
        <TitleButton label="Close" testId="window-close" onClick={() => wm.close(win.key)}>
          <path d="M6 6l8 8M14 6l-8 8" />
        </TitleButton>
      </header>
      <div className="relative min-h-0 flex-1">
        {children}
        {/* Iframes swallow pointer events, which would strand a drag the moment the cursor crosses one. */}
        {wm.interacting && <div className="absolute inset-0 z-10" aria-hidden="true" />}
      </div>
      {free && (
        <div
          data-testid="window-resize"
          aria-hidden="true"
          onPointerDown={(e) => begin("resize", e)}
          onPointerMove={track}
          onPointerUp={end}
          onPointerCancel={end}
          className="absolute right-0 bottom-0 z-20 size-4 cursor-nwse-resize touch-none"
        >
          <svg viewBox="0 0 16 16" className="size-4 text-slate-400" aria-hidden="true">
            <path d="M14 6L6 14M14 10L10 14" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
          </svg>
        </div>
      )}
    </section>
  );
}

export function TitleButton({
  label,
  testId,
  onClick,
  children,
}: {
  label: string;
  testId?: string;
  onClick: () => void;
  children: ReactNode;
}) {
  return (
    <button
      type="button"
      aria-label={label}
      title={label}
      data-testid={testId}
      onClick={onClick}
      className="flex size-7 items-center justify-center rounded-md text-slate-500 transition-colors hover:bg-slate-900/5 hover:text-slate-800 focus-visible:outline-2 focus-visible:outline-indigo-500"
    >
      <svg viewBox="0 0 20 20" className="size-4" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round">
        {children}
      </svg>
    </button>
  );
}
