"use client";

import { useEffect, useState } from "react";

function greet(hour: number): string {
  if (hour < 5) return "Good night";
  if (hour < 12) return "Good morning";
  if (hour < 18) return "Good afternoon";
  return "Good evening";
}

/** Sits on the wallpaper behind all windows; rendered only after mount so server and client HTML agree. */
export function Greeting() {
  const [now, setNow] = useState<Date | null>(null);
  useEffect(() => {
    setNow(new Date());
    const t = setInterval(() => setNow(new Date()), 30_000);
    return () => clearInterval(t);
  }, []);
  if (!now) return null;
  return (
    <div className="pointer-events-none absolute inset-x-0 top-[14vh] text-center text-white select-none [text-shadow:0_1px_12px_rgb(15_23_42/0.25)]">
      <p className="text-6xl font-light tracking-tight tabular-nums">{now.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}</p>
      <p className="mt-2 text-lg font-medium opacity-90">
        {greet(now.getHours())} · {now.toLocaleDateString([], { weekday: "long", month: "long", day: "numeric" })}
      </p>
    </div>
  );
}
