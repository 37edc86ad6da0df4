"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId } from "react";
import type { AppUpdatePolicy, AvailableUpdate } from "@/server/modules/updates/updates.service";
import { errorMessage } from "@/web/lib/errors";
import { useTRPC } from "@/web/lib/trpc";
import { ago, when } from "@/web/components/security/format";
import { Button } from "@/web/components/ui/button";
import { INPUT_CLASS } from "@/web/components/ui/field";
import { Spinner } from "@/web/components/ui/spinner";

type Policy = AppUpdatePolicy["policy"];
export type HistoryEntry = { appId: string; fromVersion: string; toVersion: string; outcome: "updated" | "rolled-back" | "failed"; message: string | null; at: string | Date };

const POLICY_LABEL: Record<Policy, string> = { auto: "Automatic", notify: "Tell me", off: "Off" };
const OUTCOME: Record<HistoryEntry["outcome"], { label: string; tone: string }> = {
  updated: { label: "Updated", tone: "text-emerald-600 dark:text-emerald-400" },
  "rolled-back": { label: "Rolled back", tone: "text-amber-600 dark:text-amber-400" },
  failed: { label: "Failed", tone: "text-danger" },
};

/**
 * Updates, as a phone shows them: what is waiting (with what it changes and what new access it asks for),
 * "update" per app, how each app is kept up to date, and what happened lately, rollbacks included.
 */
export function UpdatesSettings() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const available = useQuery(trpc.updates.list.queryOptions(undefined, { refetchInterval: 60_000 }));
  const policies = useQuery(trpc.updates.policies.queryOptions());
  const history = useQuery(trpc.updates.history.queryOptions({}));
  const refreshAll = () => queryClient.invalidateQueries({ queryKey: trpc.updates.pathKey() }).then(() => queryClient.invalidateQueries({ queryKey: trpc.apps.list.queryKey() }));
  const check = useMutation(trpc.updates.check.mutationOptions({ onSettled: refreshAll }));
  const updates = (available.data ?? []) as AvailableUpdate[];

  return (
    <div className="space-y-6" data-testid="updates-settings">
      <section aria-labelledby="updates-title">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h2 id="updates-title" className="text-base font-semibold text-fg">
            Available updates
          </h2>
          <Button data-testid="updates-check" onClick={() => check.mutate()} disabled={check.isPending}>
            {check.isPending && <Spinner className="size-3.5" />}
            Check now
          </Button>
        </div>
        <p className="mt-1 text-sm text-fg-muted">
          PCC looks for updates every six hours. If a new version does not start, PCC goes back to the old one with your data as it was.
        </p>
        {check.error && (
          <p role="alert" className="mt-2 text-sm text-danger">
            {errorMessage(check.error)}
          </p>
        )}
        {available.isPending ? (
          <Spinner className="mt-3 size-5 text-fg-subtle" />
        ) : updates.length === 0 ? (
          <p data-testid="updates-none" className="mt-3 rounded-xl bg-surface-2 p-4 text-sm text-fg-muted ring-1 ring-line">
            Every app is up to date.
          </p>
        ) : (
          <ul className="mt-3 space-y-3">
            {updates.map((u) => (
              <UpdateCard key={u.appId} update={u} onDone={refreshAll} />
            ))}
          </ul>
        )}
      </section>
      <PolicyList policies={(policies.data ?? []) as AppUpdatePolicy[]} loading={policies.isPending} />
      <History entries={(history.data ?? []) as HistoryEntry[]} />
    </div>
  );
}

