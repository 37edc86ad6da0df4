"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { SystemStatus as Status } from "@/server/modules/system/system.service";
import { useTRPC } from "@/web/lib/trpc";
import { errorMessage } from "@/web/lib/errors";
import { Button } from "@/web/components/ui/button";
import { DetailRow } from "@/web/components/ui/detail-row";
import { Spinner } from "@/web/components/ui/spinner";


export function SystemWindow() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const status = useQuery(trpc.system.status.queryOptions(undefined, { refetchInterval: 10_000 }));
  const signOut = useMutation(
    trpc.auth.signOut.mutationOptions({
      // Every cached answer belonged to the signed-in owner; drop them all, not just auth.state.
      onSuccess: () => queryClient.resetQueries(),
    }),
  );
  const s = status.data as Status | undefined;

  return (
    <div className="h-full overflow-y-auto p-6">
      <h1 className="text-xl font-semibold text-slate-900">System</h1>
      {status.isPending ? (
        <Spinner className="mt-6 size-6 text-slate-400" />
      ) : !s ? (
        <p className="mt-4 text-sm text-rose-600">{errorMessage(status.error)}</p>
      ) : (
        <dl className="mt-4 divide-y divide-slate-900/5 rounded-xl bg-white/70 text-sm ring-1 ring-slate-900/5">
          <DetailRow label="PCC version">{s.version}</DetailRow>
          <DetailRow label="Domain">{s.domain}</DetailRow>
          <DetailRow label="Uptime">{formatUptime(s.uptimeSeconds)}</DetailRow>
          <DetailRow label="Apps">
            {s.apps.running} running of {s.apps.installed} installed
          </DetailRow>
          <DetailRow label="Containers (Podman)">
            <Health ok={s.podman.ok}>{s.podman.ok ? (s.podman.version ?? "OK") : "Unavailable"}</Health>
          </DetailRow>
          <DetailRow label="Web server (Caddy)">
            <Health ok={s.caddy.ok}>{s.caddy.ok ? "OK" : "Unavailable"}</Health>
          </DetailRow>
        </dl>
      )}
      <div className="mt-6 flex items-center gap-3">
        <Button onClick={() => signOut.mutate()} disabled={signOut.isPending}>
          Sign out
        </Button>
        {signOut.error && <p className="text-sm text-rose-600">{errorMessage(signOut.error)}</p>}
      </div>
    </div>
  );
}


function Health({ ok, children }: { ok: boolean; children: React.ReactNode }) {
  return (
    <span className="inline-flex items-center gap-2">
      <span className={`size-2 rounded-full ${ok ? "bg-emerald-500" : "bg-rose-500"}`} aria-hidden="true" />
      {children}
    </span>
  );
}

function formatUptime(seconds: number): string {
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  return `${m}m`;
}
