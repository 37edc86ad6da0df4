"use client";

import { useEffect, useRef, type KeyboardEvent, type ReactNode } from "react";
import { createPortal } from "react-dom";

type Variant = "center" | "sheet" | "panel" | "palette";

const PLACEMENT: Record<Variant, string> = {
  // A dialog in the middle of the screen.
  center: "flex items-center justify-center p-4",
  // Phones: rises from the bottom edge, thumb-reachable.
  sheet: "flex items-end justify-center",
  // The notification centre: a column along the right edge, under the top bar.
  panel: "flex justify-end p-2 pt-[calc(var(--top-reserve)+0.5rem)]",
  // The search palette: near the top, where the eye already is.
  palette: "flex items-start justify-center p-4 pt-[12vh]",
};

const BOX: Record<Variant, string> = {
  center: "pcc-pop-in w-full max-w-sm rounded-2xl p-6",
  sheet: "pcc-sheet-in w-full max-h-[88dvh] rounded-t-3xl pb-[env(safe-area-inset-bottom)]",
  panel: "pcc-sheet-in flex w-full max-w-sm flex-col rounded-2xl",
  palette: "pcc-pop-in w-full max-w-xl rounded-2xl",
};

type Props = {
  onClose: () => void;
  /** Accessible name: the id of a visible heading, or a label when there is none. */
  labelledBy?: string;
  label?: string;
  variant?: Variant;
  testId?: string;
  className?: string;
  children: ReactNode;
};

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select, textarea, [tabindex]:not([tabindex="-1"])';

/** Open modals, innermost last: only the top one answers Esc, wherever focus happens to be. */
const stack: symbol[] = [];

/**
 * A modal surface rendered into <body> (windows use CSS transforms, which would trap a fixed overlay
 * inside them). It takes focus, keeps Tab inside, closes on Esc or a click outside, and gives focus
 * back to whatever had it.
 */
export function Modal({ onClose, labelledBy, label, variant = "center", testId, className = "", children }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const onCloseRef = useRef(onClose);
  useEffect(() => {
    onCloseRef.current = onClose;
  });

  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    const el = box.current;
    const first = el?.querySelector<HTMLElement>("[data-autofocus]") ?? el?.querySelector<HTMLElement>(FOCUSABLE) ?? el;
    first?.focus();
    const id = Symbol("modal");
    stack.push(id);
    // On the window, not the dialog: focus may have fallen to <body> (a button inside was removed).
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (stack[stack.length - 1] !== id) return;
      if (e.key === "Escape") {
        e.preventDefault();
        onCloseRef.current();
      } else if (e.key === "Tab" && el && !el.contains(document.activeElement)) {
        e.preventDefault();
        (el.querySelector<HTMLElement>(FOCUSABLE) ?? el).focus();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => {
      window.removeEventListener("keydown", onKey);
      stack.splice(stack.indexOf(id), 1);
      if (before?.isConnected) before.focus();
    };
  }, []);

  /** Keeps Tab cycling inside the dialog. */
  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    if (e.key !== "Tab" || !box.current) return;
    const items = [...box.current.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((n) => n.offsetParent !== null);
    if (items.length === 0) return;
    const first = items[0]!;
    const last = items[items.length - 1]!;
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  }

  return createPortal(
    <div
      className={`fixed inset-0 z-[100000] bg-slate-950/30 backdrop-blur-[2px] ${PLACEMENT[variant]}`}
      onPointerDown={(e) => e.target === e.currentTarget && onClose()}
    >
      <div
        ref={box}
        role="dialog"
        aria-modal="true"
        aria-labelledby={labelledBy}
        aria-label={labelledBy ? undefined : label}
        data-testid={testId}
        tabIndex={-1}
        onKeyDown={onKeyDown}
        className={`bg-surface text-fg shadow-2xl ring-1 ring-line outline-none ${BOX[variant]} ${className}`}
      >
        {children}
      </div>
    </div>,
    document.body,
  );
}