function UpdateCard({ update: u, onDone }: { update: AvailableUpdate; onDone: () => Promise<unknown> }) {
  const trpc = useTRPC();
  const apply = useMutation(trpc.updates.update.mutationOptions({ onSettled: onDone }));
  return (
    <li data-testid={`update-${u.appId}`} className="rounded-xl bg-surface-2 p-4 ring-1 ring-line">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0">
          <p className="font-medium text-fg">{u.name}</p>
          <p className="text-[13px] text-fg-muted">
            {u.from} → {u.to}
            {u.kind === "image" && " (a new build of the same version)"}
          </p>
        </div>
        <Button data-testid={`update-apply-${u.appId}`} variant="primary" onClick={() => apply.mutate({ id: u.appId })} disabled={apply.isPending}>
          {apply.isPending && <Spinner className="size-3.5" />}
          {apply.isPending ? "Updating…" : "Update"}
        </Button>
      </div>
      {u.releaseNotes && <p className="mt-2 text-[13px] whitespace-pre-line text-fg">{u.releaseNotes}</p>}
      {u.newPermissions.length > 0 && (
        <p data-testid={`update-permissions-${u.appId}`} className="mt-2 text-[13px] text-amber-700 dark:text-amber-300">
          This version asks for {u.newPermissions.join(", ")}, so it does not install by itself. It gets none of it until you allow it in the app&apos;s settings.
        </p>
      )}
      {apply.error && (
        <p role="alert" className="mt-2 text-[13px] text-danger">
          {errorMessage(apply.error)}
        </p>
      )}
    </li>
  );
}

/** How one app is kept up to date; changes apply at once. */
export function PolicySelect({ appId, policy }: { appId: string; policy: Policy }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const set = useMutation(trpc.updates.setPolicy.mutationOptions({ onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.updates.policies.queryKey() }) }));
  return (
    <>
      <select
        id={`update-policy-${appId}`}
        data-testid={`update-policy-${appId}`}
        className={`${INPUT_CLASS} w-auto`}
        value={policy}
        disabled={set.isPending}
        onChange={(e) => set.mutate({ id: appId, policy: e.target.value as Policy })}
      >
        {(Object.keys(POLICY_LABEL) as Policy[]).map((k) => (
          <option key={k} value={k}>
            {POLICY_LABEL[k]}
          </option>
        ))}
      </select>
      {set.error && (
        <p role="alert" className="basis-full text-[13px] text-danger">
          {errorMessage(set.error)}
        </p>
      )}
    </>
  );
}

function PolicyList({ policies, loading }: { policies: AppUpdatePolicy[]; loading: boolean }) {
  if (loading) return <Spinner className="size-5 text-fg-subtle" />;
  if (policies.length === 0) return null;
  return (
    <section aria-labelledby="update-policies-title">
      <h2 id="update-policies-title" className="text-base font-semibold text-fg">
        How each app is updated
      </h2>
      <p className="mt-1 text-sm text-fg-muted">Automatic installs updates by themselves; Tell me only lets you know; Off does neither.</p>
      <ul className="mt-3 divide-y divide-line rounded-xl bg-surface-2 ring-1 ring-line">
        {policies.map((p) => (
          <li key={p.appId} className="flex flex-wrap items-center justify-between gap-2 px-4 py-2.5">
            <label htmlFor={`update-policy-${p.appId}`} className="text-sm text-fg">
              {p.name} <span className="text-fg-subtle">{p.version}</span>
            </label>
            <PolicySelect appId={p.appId} policy={p.policy} />
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Updates and rollbacks, newest first. */
export function History({ entries, heading = "Recent updates", testId = "update-history" }: { entries: HistoryEntry[]; heading?: string; testId?: string }) {
  const id = useId();
  if (entries.length === 0) return null;
  return (
    <section aria-labelledby={id}>
      <h2 id={id} className="text-base font-semibold text-fg">
        {heading}
      </h2>
      <ul className="mt-3 space-y-2" data-testid={testId}>
        {entries.slice(0, 20).map((h, i) => {
          const at = new Date(h.at).toISOString();
          return (
            <li key={`${h.appId}-${at}-${i}`} className="rounded-xl bg-surface-2 px-4 py-2.5 text-[13px] ring-1 ring-line">
              <span className={`font-medium ${OUTCOME[h.outcome].tone}`}>{OUTCOME[h.outcome].label}</span>{" "}
              <span className="text-fg">
                {h.appId} {h.fromVersion} → {h.toVersion}
              </span>{" "}
              <time className="text-fg-subtle" dateTime={at} title={when(at)}>
                {ago(at)}
              </time>
              {h.message && <p className="mt-0.5 text-fg-muted">{h.message}</p>}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
