"use client";

import { useEffect, useState } from "react";
import { useNotifications } from "@/web/hooks/use-notifications";
import { useShell } from "@/web/hooks/use-shell";
import { isMac } from "@/web/lib/keys";
import { Glyph } from "@/web/components/ui/glyphs";

/** The desktop's menu bar: all apps and search on the left, notifications and the time on the right. */
export function TopBar() {
  const shell = useShell();
  const { unread } = useNotifications();
  const [mac, setMac] = useState(false);
  useEffect(() => setMac(isMac()), []);
  const now = useMinuteClock();

  return (
    <header
      data-testid="top-bar"
      className="fixed inset-x-0 top-0 z-[90000] flex h-[var(--top-reserve)] items-center gap-1 bg-white/55 px-2 text-[13px] text-slate-900 shadow-sm backdrop-blur-2xl dark:bg-slate-950/60 dark:text-slate-100"
    >
      <BarButton testId="top-launcher" label="All apps" onClick={() => shell.toggleOverlay("launcher")}>
        <span className="font-semibold tracking-wide">PCC</span>
      </BarButton>
      <BarButton testId="top-search" label="Search" onClick={() => shell.toggleOverlay("palette")}>
        <Glyph name="search" className="size-4" />
        <span>Search</span>
        <kbd className="rounded bg-slate-900/10 px-1 font-sans text-[11px] dark:bg-white/15">{mac ? "⌘K" : "Ctrl K"}</kbd>
      </BarButton>
      <span className="flex-1" />
      <BarButton testId="top-shortcuts" label="Keyboard shortcuts" onClick={() => shell.toggleOverlay("shortcuts")}>
        <Glyph name="keyboard" className="size-4" />
      </BarButton>
      <BarButton testId="top-notifications" label={unread ? `Notifications, ${unread} unread` : "Notifications"} onClick={() => shell.toggleOverlay("notifications")}>
        <Glyph name="bell" className="size-4" />
        {unread > 0 && (
          <span data-testid="top-unread" className="min-w-4 rounded-full bg-rose-600 px-1 text-center text-[11px] font-semibold text-white">
            {unread}
          </span>
        )}
      </BarButton>
      <time className="px-2 tabular-nums" dateTime={now?.toISOString()}>
        {now?.toLocaleString([], { weekday: "short", hour: "2-digit", minute: "2-digit" })}
      </time>
    </header>
  );
}

function BarButton({ testId, label, onClick, children }: { testId: string; label: string; onClick: () => void; children: React.ReactNode }) {
  return (
    <button
      type="button"
      data-testid={testId}
      aria-label={label}
      title={label}
      onClick={onClick}
      className="flex h-6 items-center gap-1.5 rounded-md px-2 hover:bg-slate-900/10 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:hover:bg-white/15"
    >
      {children}
    </button>
  );
}

/** Rendered only after mount so server and client HTML agree; ticks on the minute. */
export function useMinuteClock(): Date | null {
  const [now, setNow] = useState<Date | null>(null);
  useEffect(() => {
    setNow(new Date());
    const t = setInterval(() => setNow(new Date()), 15_000);
    return () => clearInterval(t);
  }, []);
  return now;
}
