"use client";

import { useMinuteClock } from "./top-bar";

function greet(hour: number): string {
  if (hour < 5) return "Good night";
  if (hour < 12) return "Good morning";
  if (hour < 18) return "Good afternoon";
  return "Good evening";
}

/** Sits on the wallpaper behind all windows. */
export function Greeting({ className = "top-[14vh]" }: { className?: string }) {
  const now = useMinuteClock();
  if (!now) return null;
  return (
    <div className={`pointer-events-none absolute inset-x-0 text-center text-[var(--wallpaper-ink,#fff)] select-none [text-shadow:0_1px_12px_rgb(15_23_42/0.35)] ${className}`}>
      <p className="text-6xl font-light tracking-tight tabular-nums">{now.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}</p>
      <p className="mt-2 text-lg font-medium opacity-90">
        {greet(now.getHours())} · {now.toLocaleDateString([], { weekday: "long", month: "long", day: "numeric" })}
      </p>
    </div>
  );
}
