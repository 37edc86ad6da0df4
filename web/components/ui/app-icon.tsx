"use client";

import { useState } from "react";

/** Apps without an icon (or whose icon fails to load) still get a recognisable, stable tile instead of a broken image. */
const GRADIENTS = [
  "from-sky-400 to-indigo-500",
  "from-emerald-400 to-teal-600",
  "from-amber-400 to-orange-500",
  "from-fuchsia-400 to-purple-600",
  "from-rose-400 to-pink-600",
  "from-lime-400 to-green-600",
];

function hash(text: string): number {
  let h = 0;
  for (const ch of text) h = (h * 31 + ch.charCodeAt(0)) | 0;
  return Math.abs(h);
}

export function AppIcon({ name, iconUrl, className = "size-12" }: { name: string; iconUrl: string | null; className?: string }) {
  const [failed, setFailed] = useState<string | null>(null);
  if (iconUrl && failed !== iconUrl) {
    return (
      // eslint-disable-next-line @next/next/no-img-element -- icons are tiny, served by the PCC itself
      <img src={iconUrl} alt="" draggable={false} onError={() => setFailed(iconUrl)} className={`${className} shrink-0 rounded-[22%] bg-white object-cover shadow-sm`} />
    );
  }
  return (
    <div
      aria-hidden="true"
      className={`${className} flex shrink-0 items-center justify-center rounded-[22%] bg-gradient-to-br font-semibold [container-type:size] text-white shadow-sm ${GRADIENTS[hash(name) % GRADIENTS.length]}`}
    >
      <span className="text-[48cqw] leading-none">{name.slice(0, 1).toUpperCase()}</span>
    </div>
  );
}
