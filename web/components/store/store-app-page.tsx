"use client";

import { useState } from "react";
import { useCatalog } from "@/web/hooks/use-app-actions";
import { isBusy, useInstalledApp, type CatalogApp, type CatalogProblem } from "@/web/hooks/use-apps";
import { errorMessage } from "@/web/lib/errors";
import { asksAnything, internetAsk } from "@/web/lib/install-answer";
import { categoryLabel, formatPrice } from "@/web/lib/store-search";
import { CredentialsList } from "@/web/components/apps/credentials-list";
import { AppIcon } from "@/web/components/ui/app-icon";
import { DetailList, DetailRow } from "@/web/components/ui/detail-row";
import { Glyph } from "@/web/components/ui/glyphs";
import { Spinner } from "@/web/components/ui/spinner";
import { SourceBadge, UnsignedSourceWarning } from "./source-badge";
import { InstallAction } from "./store-card";

/** The most screenshots a spec may list (apps-catalog/README.md). */
const MAX_SCREENSHOTS = 10;

const SOURCE_KIND: Record<CatalogApp["catalogSource"]["kind"], string> = {
  "built-in": "Built into PCC",
  folder: "A folder on this machine",
  https: "A source on the web",
};

/** One app's page in the store: what it is, who makes it, what it costs and asks for, where it comes from. */
export function StoreAppPage({ id, onOpen, onBack }: { id: string; onOpen: (id: string) => void; onBack: () => void }) {
  const catalog = useCatalog();
  const installed = useInstalledApp(id);
  const data = catalog.data as { apps: CatalogApp[]; problems: CatalogProblem[] } | undefined;
  const app = data?.apps.find((a) => a.id === id);

  return (
    <div data-testid={`store-page-${id}`} className="h-full overflow-y-auto bg-surface">
      <div className="px-4 pt-3 sm:px-6">
        <button
          type="button"
          data-testid="store-back"
          onClick={onBack}
          className="-ml-2 inline-flex min-h-11 items-center gap-1 rounded-full px-2 text-sm font-medium text-accent hover:bg-surface-2 focus-visible:outline-2 focus-visible:outline-indigo-500 sm:min-h-8"
        >
          <Glyph name="back" className="size-4" />
          All apps
        </button>
      </div>
      {catalog.isPending ? (
        <div className="flex justify-center p-10 text-fg-subtle" role="status" aria-label="Loading">
          <Spinner className="size-6" />
        </div>
      ) : !app ? (
        <p className="p-6 text-sm text-fg-muted">{catalog.error ? errorMessage(catalog.error) : "This app is not in the catalog any more."}</p>
      ) : (
        <AppPage app={app} installed={!!installed} onOpen={onOpen} installedApp={installed} />
      )}
    </div>
  );
}

