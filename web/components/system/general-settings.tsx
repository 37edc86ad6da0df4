"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { SystemStatus as Status } from "@/server/modules/system/system.service";
import { useShell } from "@/web/hooks/use-shell";
import { useTRPC } from "@/web/lib/trpc";
import { errorMessage } from "@/web/lib/errors";
import { Button } from "@/web/components/ui/button";
import { DetailList, DetailRow } from "@/web/components/ui/detail-row";
import { Spinner } from "@/web/components/ui/spinner";
import { NotificationsSettings } from "./notifications-settings";

/** The PCC's health (from system.status), where to get its certificate, signing out, notifications. */
export function GeneralSettings() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { setOverlay } = useShell();
  const status = useQuery(trpc.system.status.queryOptions(undefined, { refetchInterval: 10_000 }));
  const signOut = useMutation(
    trpc.identity.signOut.mutationOptions({
      // Every cached answer belonged to the signed-in owner; drop them all, not just auth.state.
      onSuccess: () => queryClient.resetQueries(),
    }),
  );
  const s = status.data as Status | undefined;

  return (
    <div className="space-y-6">
      <section aria-labelledby="settings-status">
        <h2 id="settings-status" className="text-base font-semibold text-fg">
          Your PCC
        </h2>
        {status.isPending ? (
          <Spinner className="mt-4 size-6 text-fg-subtle" />
        ) : !s ? (
          <p className="mt-2 text-sm text-danger">{errorMessage(status.error)}</p>
        ) : (
          <DetailList className="mt-3">
            <DetailRow label="PCC version">{s.version}</DetailRow>
            <DetailRow label="Address">{s.domain}</DetailRow>
            <DetailRow label="Running for">{formatUptime(s.uptimeSeconds)}</DetailRow>
            <DetailRow label="Apps">
              {s.apps.running} running of {s.apps.installed} installed
            </DetailRow>
            <DetailRow label="Containers (Podman)">
              <Health ok={s.podman.ok}>{s.podman.ok ? (s.podman.version ?? "OK") : "Unavailable"}</Health>
            </DetailRow>
            <DetailRow label="Web server (Caddy)">
              <Health ok={s.caddy.ok}>{s.caddy.ok ? "OK" : "Unavailable"}</Health>
            </DetailRow>
          </DetailList>
        )}
      </section>

      <section aria-labelledby="settings-devices">
        <h2 id="settings-devices" className="text-base font-semibold text-fg">
          This device
        </h2>
        <p className="mt-1 text-sm text-fg-muted">
          Browser warnings about your PCC&apos;s certificate go away once this device trusts it.{" "}
          <a href="/trust" target="_blank" rel="noopener" className="font-medium text-accent underline underline-offset-2">
            How to trust your PCC
          </a>
        </p>
        <div className="mt-3 flex flex-wrap gap-2">
          <Button onClick={() => setOverlay("shortcuts")}>Keyboard shortcuts</Button>
          <Button data-testid="sign-out" onClick={() => signOut.mutate()} disabled={signOut.isPending}>
            Sign out
          </Button>
        </div>
        {signOut.error && <p className="mt-2 text-sm text-danger">{errorMessage(signOut.error)}</p>}
      </section>

      <NotificationsSettings />
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
