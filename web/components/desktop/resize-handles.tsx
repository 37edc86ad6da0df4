import type { PointerEvent as ReactPointerEvent } from "react";
import type { Edges } from "@/web/lib/window-geometry";

type Handler = (e: ReactPointerEvent<HTMLElement>) => void;

const HANDLES: { edges: Edges; className: string; testId?: string }[] = [
  { edges: { n: true }, className: "inset-x-3 top-0 h-1.5 cursor-ns-resize" },
  { edges: { s: true }, className: "inset-x-3 bottom-0 h-1.5 cursor-ns-resize" },
  { edges: { w: true }, className: "inset-y-3 left-0 w-1.5 cursor-ew-resize" },
  { edges: { e: true }, className: "inset-y-3 right-0 w-1.5 cursor-ew-resize" },
  { edges: { n: true, w: true }, className: "top-0 left-0 size-3 cursor-nwse-resize" },
  { edges: { n: true, e: true }, className: "top-0 right-0 size-3 cursor-nesw-resize" },
  { edges: { s: true, w: true }, className: "bottom-0 left-0 size-3 cursor-nesw-resize" },
  { edges: { s: true, e: true }, className: "right-0 bottom-0 size-4 cursor-nwse-resize", testId: "window-resize" },
];

/** Edges and corners a window is resized by; pointer-only (Ctrl+Alt+arrows are the keyboard's way). */
export function ResizeHandles({ onPointerDown, onPointerMove, onPointerUp }: { onPointerDown: (edges: Edges, e: ReactPointerEvent<HTMLElement>) => void; onPointerMove: Handler; onPointerUp: Handler }) {
  return (
    <>
      {HANDLES.map((h) => (
        <div
          key={h.className}
          aria-hidden="true"
          data-testid={h.testId}
          onPointerDown={(e) => onPointerDown(h.edges, e)}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerCancel={onPointerUp}
          className={`absolute z-20 touch-none ${h.className}`}
        >
          {h.testId && (
            <svg viewBox="0 0 16 16" className="size-4 text-fg-subtle" aria-hidden="true">
              <path d="M14 6L6 14M14 10L10 14" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
            </svg>
          )}
        </div>
      ))}
    </>
  );
}