function AppPage({ app, installed, installedApp, onOpen }: { app: CatalogApp; installed: boolean; installedApp: ReturnType<typeof useInstalledApp>; onOpen: (id: string) => void }) {
  const p = app.permissions;
  return (
    <article aria-labelledby="store-page-title" className="space-y-6 px-4 pt-2 pb-8 sm:px-6">
      <header className="flex flex-wrap items-start gap-4">
        <AppIcon name={app.name} iconUrl={app.iconUrl} className="size-20" />
        <div className="min-w-0 flex-1">
          <h1 id="store-page-title" className="text-2xl font-semibold tracking-tight text-fg">
            {app.name}
          </h1>
          <p className="text-sm text-fg-muted">{app.tagline}</p>
          <p className="mt-1 text-[13px] text-fg-muted">
            {app.developer} · {categoryLabel(app.category)}
          </p>
          <div className="mt-1.5 flex flex-wrap gap-1.5">
            <SourceBadge source={app.catalogSource} />
          </div>
        </div>
        <div className="flex w-full flex-col items-stretch gap-2 sm:w-56">
          {app.price && (
            <p data-testid="store-price" className="text-sm font-semibold text-fg sm:text-right">
              {formatPrice(app.price)}{" "}
              <a href={app.price.purchaseUrl} target="_blank" rel="noopener noreferrer" data-testid="store-buy" className="font-medium text-accent underline underline-offset-2">
                Buy
              </a>
            </p>
          )}
          <InstallAction app={app} installed={installedApp} onOpen={onOpen} variant="page" />
        </div>
      </header>

      {app.catalogSource.trustUnsigned && <UnsignedSourceWarning name={app.catalogSource.name} />}
      {!installed && app.installError && (
        <p role="alert" className="rounded-xl bg-rose-500/10 p-3 text-sm text-danger">
          The last install failed: {app.installError}
        </p>
      )}

      <Screenshots id={app.id} name={app.name} count={app.screenshots} />

      {app.description && (
        <section aria-labelledby="store-page-about">
          <h2 id="store-page-about" className="text-base font-semibold text-fg">
            About
          </h2>
          <p className="mt-1 text-sm whitespace-pre-line text-fg">{app.description}</p>
        </section>
      )}

      {app.releaseNotes && (
        <section aria-labelledby="store-page-new" data-testid="store-release-notes">
          <h2 id="store-page-new" className="text-base font-semibold text-fg">
            What&apos;s new in {app.version}
          </h2>
          <p className="mt-1 text-sm whitespace-pre-line text-fg">{app.releaseNotes}</p>
        </section>
      )}

      <section aria-labelledby="store-page-asks" data-testid="store-permissions">
        <h2 id="store-page-asks" className="text-base font-semibold text-fg">
          What it asks for
        </h2>
        {!asksAnything(app) ? (
          <p className="mt-1 text-sm text-fg-muted">Nothing: it runs sealed off in its own sandbox, reached only through its web address.</p>
        ) : (
          <>
            <p className="mt-1 text-sm text-fg-muted">Every app runs in its own sandbox. You approve or decline each of these when you install it.</p>
            <DetailList className="mt-2">
              {p.internet !== false && <DetailRow label="Internet">{internetAsk(p.internet)}</DetailRow>}
              {p.lan && <DetailRow label="Local network">Devices on your network</DetailRow>}
              {p.devices.length > 0 && <DetailRow label="Devices">{p.devices.join(", ")}</DetailRow>}
            </DetailList>
            {app.ports.length > 0 && (
              <div className="mt-3 overflow-x-auto rounded-xl ring-1 ring-line">
                <table data-testid="store-ports" className="w-full text-left text-sm">
                  <caption className="sr-only">Ports it opens on your PCC</caption>
                  <thead className="bg-surface-2 text-[12px] text-fg-subtle">
                    <tr>
                      <th scope="col" className="px-3 py-2 font-medium">
                        Port
                      </th>
                      <th scope="col" className="px-3 py-2 font-medium">
                        On your PCC
                      </th>
                      <th scope="col" className="px-3 py-2 font-medium">
                        Why
                      </th>
                    </tr>
                  </thead>
                  <tbody className="divide-y divide-line">
                    {app.ports.map((port) => (
                      <tr key={port.name}>
                        <td className="px-3 py-2 font-mono whitespace-nowrap text-fg">{port.name}</td>
                        <td className="px-3 py-2 font-mono whitespace-nowrap text-fg">
                          {port.hostPort}/{port.protocol}
                        </td>
                        <td className="px-3 py-2 text-fg-muted">{port.description}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </>
        )}
      </section>

      {installedApp && !isBusy(installedApp.status) && (
        <section aria-labelledby="store-page-credentials">
          <CredentialsSection appId={app.id} />
        </section>
      )}

      <section aria-labelledby="store-page-details">
        <h2 id="store-page-details" className="text-base font-semibold text-fg">
          Details
        </h2>
        <DetailList className="mt-2">
          <DetailRow label="Version">{app.version}</DetailRow>
          <DetailRow label="Developer">{app.developer}</DetailRow>
          {app.website && (
            <DetailRow label="Website">
              <a href={app.website} target="_blank" rel="noopener noreferrer" data-testid="store-website" className="text-accent underline underline-offset-2">
                {app.website.replace(/^https:\/\//, "").replace(/\/$/, "")}
              </a>
            </DetailRow>
          )}
          <DetailRow label="Category">{categoryLabel(app.category)}</DetailRow>
          <DetailRow label="Price">{app.price ? formatPrice(app.price) : "Free"}</DetailRow>
          <DetailRow label="Comes from">
            <span data-testid="store-page-source">{app.catalogSource.name}</span>
          </DetailRow>
          <DetailRow label="Source">{app.catalogSource.location ?? SOURCE_KIND[app.catalogSource.kind]}</DetailRow>
          <DetailRow label="Images">{app.source === "local-build" ? "Built on your PCC from the app's folder" : `${app.images.length} from their registries`}</DetailRow>
        </DetailList>
      </section>
    </article>
  );
}

function CredentialsSection({ appId }: { appId: string }) {
  return (
    <>
      <h2 id="store-page-credentials" className="text-base font-semibold text-fg">
        Sign-in details
      </h2>
      <div className="mt-2">
        <CredentialsList appId={appId} empty={<p className="text-sm text-fg-muted">PCC generated none for this app: it has its own sign-in, or needs none.</p>} />
      </div>
    </>
  );
}

/** The spec's screenshots, served by PCC at /_pcc/screenshots/<id>/<n>. */
function Screenshots({ id, name, count }: { id: string; name: string; count: number }) {
  if (count === 0) return null;
  return (
    <section aria-label="Screenshots">
      {/* Focusable: a strip wider than the window scrolls, and keyboards must be able to scroll it too. */}
      <ul tabIndex={0} aria-label={`Screenshots of ${name}`} className="flex snap-x gap-3 overflow-x-auto rounded-xl pb-2 outline-none focus-visible:outline-2 focus-visible:outline-indigo-500">
        {Array.from({ length: Math.min(count, MAX_SCREENSHOTS) }, (_, n) => (
          <li key={n} className="shrink-0 snap-start">
            {/* eslint-disable-next-line @next/next/no-img-element -- served by the PCC itself, sandboxed */}
            <img
              src={`/_pcc/screenshots/${id}/${n}`}
              alt={`${name}, screenshot ${n + 1}`}
              data-testid={`store-screenshot-${n}`}
              className="h-48 w-auto rounded-xl bg-surface-2 object-contain ring-1 ring-line sm:h-64"
            />
          </li>
        ))}
      </ul>
    </section>
  );
}
