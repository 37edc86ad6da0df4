"use client";

import { TRPCClientError } from "@trpc/client";
import { createContext, useCallback, useContext } from "react";

/** Asks the owner for a passkey check (the step-up dialog); resolves once the session is fresh again. */
export type StepUp = () => Promise<void>;

export const StepUpContext = createContext<StepUp | null>(null);

/** The server's answer when a fresh-owner procedure meets a session without a recent passkey check. */
export function isFreshAuthRequired(error: unknown): boolean {
  return error instanceof TRPCClientError && (error.data as { domainCode?: string } | undefined)?.domainCode === "FRESH_AUTH_REQUIRED";
}

/**
 * Runs a call; if the server says a fresh passkey check is needed, asks for one (a dialog, so the
 * passkey prompt follows a click, as Safari requires) and runs the call again, once.
 */
export function useFreshOwner() {
  const stepUp = useContext(StepUpContext);
  return useCallback(
    async <T,>(call: () => Promise<T>): Promise<T> => {
      try {
        return await call();
      } catch (e) {
        if (!stepUp || !isFreshAuthRequired(e)) throw e;
        await stepUp();
        return call();
      }
    },
    [stepUp],
  );
}

/** Wraps tRPC's mutationOptions() so the mutation steps up and retries: `useMutation(useFreshMutation(trpc.x.mutationOptions()))`. */
export function useFreshMutation<O extends { mutationFn?: (...args: never[]) => Promise<unknown> }>(options: O): O {
  const fresh = useFreshOwner();
  const fn = options.mutationFn;
  if (!fn) return options;
  return { ...options, mutationFn: ((...args: never[]) => fresh(() => fn(...args))) as O["mutationFn"] };
}
