"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { RecoveryCodesSheet } from "@/web/components/auth/recovery-codes";
import { useFreshMutation } from "@/web/hooks/use-fresh-owner";
import { errorMessage } from "@/web/lib/errors";
import { useTRPC } from "@/web/lib/trpc";
import { Button } from "@/web/components/ui/button";
import { Spinner } from "@/web/components/ui/spinner";

/** How many recovery codes are left; new ones replace the old sheet (after a fresh passkey check). */
export function RecoverySection() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const status = useQuery(trpc.identity.recovery.status.queryOptions());
  const regenerate = useMutation(useFreshMutation(trpc.identity.recovery.regenerate.mutationOptions()));
  const codes = regenerate.data?.recoveryCodes;

  if (codes) {
    return (
      <div className="mt-3 rounded-xl bg-surface-2 p-4 ring-1 ring-line">
        <p className="text-sm font-medium text-fg">Your new recovery codes. The old ones no longer work.</p>
        <RecoveryCodesSheet
          codes={codes}
          doneLabel="Done"
          onDone={() => {
            regenerate.reset();
            void queryClient.invalidateQueries({ queryKey: trpc.identity.recovery.status.queryKey() });
          }}
        />
      </div>
    );
  }
  return (
    <div className="mt-3 flex flex-wrap items-center justify-between gap-3 rounded-xl bg-surface-2 p-4 ring-1 ring-line">
      <p data-testid="recovery-remaining" className="text-sm text-fg">
        {status.data ? `${status.data.remaining} of ${status.data.total} recovery codes left.` : status.isPending ? <Spinner className="size-4" /> : errorMessage(status.error)}
      </p>
      <Button data-testid="recovery-regenerate" disabled={regenerate.isPending} onClick={() => regenerate.mutate()}>
        {regenerate.isPending && <Spinner className="size-3.5" />}
        Make new codes
      </Button>
      {regenerate.error && <p className="w-full text-sm text-danger">{errorMessage(regenerate.error)}</p>}
    </div>
  );
}
