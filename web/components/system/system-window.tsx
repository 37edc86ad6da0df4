"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/web/lib/trpc";
import { errorMessage } from "@/web/lib/errors";
import { Button } from "@/web/components/ui/button";
import { Spinner } from "@/web/components/ui/spinner";

type Status = {
  version: string;
  domain: string;
  shellUrl: string;
  podman: { ok: boolean; version: string | null };
  caddy: { ok: boolean };
  apps: { installed: number; running: number };
  uptimeSeconds: number;
};

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
          <Row label="PCC version">{s.version}</Row>
          <Row label="Domain">{s.domain}</Row>
          <Row label="Uptime">{formatUptime(s.uptimeSeconds)}</Row>
          <Row label="Apps">
            {s.apps.running} running of {s.apps.installed} installed
          </Row>
          <Row label="Containers (Podman)">
            <Health ok={s.podman.ok}>{s.podman.ok ? (s.podman.version ?? "OK") : "Unavailable"}</Health>
          </Row>
          <Row label="Web server (Caddy)">
            <Health ok={s.caddy.ok}>{s.caddy.ok ? "OK" : "Unavailable"}</Health>
          </Row>
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

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="flex items-center justify-between gap-4 px-4 py-2.5">
      <dt className="text-slate-500">{label}</dt>
      <dd className="min-w-0 truncate text-right text-slate-800">{children}</dd>
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
