"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { errorMessage } from "@/web/lib/errors";
import { useTRPC, useTRPCClient } from "@/web/lib/trpc";
import { Button } from "@/web/components/ui/button";
import { Modal } from "@/web/components/ui/modal";
import { Spinner } from "@/web/components/ui/spinner";
import { assertPasskey } from "./passkey-ceremony";

/** The passkey check itself: its own chunk, with the WebAuthn library, loaded only when a check is asked for. */
export function StepUpDialog({ onDone, onCancel }: { onDone: () => void; onCancel: () => void }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const done = useRef(false);

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      const options = await client.identity.stepUp.begin.mutate();
      await client.identity.stepUp.finish.mutate({ response: await assertPasskey(options) });
      done.current = true;
      void queryClient.invalidateQueries({ queryKey: trpc.identity.state.queryKey() });
      onDone();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal onClose={() => !busy && !done.current && onCancel()} labelledBy="step-up-title" testId="step-up-dialog">
      <div className="bg-surface text-fg">
        <h2 id="step-up-title" className="text-lg font-semibold">
          Confirm it&apos;s you
        </h2>
        <p className="mt-1 text-sm text-fg-muted">This changes what your PCC trusts. Use your passkey (fingerprint, face or screen lock) to go on.</p>
        {error && (
          <p role="alert" data-testid="step-up-error" className="mt-3 text-sm text-danger">
            {error}
          </p>
        )}
        <div className="mt-5 flex justify-end gap-2">
          <Button onClick={onCancel} disabled={busy}>
            Cancel
          </Button>
          <Button variant="primary" data-testid="step-up-confirm" data-autofocus onClick={confirm} disabled={busy}>
            {busy && <Spinner className="size-3.5" />}
            Use passkey
          </Button>
        </div>
      </div>
    </Modal>
  );
}
