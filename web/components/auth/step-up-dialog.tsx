"use client";

import { lazyComponent } from "@/web/lib/lazy";
import { useCallback, useState, type ReactNode } from "react";
import { StepUpContext } from "@/web/hooks/use-fresh-owner";

// Most visits never need a passkey check: the dialog and the WebAuthn library stay out of the desktop's first load.
const StepUpDialog = lazyComponent(() => import("./step-up-prompt").then((m) => m.StepUpDialog));

type Pending = { resolve: () => void; reject: (e: Error) => void };

/**
 * Gives everything under it `useFreshOwner()`: when the server wants a recent passkey check before an
 * action (installing an app that asks for permissions, purging data, adding or removing a device...),
 * this dialog asks for the passkey and the action runs again.
 */
export function FreshOwnerProvider({ children }: { children: ReactNode }) {
  const [pending, setPending] = useState<Pending | null>(null);
  const ask = useCallback(() => new Promise<void>((resolve, reject) => setPending({ resolve, reject })), []);
  return (
    <StepUpContext.Provider value={ask}>
      {children}
      {pending && (
        <StepUpDialog
          onDone={() => {
            pending.resolve();
            setPending(null);
          }}
          onCancel={() => {
            pending.reject(new Error("This needs a check with your passkey first."));
            setPending(null);
          }}
        />
      )}
    </StepUpContext.Provider>
  );
}
