import { Glyph, type GlyphName } from "./glyphs";

const TILES = {
  store: { glyph: "store", bg: "from-sky-400 to-indigo-600" },
  system: { glyph: "settings", bg: "from-slate-500 to-slate-800" },
  launcher: { glyph: "grid", bg: "from-violet-500 to-fuchsia-600" },
  search: { glyph: "search", bg: "from-slate-600 to-slate-900" },
  notifications: { glyph: "bell", bg: "from-rose-400 to-orange-500" },
  switcher: { glyph: "switcher", bg: "from-teal-500 to-cyan-700" },
  contacts: { glyph: "people", bg: "from-emerald-500 to-teal-700" },
} as const satisfies Record<string, { glyph: GlyphName; bg: string }>;

/** The shell's own "apps" (App Store, Settings, ...) drawn as app-like tiles. */
export function SystemTile({ kind, className = "size-full" }: { kind: keyof typeof TILES; className?: string }) {
  const t = TILES[kind];
  return (
    <span className={`flex items-center justify-center rounded-[22%] bg-gradient-to-br text-white shadow-sm ${t.bg} ${className}`}>
      <Glyph name={t.glyph} className="size-3/5" />
    </span>
  );
}
