"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useFreshMutation } from "@/web/hooks/use-fresh-owner";
import { errorMessage } from "@/web/lib/errors";
import { useTRPC } from "@/web/lib/trpc";
import { Button } from "@/web/components/ui/button";
import { Modal } from "@/web/components/ui/modal";
import { Spinner } from "@/web/components/ui/spinner";
import { ago } from "./format";

/** The dialog a pairing link opens (loaded with this module only when a link is opened: see pairing-link.tsx). */
export function PairingLinkDialog({ pairingId, onClose }: { pairingId: string; onClose: () => void }) {
  return (
    <Modal onClose={onClose} labelledBy="pair-approve-title" testId="pair-approve-dialog">
      <PairingApproval pairingId={pairingId} onClose={onClose} />
    </Modal>
  );
}

/**
 * The approving side: who asks to join, the match code typed from the new device's screen (so that
 * approving means having looked at it), and a fresh passkey check (the fresh-owner tier).
 */
export function PairingApproval({ pairingId, onClose }: { pairingId: string; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [code, setCode] = useState("");
  const about = useQuery(trpc.identity.pairing.describe.queryOptions({ pairingId }, { retry: false }));
  const approve = useMutation(
    useFreshMutation(trpc.identity.pairing.approve.mutationOptions({ onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.identity.devices.list.queryKey() }) })),
  );

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!approve.isPending) approve.mutate({ pairingId, matchCode: code.trim() });
  }

  return (
    <div>
      <h2 id="pair-approve-title" className="text-lg font-semibold text-fg">
        Add a device
      </h2>
      {about.isPending ? (
        <Spinner className="mt-4 size-5 text-fg-subtle" />
      ) : !about.data ? (
        <p role="alert" className="mt-3 text-sm text-danger">
          {errorMessage(about.error)}
        </p>
      ) : approve.isSuccess ? (
        <p data-testid="pair-approved" className="mt-3 text-sm text-fg">
          Approved. The new device now creates its own passkey; it appears in Settings → Security.
        </p>
      ) : (
        <form onSubmit={submit} noValidate>
          <p className="mt-2 text-sm text-fg-muted">
            <span data-testid="pair-approve-device" className="font-medium text-fg">
              {about.data.device}
            </span>{" "}
            from {about.data.ip ?? "an unknown address"}, {ago(about.data.requestedAt)}, asks to become one of your devices. Approve only if it is in
            front of you.
          </p>
          <label htmlFor="pair-approve-code" className="mt-4 block text-[13px] font-medium text-fg-muted">
            The 6-digit code on the new device
          </label>
          <input
            id="pair-approve-code"
            data-testid="pair-approve-code"
            data-autofocus
            value={code}
            onChange={(e) => setCode(e.target.value)}
            inputMode="numeric"
            autoComplete="off"
            maxLength={12}
            className="mt-1.5 block h-11 w-full rounded-xl bg-surface-2 px-3.5 font-mono text-xl tracking-[0.3em] text-fg ring-1 ring-line outline-none focus:ring-2 focus:ring-indigo-500"
          />
          {approve.error && (
            <p role="alert" data-testid="pair-approve-error" className="mt-3 text-sm text-danger">
              {errorMessage(approve.error)}
            </p>
          )}
          <div className="mt-5 flex justify-end gap-2">
            <Button onClick={onClose}>Not now</Button>
            <Button type="submit" variant="primary" data-testid="pair-approve-submit" disabled={approve.isPending || code.trim().length < 6}>
              {approve.isPending && <Spinner className="size-3.5" />}
              Approve
            </Button>
          </div>
        </form>
      )}
      {(approve.isSuccess || !about.data) && !about.isPending && (
        <div className="mt-5 flex justify-end">
          <Button data-testid="pair-approve-close" data-autofocus onClick={onClose}>
            Close
          </Button>
        </div>
      )}
    </div>
  );
}
