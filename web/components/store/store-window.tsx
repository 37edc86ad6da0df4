"use client";

import { lazyComponent } from "@/web/lib/lazy";
import { useDeferredValue, useEffect, useState } from "react";
import { useInstalledApps, type CatalogApp, type CatalogProblem, type InstalledApp } from "@/web/hooks/use-apps";
import { useCatalog } from "@/web/hooks/use-app-actions";
import { AppLiveProvider } from "@/web/hooks/use-app-live";
import { errorMessage } from "@/web/lib/errors";
import { categoriesOf, searchApps } from "@/web/lib/store-search";
import { Glyph } from "@/web/components/ui/glyphs";
import { Spinner } from "@/web/components/ui/spinner";
import { InstallFlowProvider } from "./install-flow";
import { StoreCard } from "./store-card";

const StoreAppPage = lazyComponent(() => import("./store-app-page").then((m) => m.StoreAppPage), { loading: Loading });

/** The window's view for an app's page: "app:<id>"; anything else is the list. */
const pageOf = (view: string | undefined) => (view?.startsWith("app:") ? view.slice(4) : null);

type Props = {
  onOpen: (id: string) => void;
  /** From the search palette or an app's pcc:open: scrolls to and highlights one entry. */
  focusAppId?: string | null;
  /** From Contacts: show only the apps that can follow this kind of entry ("Get an app for this"). */
  follows?: "feed" | "activitypub" | null;
  view?: string;
  onView?: (view: string) => void;
};

/** The App Store: search and categories over the catalog, each app's page, and installs with their prompt and progress. */
export function StoreWindow({ onOpen, focusAppId = null, follows = null, view, onView }: Props) {
  const [localView, setLocalView] = useState("");
  const current = onView ? (view ?? "") : localView;
  const setView = onView ?? setLocalView;
  const pageId = pageOf(current);
  // A focus request (the search palette, an app's pcc:open) is about the list.
  useEffect(() => {
    if (focusAppId) setView("");
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only when a new focus is asked for
  }, [focusAppId]);
  return (
    <AppLiveProvider>
      <InstallFlowProvider onOpen={onOpen}>
        {pageId ? (
          <StoreAppPage id={pageId} onOpen={onOpen} onBack={() => setView("")} />
        ) : (
          <StoreList onOpen={onOpen} focusAppId={focusAppId} follows={follows} onDetails={(id) => setView(`app:${id}`)} />
        )}
      </InstallFlowProvider>
    </AppLiveProvider>
  );
}

const FOLLOWS_LABEL = { feed: "Apps that follow a friend's feed", activitypub: "Apps that follow a friend's account" } as const;

