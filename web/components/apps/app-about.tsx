"use client";

import type { CatalogApp, InstalledApp } from "@/web/hooks/use-apps";
import { useCatalog } from "@/web/hooks/use-app-actions";
import { displayOrigin } from "@/web/lib/app-bridge";
import { DetailList, DetailRow } from "@/web/components/ui/detail-row";
import { Spinner } from "@/web/components/ui/spinner";
import { AppUpdates } from "./app-updates";

/** What the catalog says about the app: description, category and where its image comes from. */
export function AppAbout({ app }: { app: InstalledApp }) {
  const catalog = useCatalog();
  const entry = (catalog.data as { apps?: CatalogApp[] } | undefined)?.apps?.find((a) => a.id === app.id);
  if (catalog.isPending) return <Spinner className="size-6 text-fg-subtle" />;
  return (
    <div className="space-y-4">
      {entry ? (
        <>
          <p className="text-sm text-fg">{entry.tagline}</p>
          {entry.description && <p className="text-sm whitespace-pre-line text-fg-muted">{entry.description}</p>}
          <DetailList>
            <DetailRow label="Category">{entry.category}</DetailRow>
            <DetailRow label="Catalog version">{entry.version}</DetailRow>
            <DetailRow label="Made by">{entry.developer}</DetailRow>
            <DetailRow label="Images">{entry.source === "local-build" ? "Built on your PCC" : entry.images.join(", ")}</DetailRow>
          </DetailList>
        </>
      ) : (
        <p className="text-sm text-fg-muted">This app is no longer in the catalog; it keeps running as installed.</p>
      )}
      <DetailList>
        {app.urls.map((u) => (
          <DetailRow key={u.name} label={app.urls.length > 1 ? `Address (${u.name})` : "Address"}>
            <a href={u.url} target="_blank" rel="noreferrer" className="text-accent underline underline-offset-2">
              {displayOrigin(u.url)}
            </a>
          </DetailRow>
        ))}
        <DetailRow label="App id">{app.id}</DetailRow>
      </DetailList>
      <AppUpdates appId={app.id} />
    </div>
  );
}
