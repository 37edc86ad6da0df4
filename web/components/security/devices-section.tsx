"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { DeviceView, SessionView } from "@/server/modules/identity/devices";
import { createPasskey } from "@/web/components/auth/passkey-ceremony";
import { useFreshMutation, useFreshOwner } from "@/web/hooks/use-fresh-owner";
import { errorMessage } from "@/web/lib/errors";
import { useTRPC, useTRPCClient } from "@/web/lib/trpc";
import { Button } from "@/web/components/ui/button";
import { Spinner } from "@/web/components/ui/spinner";
import { ago, ORIGINS, when } from "./format";

/** The owner's devices, each with its passkeys and sessions: rename, end a session, remove a device. */
export function DevicesSection() {
  const trpc = useTRPC();
  const list = useQuery(trpc.identity.devices.list.queryOptions(undefined, { refetchInterval: 15_000 }));
  if (list.isPending) return <Spinner className="mt-3 size-5 text-fg-subtle" />;
  if (!list.data) return <p className="mt-2 text-sm text-danger">{errorMessage(list.error)}</p>;
  const { devices, otherSessions } = list.data as unknown as { devices: DeviceView[]; otherSessions: SessionView[] };
  return (
    <div className="mt-3 space-y-3">
      {devices.map((d) => (
        <DeviceCard key={d.id} device={d} />
      ))}
      {otherSessions.length > 0 && (
        <div className="rounded-xl bg-surface-2 p-4 ring-1 ring-line">
          <p className="text-sm font-medium text-fg">Sessions from before devices existed</p>
          <Sessions sessions={otherSessions} />
        </div>
      )}
    </div>
  );
}

function useRefreshDevices() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => Promise.all([queryClient.invalidateQueries({ queryKey: trpc.identity.devices.list.queryKey() }), queryClient.invalidateQueries({ queryKey: trpc.audit.list.queryKey() })]);
}

function DeviceCard({ device: d }: { device: DeviceView }) {
  const trpc = useTRPC();
  const refresh = useRefreshDevices();
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(d.name);
  const [confirming, setConfirming] = useState(false);
  const rename = useMutation(trpc.identity.devices.rename.mutationOptions({ onSuccess: () => (setEditing(false), refresh()) }));
  const revoke = useMutation(useFreshMutation(trpc.identity.devices.revoke.mutationOptions({ onSuccess: () => refresh() })));
  const error = rename.error ?? revoke.error;

  return (
    <div data-testid="device-row" data-device-name={d.name} data-current={d.current || undefined} className="rounded-xl bg-surface-2 p-4 ring-1 ring-line">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0">
          {editing ? (
            <form
              className="flex gap-2"
              onSubmit={(e) => {
                e.preventDefault();
                rename.mutate({ deviceId: d.id, name });
              }}
            >
              <input
                data-testid="device-rename-input"
                aria-label="Device name"
                value={name}
                maxLength={60}
                autoFocus
                onChange={(e) => setName(e.target.value)}
                className="h-8 rounded-lg bg-surface px-2 text-sm text-fg ring-1 ring-line outline-none focus:ring-2 focus:ring-indigo-500"
              />
              <Button type="submit" data-testid="device-rename-save" disabled={rename.isPending || !name.trim()}>
                Save
              </Button>
            </form>
          ) : (
            <p className="truncate text-sm font-semibold text-fg">
              {d.name}
              {d.current && <span className="ml-2 rounded-full bg-indigo-500/15 px-2 py-0.5 text-[11px] font-medium text-accent">This device</span>}
            </p>
          )}
          <p className="mt-0.5 text-[12px] text-fg-subtle">
            {ORIGINS[d.origin] ?? d.origin} {when(d.createdAt)} · last seen {ago(d.lastSeenAt)} ·{" "}
            {d.passkeys.length === 0 ? "no passkey" : `${d.passkeys.length} passkey${d.passkeys.length > 1 ? "s" : ""}${d.passkeys.some((p) => p.synced) ? " (synced)" : ""}`}
          </p>
        </div>
        <div className="flex gap-1">
          {!editing && (
            <Button variant="ghost" data-testid="device-rename" onClick={() => setEditing(true)}>
              Rename
            </Button>
          )}
          {!d.current &&
            (confirming ? (
              <Button variant="danger" data-testid="device-revoke-confirm" disabled={revoke.isPending} onClick={() => revoke.mutate({ deviceId: d.id })}>
                {revoke.isPending && <Spinner className="size-3.5" />}
                Remove for good
              </Button>
            ) : (
              <Button variant="danger-ghost" data-testid="device-revoke" onClick={() => setConfirming(true)}>
                Remove
              </Button>
            ))}
        </div>
      </div>
      {confirming && !revoke.isPending && <p className="mt-2 text-[12px] text-fg-muted">Its passkey, sessions and app access end at once.</p>}
      {d.current && d.passkeys.length === 0 && <AddPasskey />}
      <Sessions sessions={d.sessions} />
      {error && (
        <p role="alert" className="mt-2 text-sm text-danger">
          {errorMessage(error)}
        </p>
      )}
    </div>
  );
}

function Sessions({ sessions }: { sessions: SessionView[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = useRefreshDevices();
  const end = useMutation(
    trpc.identity.devices.endSession.mutationOptions({
      onSuccess: (r) => (r.signedOut ? queryClient.resetQueries() : refresh()),
    }),
  );
  if (sessions.length === 0) return <p className="mt-2 text-[12px] text-fg-subtle">Not signed in anywhere.</p>;
  return (
    <ul className="mt-3 divide-y divide-line rounded-lg bg-surface ring-1 ring-line">
      {sessions.map((s) => (
        <li key={s.id} data-testid="session-row" data-current={s.current || undefined} className="flex items-center justify-between gap-3 px-3 py-2 text-[13px]">
          <span className="min-w-0 truncate text-fg">
            {s.browser} · {s.lastIp ?? "unknown address"} · {s.current ? "this session" : `seen ${ago(s.lastSeenAt)}`}
          </span>
          <Button variant="ghost" data-testid="session-end" disabled={end.isPending} onClick={() => end.mutate({ sessionId: s.id })}>
            {s.current ? "Sign out" : "End"}
          </Button>
        </li>
      ))}
    </ul>
  );
}

/** A device that came in with a server code has no passkey yet: it makes one (fresh-owner). */
function AddPasskey() {
  const client = useTRPCClient();
  const fresh = useFreshOwner();
  const refresh = useRefreshDevices();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function add() {
    setBusy(true);
    setError(null);
    try {
      const options = await fresh(() => client.identity.devices.addPasskeyBegin.mutate());
      await client.identity.devices.addPasskeyFinish.mutate({ response: await createPasskey(options) });
      await refresh();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="mt-3 rounded-lg bg-amber-500/10 p-3 text-[13px] text-fg">
      This device signed in with a code from the server. Give it a passkey to sign in on its own next time.
      <div className="mt-2">
        <Button variant="primary" data-testid="add-passkey" disabled={busy} onClick={add}>
          {busy && <Spinner className="size-3.5" />}
          Create a passkey here
        </Button>
      </div>
      {error && <p className="mt-2 text-danger">{error}</p>}
    </div>
  );
}
