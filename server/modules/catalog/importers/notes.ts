import { NOTE_LEVELS, type Note, type NoteLevel } from "./types";

const MAX_NOTES = 300;
const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
/** One line, bounded: notes quote values from the source, which may be anything. */
const oneLine = (s: string, n = 600) => clip(s.replace(/[\u0000-\u001f\u007f]+/g, " ").replace(/\s+/g, " ").trim(), n);

/**
 * Collects the notes of one import. Fields that are merely ignored on several services ("restart") are
 * folded into one note per field, so the list stays readable.
 */
export class Notes {
  private readonly list: Note[] = [];
  private readonly ignored = new Map<string, { file: string; field: string; services: string[]; why: string; level: NoteLevel }>();
  private overflow = 0;

  add(level: NoteLevel, source: string, message: string, extra: { breaksApp?: boolean } = {}): void {
    if (this.list.length >= MAX_NOTES) {
      this.overflow++;
      return;
    }
    const note: Note = { level, source: oneLine(source, 200), message: oneLine(message) };
    if (extra.breaksApp) note.breaksApp = true;
    if (!this.list.some((n) => n.level === note.level && n.source === note.source && n.message === note.message)) this.list.push(note);
  }

  /** A service field with no PCC equivalent; noted once per field across services. */
  ignore(file: string, service: string, field: string, why: string, level: NoteLevel = "dropped"): void {
    const k = `${file}\0${field}\0${why}`;
    const entry = this.ignored.get(k) ?? { file, field, services: [], why, level };
    if (!entry.services.includes(service)) entry.services.push(service);
    this.ignored.set(k, entry);
  }

  /** All notes, most important first (stable within a level). */
  all(): Note[] {
    const folded = [...this.ignored.values()].map((e): Note => {
      const who = e.services.length === 1 ? e.services[0] : `{${e.services.join(",")}}`;
      return { level: e.level, source: oneLine(`${e.file}: services.${who}.${e.field}`, 200), message: oneLine(e.why) };
    });
    const out = [...this.list, ...folded];
    if (this.overflow) out.push({ level: "info", source: "(import)", message: `${this.overflow} more notes were left out` });
    const rank = (l: NoteLevel) => NOTE_LEVELS.indexOf(l);
    return out.map((n, i) => ({ n, i })).sort((a, b) => Number(!!b.n.breaksApp) - Number(!!a.n.breaksApp) || rank(a.n.level) - rank(b.n.level) || a.i - b.i).map((x) => x.n);
  }
}

const LABEL: Record<NoteLevel, string> = { blocking: "BLOCKING", refused: "REFUSED", review: "REVIEW", dropped: "dropped", info: "info" };

/** The notes as the CLI prints them: a count per level, then one line per note. */
export function formatNotes(notes: Note[]): string {
  if (!notes.length) return "Everything was carried over.\n";
  const counts = NOTE_LEVELS.map((l) => [l, notes.filter((n) => n.level === l).length] as const).filter(([, c]) => c > 0);
  const lines = [`Notes (${counts.map(([l, c]) => `${c} ${l}`).join(", ")}):`];
  for (const n of notes) lines.push(`  ${(n.breaksApp ? "!! " : "") + LABEL[n.level]}`.padEnd(12) + ` ${n.source}: ${n.message}`);
  return `${lines.join("\n")}\n`;
}