function StoreList({ onOpen, focusAppId, follows, onDetails }: { onOpen: (id: string) => void; focusAppId: string | null; follows: "feed" | "activitypub" | null; onDetails: (id: string) => void }) {
  const catalog = useCatalog();
  const list = useInstalledApps();
  const data = catalog.data as { apps: CatalogApp[]; problems: CatalogProblem[] } | undefined;
  const installed = (list.data ?? []) as InstalledApp[];
  const [query, setQuery] = useState("");
  const [category, setCategory] = useState<string | null>(null);
  const deferredQuery = useDeferredValue(query);
  const loaded = !!data;
  // A new request from Contacts filters again; "Show all apps" lifts it.
  const [followFilter, setFollowFilter] = useState(follows);
  useEffect(() => setFollowFilter(follows), [follows]);

  // A focus request shows the app whatever the filters were.
  useEffect(() => {
    if (!focusAppId) return;
    setQuery("");
    setCategory(null);
  }, [focusAppId]);
  useEffect(() => {
    if (!focusAppId || !loaded) return;
    const el = document.querySelector<HTMLElement>(`[data-testid="store-app-${CSS.escape(focusAppId)}"]`);
    el?.scrollIntoView({ block: "center", behavior: "smooth" });
    el?.focus();
  }, [focusAppId, loaded]);

  if (catalog.isPending) return <Loading />;
  if (!data) {
    return <p className="p-6 text-sm text-danger">{errorMessage(catalog.error) ?? "Could not load the App Store."}</p>;
  }

  const categories = categoriesOf(data.apps);
  const shown = searchApps(data.apps, deferredQuery, category).filter((a) => !followFilter || a.follows.includes(followFilter));
  const filtered = deferredQuery.trim() !== "" || category !== null || followFilter !== null;

  return (
    <div className="h-full overflow-y-auto bg-surface">
      <div className="flex flex-wrap items-end gap-3 px-4 pt-5 pb-3 sm:px-6 sm:pt-6">
        <div className="min-w-0 flex-1">
          <h1 className="text-2xl font-semibold tracking-tight text-fg">App Store</h1>
          <p className="text-sm text-fg-muted">Apps run on your PCC, with your data staying on it.</p>
        </div>
        <div className="relative w-full sm:w-64">
          <Glyph name="search" className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-fg-subtle" />
          <input
            type="search"
            data-testid="store-search"
            aria-label="Search apps"
            placeholder="Search apps"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            className="h-11 w-full rounded-xl bg-surface-2 pr-3 pl-9 text-[15px] text-fg ring-1 ring-line outline-none placeholder:text-fg-subtle focus:ring-2 focus:ring-indigo-500 sm:h-9 sm:text-sm"
          />
        </div>
      </div>

      {followFilter && (
        <div data-testid="store-follows-filter" className="mx-4 mb-3 flex items-center gap-3 rounded-xl bg-surface-2 px-3 py-2 text-sm text-fg ring-1 ring-line sm:mx-6">
          <span className="min-w-0 flex-1">{FOLLOWS_LABEL[followFilter]}</span>
          <button type="button" className="min-h-11 font-medium text-accent underline underline-offset-2 sm:min-h-0" onClick={() => setFollowFilter(null)}>
            Show all apps
          </button>
        </div>
      )}

      {categories.length > 1 && (
        <div role="group" aria-label="Categories" className="flex gap-1.5 overflow-x-auto px-4 pb-3 [scrollbar-width:thin] sm:px-6">
          <CategoryChip id="all" label="All" count={data.apps.length} selected={category === null} onClick={() => setCategory(null)} />
          {categories.map((c) => (
            <CategoryChip key={c.id} id={c.id} label={c.label} count={c.count} selected={category === c.id} onClick={() => setCategory(category === c.id ? null : c.id)} />
          ))}
        </div>
      )}

      <p role="status" className="sr-only">
        {filtered ? `${shown.length} ${shown.length === 1 ? "app" : "apps"} found` : ""}
      </p>

      {data.apps.length === 0 ? (
        <p className="px-6 text-sm text-fg-muted">The catalog is empty.</p>
      ) : shown.length === 0 ? (
        <p data-testid="store-no-results" className="px-6 py-4 text-sm text-fg-muted">
          No app matches{deferredQuery.trim() ? ` “${deferredQuery.trim()}”` : ""}
          {category ? " in this category" : ""}.
        </p>
      ) : (
        <div className="grid grid-cols-[repeat(auto-fill,minmax(240px,1fr))] gap-3 px-4 pb-6 sm:px-6">
          {shown.map((app) => (
            <StoreCard
              key={app.id}
              app={app}
              installed={installed.find((a) => a.id === app.id)}
              onOpen={onOpen}
              onDetails={onDetails}
              highlighted={app.id === focusAppId}
            />
          ))}
        </div>
      )}
      {data.problems.length > 0 && (
        <details className="mx-6 mb-6 text-[12px] text-fg-muted">
          <summary className="min-h-11 cursor-pointer py-3 select-none sm:min-h-0 sm:py-0">
            {data.problems.length === 1 ? "1 catalog entry" : `${data.problems.length} catalog entries`} could not be loaded
          </summary>
          <ul className="mt-2 space-y-1">
            {data.problems.map((p) => (
              <li key={p.source} className="font-mono text-[11px]">
                {p.source}: {p.message}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

function CategoryChip({ id, label, count, selected, onClick }: { id: string; label: string; count: number; selected: boolean; onClick: () => void }) {
  return (
    <button
      type="button"
      data-testid={`store-category-${id}`}
      aria-pressed={selected}
      onClick={onClick}
      className={`inline-flex min-h-11 min-w-11 shrink-0 items-center justify-center gap-1.5 rounded-full px-3 text-[13px] font-medium whitespace-nowrap ring-1 transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500 sm:min-h-8 ${
        selected ? "bg-indigo-600 text-white ring-indigo-600" : "bg-surface-2 text-fg ring-line hover:bg-surface-3"
      }`}
    >
      {label}
      <span className={selected ? "text-indigo-100" : "text-fg-muted"}>{count}</span>
    </button>
  );
}

function Loading() {
  return (
    <div className="flex h-full items-center justify-center text-fg-subtle" role="status" aria-label="Loading">
      <Spinner className="size-6" />
    </div>
  );
}
