"use client";

import { useCatalog, useInstalledApps, type CatalogApp, type CatalogProblem, type InstalledApp } from "@/web/hooks/use-apps";
import { errorMessage } from "@/web/lib/errors";
import { Spinner } from "@/web/components/ui/spinner";
import { StoreCard } from "./store-card";

export function StoreWindow({ onOpen }: { onOpen: (id: string) => void }) {
  const catalog = useCatalog();
  const list = useInstalledApps();
  const data = catalog.data as { apps: CatalogApp[]; problems: CatalogProblem[] } | undefined;
  const installed = (list.data ?? []) as InstalledApp[];

  if (catalog.isPending) {
    return (
      <div className="flex h-full items-center justify-center text-slate-500">
        <Spinner className="size-6" />
      </div>
    );
  }
  if (!data) {
    return <p className="p-6 text-sm text-rose-600">{errorMessage(catalog.error) ?? "Could not load the App Store."}</p>;
  }

  return (
    <div className="h-full overflow-y-auto bg-gradient-to-b from-slate-50/60 to-white/40">
      <div className="px-6 pt-6 pb-4">
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">App Store</h1>
        <p className="text-sm text-slate-500">Apps run on your PCC, with your data staying on it.</p>
      </div>
      {data.apps.length === 0 ? (
        <p className="px-6 text-sm text-slate-500">The catalog is empty.</p>
      ) : (
        <div className="grid grid-cols-[repeat(auto-fill,minmax(240px,1fr))] gap-3 px-6 pb-6">
          {data.apps.map((app) => (
            <StoreCard key={app.id} app={app} installed={installed.find((a) => a.id === app.id)} onOpen={onOpen} />
          ))}
        </div>
      )}
      {data.problems.length > 0 && (
        <details className="mx-6 mb-6 text-[12px] text-slate-500">
          <summary className="cursor-pointer select-none">
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
