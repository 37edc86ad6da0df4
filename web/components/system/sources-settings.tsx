"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { SourceView } from "@/server/modules/catalog/sources.service";
import { useFreshMutation } from "@/web/hooks/use-fresh-owner";
import { errorMessage } from "@/web/lib/errors";
import { useTRPC } from "@/web/lib/trpc";
import { ago, when } from "@/web/components/security/format";
import { Button } from "@/web/components/ui/button";
import { describedBy, Field, INPUT_CLASS } from "@/web/components/ui/field";
import { Glyph } from "@/web/components/ui/glyphs";
import { Modal } from "@/web/components/ui/modal";
import { Spinner } from "@/web/components/ui/spinner";

/**
 * The catalog sources beside PCC's built-in catalog: anyone can publish one (a signed index of app
 * folders). Each is listed with its publisher's key fingerprint, when it was last read and what went
 * wrong; a source trusted without a signature says so loudly. Adding one needs a recent passkey check.
 */
export function SourcesSettings() {
  const trpc = useTRPC();
  const list = useQuery(trpc.sources.list.queryOptions(undefined, { refetchInterval: 30_000 }));
  const refreshAll = useSourceMutation("refresh");
  const sources = (list.data ?? []) as SourceView[];

  return (
    <div className="space-y-6" data-testid="sources-settings">
      <section aria-labelledby="sources-title">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h2 id="sources-title" className="text-base font-semibold text-fg">
            App sources
          </h2>
          {sources.length > 1 && (
            <Button data-testid="sources-refresh-all" onClick={() => refreshAll.mutate({})} disabled={refreshAll.isPending}>
              {refreshAll.isPending && <Spinner className="size-3.5" />}
              Refresh all
            </Button>
          )}
        </div>
        <p className="mt-1 text-sm text-fg-muted">
          The App Store shows PCC&apos;s own catalog and the apps of the sources you add here. Each source is checked against its publisher&apos;s key,
          and is read again every six hours. An app keeps running when its source changes or goes away.
        </p>
        {refreshAll.error && <p className="mt-2 text-sm text-danger">{errorMessage(refreshAll.error)}</p>}
        {list.isPending ? (
          <Spinner className="mt-3 size-5 text-fg-subtle" />
        ) : list.error ? (
          <p className="mt-2 text-sm text-danger">{errorMessage(list.error)}</p>
        ) : sources.length === 0 ? (
          <p data-testid="sources-empty" className="mt-3 rounded-xl bg-surface-2 p-4 text-sm text-fg-muted ring-1 ring-line">
            No sources yet: the App Store shows PCC&apos;s built-in catalog only.
          </p>
        ) : (
          <ul className="mt-3 space-y-3">
            {sources.map((s) => (
              <SourceCard key={s.id} source={s} />
            ))}
          </ul>
        )}
      </section>
      <AddSource />
    </div>
  );
}

/** refresh and remove share what happens after: the list and the store are stale. */
function useSourceMutation<K extends "refresh" | "remove">(kind: K) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const onSettled = () =>
    Promise.all([queryClient.invalidateQueries({ queryKey: trpc.sources.list.queryKey() }), queryClient.invalidateQueries({ queryKey: trpc.apps.catalog.queryKey() })]);
  const refresh = useMutation(trpc.sources.refresh.mutationOptions({ onSettled }));
  const remove = useMutation(trpc.sources.remove.mutationOptions({ onSettled }));
  return (kind === "refresh" ? refresh : remove) as K extends "refresh" ? typeof refresh : typeof remove;
}

