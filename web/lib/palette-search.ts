/** Ranking for the search palette: small and predictable beats clever for a list of a few dozen entries. */

export type Searchable = { label: string; keywords?: readonly string[] };

/**
 * Scores how well `query` matches an entry: 0 means no match. Every word of the query must match
 * the label or a keyword; a match at the start of the label beats the start of a word, which beats
 * anywhere inside.
 */
export function matchScore(query: string, entry: Searchable): number {
  const words = normalize(query).split(" ").filter(Boolean);
  if (words.length === 0) return 1;
  const label = normalize(entry.label);
  const keywords = (entry.keywords ?? []).map(normalize);
  let score = 0;
  for (const word of words) {
    const s = Math.max(wordScore(word, label, 3), ...keywords.map((k) => wordScore(word, k, 1)));
    if (s === 0) return 0;
    score += s;
  }
  return score;
}

function wordScore(word: string, text: string, weight: number): number {
  if (text.startsWith(word)) return 4 * weight;
  if (text.includes(` ${word}`)) return 3 * weight;
  if (text.includes(word)) return 1 * weight;
  return 0;
}

function normalize(s: string): string {
  return s
    .toLowerCase()
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

/** Filters and orders entries; ties keep their original order, so groups stay together. */
export function rankEntries<T extends Searchable>(query: string, entries: readonly T[], limit = 30): T[] {
  return entries
    .map((entry, i) => ({ entry, i, score: matchScore(query, entry) }))
    .filter((r) => r.score > 0)
    .sort((a, b) => b.score - a.score || a.i - b.i)
    .slice(0, limit)
    .map((r) => r.entry);
}
