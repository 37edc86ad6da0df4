"use client";

import { useQuery } from "@tanstack/react-query";
import type { AuditEntryView } from "@/server/modules/audit/audit.service";
import type { ChainStatus } from "@/server/modules/audit/audit-chain";
import type { DeviceView } from "@/server/modules/identity/devices";
import { errorMessage } from "@/web/lib/errors";
import { useTRPC } from "@/web/lib/trpc";
import { Spinner } from "@/web/components/ui/spinner";
import { when } from "./format";

const ACTIONS: Record<string, string> = {
  "owner.claimed": "Claimed the PCC",
  "signin.passkey": "Signed in with a passkey",
  "signin.code": "Signed in with a server code",
  signout: "Signed out",
  "login-code.issued": "Root issued a sign-in code",
  "device.paired": "Paired a device",
  "device.renamed": "Renamed a device",
  "device.revoked": "Removed a device",
  "session.ended": "Ended a session",
  "passkey.added": "Added a passkey",
  "recovery.used": "Recovered with a recovery code",
  "recovery.regenerated": "Made new recovery codes",
  "app.installed": "Installed an app",
  "app.removed": "Removed an app",
  "app.permissions": "Changed an app's permissions",
  "catalog.source.added": "Added a catalog source",
  "catalog.source.removed": "Removed a catalog source",
  "notifications.subscribed": "Turned on notifications",
  "notifications.unsubscribed": "Turned off notifications",
  "card.updated": "Changed the public card",
};

/** The admin audit log, newest first, and whether its hash chain verifies. */
export function AuditSection() {
  const trpc = useTRPC();
  const log = useQuery(trpc.audit.list.queryOptions({ limit: 100 }, { refetchInterval: 30_000 }));
  const devices = useQuery(trpc.identity.devices.list.queryOptions());
  if (log.isPending) return <Spinner className="mt-3 size-5 text-fg-subtle" />;
  if (!log.data) return <p className="mt-2 text-sm text-danger">{errorMessage(log.error)}</p>;
  const { entries, chain } = log.data as unknown as { entries: AuditEntryView[]; chain: ChainStatus };
  const names = new Map(((devices.data as { devices: DeviceView[] } | undefined)?.devices ?? []).map((d) => [`device:${d.id}`, d.name]));
  const who = (actor: string, details: Record<string, unknown>) =>
    names.get(actor) ?? (actor === "cli" ? "root (CLI)" : actor.startsWith("device:") ? (typeof details.device === "string" ? details.device : "a removed device") : actor);

  return (
    <div className="mt-3">
      {chain.ok ? (
        <p data-testid="audit-chain-ok" className="text-[12px] text-emerald-700 dark:text-emerald-400">
          Verified: {chain.entries} entries, each sealed to the one before.
        </p>
      ) : (
        <p data-testid="audit-chain-broken" role="alert" className="rounded-lg bg-rose-500/10 px-3 py-2 text-sm text-danger">
          This log was tampered with: entry {chain.brokenAt} fails verification ({chain.reason}).
        </p>
      )}
      <ol className="mt-2 divide-y divide-line rounded-xl bg-surface-2 text-[13px] ring-1 ring-line">
        {entries.map((e) => (
          <li key={e.seq} data-testid="audit-entry" data-action={e.action} className="flex flex-wrap items-baseline justify-between gap-x-3 px-3 py-2">
            <span className="text-fg">
              {ACTIONS[e.action] ?? e.action}
              {typeof e.details.device === "string" && e.action !== "owner.claimed" ? `: ${e.details.device}` : ""}
            </span>
            <span className="text-[12px] text-fg-subtle">
              {who(e.actor, e.details)} · {e.ip ?? "on the machine"} · {when(e.at)}
            </span>
          </li>
        ))}
      </ol>
    </div>
  );
}