function SourceCard({ source: s }: { source: SourceView }) {
  const refresh = useSourceMutation("refresh");
  const [removing, setRemoving] = useState(false);
  const available = s.apps.filter((a) => a.available);
  const refused = s.apps.filter((a) => !a.available);
  return (
    <li data-testid={`source-${s.id}`} data-source-location={s.location} className="rounded-xl bg-surface-2 p-4 ring-1 ring-line">
      {s.trustUnsigned && (
        <div data-testid={`source-unsigned-${s.id}`} className="-mx-4 -mt-4 mb-3 flex gap-2 rounded-t-xl bg-rose-600 px-4 py-2.5 text-sm text-white">
          <Glyph name="warning" className="size-5 shrink-0" strokeWidth={2.2} />
          <p>
            <span className="font-semibold">Trusted without a signature.</span> {s.warning ?? "Nobody vouches for these apps: whoever controls this source can change them."}
          </p>
        </div>
      )}
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0">
          <p className="font-medium text-fg">{s.name ?? "Not read yet"}</p>
          <p className="font-mono text-[12px] break-all text-fg-muted">{s.location}</p>
        </div>
        <div className="flex gap-2">
          <Button data-testid={`source-refresh-${s.id}`} onClick={() => refresh.mutate({ id: s.id })} disabled={refresh.isPending}>
            {refresh.isPending && <Spinner className="size-3.5" />}
            Refresh
          </Button>
          <Button data-testid={`source-remove-${s.id}`} variant="danger-ghost" onClick={() => setRemoving(true)}>
            Remove…
          </Button>
        </div>
      </div>
      <dl className="mt-3 grid gap-x-4 gap-y-1 text-[13px] sm:grid-cols-[auto_1fr]">
        <dt className="text-fg-subtle">Publisher key</dt>
        <dd data-testid={`source-fingerprint-${s.id}`} className="min-w-0 font-mono break-all text-fg">
          {s.fingerprint ?? "None (unsigned)"}
        </dd>
        <dt className="text-fg-subtle">Last read</dt>
        <dd className="text-fg">{s.lastRefresh ? <time dateTime={s.lastRefresh} title={when(s.lastRefresh)}>{ago(s.lastRefresh)}</time> : "Never"}</dd>
        <dt className="text-fg-subtle">Apps</dt>
        <dd data-testid={`source-apps-${s.id}`} className="text-fg">
          {available.length ? available.map((a) => `${a.id} ${a.version}`).join(", ") : "None"}
        </dd>
      </dl>
      {s.lastError && (
        <p role="alert" data-testid={`source-error-${s.id}`} className="mt-2 text-[13px] text-danger">
          Last refresh failed: {s.lastError}
        </p>
      )}
      {refused.length > 0 && (
        <ul className="mt-2 space-y-0.5 text-[13px] text-danger">
          {refused.map((a) => (
            <li key={a.id}>
              {a.id} was refused: {a.problem}
            </li>
          ))}
        </ul>
      )}
      {refresh.error && <p className="mt-2 text-[13px] text-danger">{errorMessage(refresh.error)}</p>}
      {removing && <RemoveSourceDialog source={s} onClose={() => setRemoving(false)} />}
    </li>
  );
}

function RemoveSourceDialog({ source, onClose }: { source: SourceView; onClose: () => void }) {
  const remove = useSourceMutation("remove");
  return (
    <Modal onClose={() => !remove.isPending && onClose()} labelledBy="remove-source-title" testId="remove-source-dialog">
      <h2 id="remove-source-title" className="text-lg font-semibold text-fg">
        Remove {source.name ?? "this source"}?
      </h2>
      <p className="mt-1 text-sm text-fg-muted">
        Its apps leave the App Store. Apps you installed from it keep running as they are, but get no updates from it.
      </p>
      {remove.error && (
        <p role="alert" className="mt-3 text-sm text-danger">
          {errorMessage(remove.error)}
        </p>
      )}
      <div className="mt-5 flex flex-wrap justify-end gap-2">
        <Button onClick={onClose} disabled={remove.isPending}>
          Cancel
        </Button>
        <Button data-testid="remove-source-confirm" variant="danger" disabled={remove.isPending} onClick={() => remove.mutate({ id: source.id }, { onSuccess: onClose })}>
          {remove.isPending && <Spinner className="size-3.5" />}
          Remove source
        </Button>
      </div>
    </Modal>
  );
}

