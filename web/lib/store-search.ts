import type { CatalogApp } from "@/server/modules/apps/apps.types";

/** The spec's categories (server/modules/spec/spec-fields.ts), as the store names them. */
export const CATEGORY_LABEL: Record<string, string> = {
  files: "Files",
  photos: "Photos",
  media: "Media",
  social: "Social",
  blog: "Blogging",
  finance: "Finance",
  productivity: "Productivity",
  developer: "Developer tools",
  networking: "Networking",
  home: "Smart home",
  security: "Security",
  games: "Games",
  communication: "Communication",
  utilities: "Utilities",
  ai: "AI",
  other: "Other",
};

export const categoryLabel = (id: string) => CATEGORY_LABEL[id] ?? id.charAt(0).toUpperCase() + id.slice(1);

type Searchable = Pick<CatalogApp, "id" | "name" | "tagline" | "description" | "developer" | "category"> & { catalogSource?: { name: string } };

const fold = (s: string) => s.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();

/** Every word of the query appears somewhere in what the store shows of the app. */
export function matchesQuery(app: Searchable, query: string): boolean {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (!words.length) return true;
  const hay = fold([app.name, app.id, app.tagline, app.description, app.developer, categoryLabel(app.category), app.catalogSource?.name ?? ""].join(" "));
  return words.every((w) => hay.includes(w));
}

/** Name matches first, then the rest in catalog order. */
export function searchApps<T extends Searchable>(apps: readonly T[], query: string, category: string | null): T[] {
  const q = fold(query.trim());
  const hits = apps.filter((a) => (!category || a.category === category) && matchesQuery(a, q));
  if (!q) return hits;
  const rank = (a: T) => (fold(a.name).startsWith(q) ? 0 : fold(a.name).includes(q) ? 1 : 2);
  return hits.map((a, i) => ({ a, i, r: rank(a) })).sort((x, y) => x.r - y.r || x.i - y.i).map((x) => x.a);
}

/** The categories that have apps, with their counts, by label. */
export function categoriesOf(apps: readonly Pick<CatalogApp, "category">[]): { id: string; label: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const a of apps) counts.set(a.category, (counts.get(a.category) ?? 0) + 1);
  return [...counts].map(([id, count]) => ({ id, label: categoryLabel(id), count })).sort((a, b) => a.label.localeCompare(b.label));
}

export function formatPrice(price: { amount: number; currency: string }): string {
  try {
    return new Intl.NumberFormat(undefined, { style: "currency", currency: price.currency }).format(price.amount);
  } catch {
    return `${price.amount} ${price.currency}`;
  }
}
