"use client";

import { useQuery } from "@tanstack/react-query";
import type { AppUpdatePolicy } from "@/server/modules/updates/updates.service";
import { useTRPC } from "@/web/lib/trpc";
import { History, PolicySelect, type HistoryEntry } from "@/web/components/system/updates-settings";

/** One app's update policy and its own history of updates and rollbacks, in its settings. */
export function AppUpdates({ appId }: { appId: string }) {
  const trpc = useTRPC();
  const policies = useQuery(trpc.updates.policies.queryOptions());
  const history = useQuery(trpc.updates.history.queryOptions({ id: appId }));
  const policy = ((policies.data ?? []) as AppUpdatePolicy[]).find((p) => p.appId === appId)?.policy;
  const entries = (history.data ?? []) as HistoryEntry[];
  return (
    <section aria-labelledby={`app-updates-${appId}`} className="space-y-3" data-testid={`app-updates-${appId}`}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id={`app-updates-${appId}`} className="text-base font-semibold text-fg">
          <label htmlFor={`update-policy-${appId}`}>Updates</label>
        </h2>
        {policy && <PolicySelect appId={appId} policy={policy} />}
      </div>
      {entries.length === 0 ? (
        <p className="text-sm text-fg-muted">No updates yet.</p>
      ) : (
        <History entries={entries} heading="History" testId={`app-update-history-${appId}`} />
      )}
    </section>
  );
}