function AddSource() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [location, setLocation] = useState("");
  const [key, setKey] = useState("");
  const [unsigned, setUnsigned] = useState(false);
  const [added, setAdded] = useState<SourceView | null>(null);
  const add = useMutation(
    useFreshMutation(
      trpc.sources.add.mutationOptions({
        onSuccess: (s) => {
          setAdded(s as SourceView);
          setLocation("");
          setKey("");
          setUnsigned(false);
        },
        onSettled: () =>
          Promise.all([queryClient.invalidateQueries({ queryKey: trpc.sources.list.queryKey() }), queryClient.invalidateQueries({ queryKey: trpc.apps.catalog.queryKey() })]),
      }),
    ),
  );
  const canAdd = location.trim() !== "" && (unsigned || key.trim() !== "");

  return (
    <section aria-labelledby="add-source-title" className="rounded-xl bg-surface-2 p-4 ring-1 ring-line">
      <h2 id="add-source-title" className="text-base font-semibold text-fg">
        Add a source
      </h2>
      <form
        className="mt-3 space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          if (!canAdd || add.isPending) return;
          setAdded(null);
          add.mutate({ location: location.trim(), ...(unsigned ? { trustUnsigned: true } : { publicKey: key.trim() }) });
        }}
      >
        <Field id="source-location" label="Where it is" hint="An https:// address, or a folder on your PCC's machine.">
          <input
            id="source-location"
            data-testid="source-location"
            value={location}
            onChange={(e) => setLocation(e.target.value)}
            placeholder="https://apps.example.com/pcc/"
            spellCheck={false}
            autoComplete="off"
            aria-describedby={describedBy("source-location", true, false)}
            className={`${INPUT_CLASS} font-mono`}
          />
        </Field>
        <Field id="source-key" label="Publisher's public key" hint="44 characters the publisher gives you, on their website for instance. PCC shows its fingerprint once added: compare it with theirs.">
          <input
            id="source-key"
            data-testid="source-key"
            value={unsigned ? "" : key}
            disabled={unsigned}
            onChange={(e) => setKey(e.target.value)}
            spellCheck={false}
            autoComplete="off"
            aria-describedby={describedBy("source-key", true, false)}
            className={`${INPUT_CLASS} font-mono`}
          />
        </Field>
        <div className={`rounded-xl p-3 ring-1 ${unsigned ? "bg-rose-600 text-white ring-rose-600" : "bg-surface ring-line"}`}>
          <label className="flex min-h-11 cursor-pointer items-start gap-3 sm:min-h-0">
            <input
              type="checkbox"
              data-testid="source-trust-unsigned"
              checked={unsigned}
              onChange={(e) => setUnsigned(e.target.checked)}
              aria-describedby="source-unsigned-warning"
              className="mt-0.5 size-5 shrink-0 accent-rose-700 sm:size-4"
            />
            <span className="text-sm">
              <span className="font-semibold">Trust this source without a signature</span>
              <span id="source-unsigned-warning" className={`mt-0.5 block text-[13px] ${unsigned ? "text-white" : "text-fg-muted"}`}>
                Not advised. Without a publisher&apos;s signature nobody vouches for its apps: anyone who controls the source, or the network on the
                way, can hand your PCC any app under its name. This choice is shown on the source and on each of its apps for as long as you keep it.
              </span>
            </span>
          </label>
        </div>
        {add.error && (
          <p role="alert" data-testid="source-add-error" className="text-sm text-danger">
            {errorMessage(add.error)}
          </p>
        )}
        {added && (
          <p role="status" data-testid="source-added" className="text-sm text-fg">
            Added {added.name ?? added.location}
            {added.fingerprint ? (
              <>
                {" "}
                with the key <span className="font-mono break-all">{added.fingerprint}</span>. Check that the publisher shows the same fingerprint.
              </>
            ) : (
              ", unsigned."
            )}
          </p>
        )}
        <Button type="submit" variant={unsigned ? "danger" : "primary"} data-testid="source-add" disabled={!canAdd || add.isPending}>
          {add.isPending && <Spinner className="size-3.5" />}
          {unsigned ? "Add unsigned source" : "Add source"}
        </Button>
      </form>
    </section>
  );
}
