"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useEffect, useState, type FormEvent } from "react";
import { errorMessage } from "@/web/lib/errors";
import { useTRPC } from "@/web/lib/trpc";
import { Spinner } from "@/web/components/ui/spinner";
import { AuthCard, AuthError, BigButton, Field, Kbd, LinkButton } from "./auth-card";
import { useAfterSignIn } from "./use-after-sign-in";

/**
 * Root's way in, for one browser: this page asks (a request with a short public id, tied to this
 * browser by a cookie), root runs `./pcc login-code ABCD` on the machine, and the code it prints works
 * here only. Typed into any other page, it is useless.
 */
export function CodeSignIn({ onBack }: { onBack: () => void }) {
  const trpc = useTRPC();
  const { done, redirecting } = useAfterSignIn();
  const [code, setCode] = useState("");
  const create = useMutation(trpc.identity.loginRequest.create.mutationOptions());
  const redeem = useMutation(trpc.identity.loginRequest.redeem.mutationOptions({ onSuccess: () => done() }));
  const requestId = create.data?.requestId ?? null;
  const status = useQuery(
    trpc.identity.loginRequest.status.queryOptions({ requestId: requestId ?? "" }, { enabled: requestId !== null, refetchInterval: 3_000 }),
  );
  const { mutate } = create;
  useEffect(() => mutate(), [mutate]);

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!requestId || redeem.isPending) return;
    redeem.mutate({ requestId, code: code.trim() });
  }

  const expired = status.data?.state === "expired";
  return (
    <AuthCard title="Sign in with a server code" lead="For when this browser has no passkey and no signed-in device is at hand.">
      {create.isPending ? (
        <Spinner className="mt-6 size-6 text-fg-subtle" />
      ) : !requestId ? (
        <AuthError message={errorMessage(create.error)} />
      ) : (
        <form onSubmit={submit} noValidate>
          <div className="mt-5 rounded-xl bg-surface-2 p-4 ring-1 ring-line">
            <p className="text-[13px] text-fg-muted">This browser&apos;s request</p>
            <p data-testid="login-request-id" className="mt-1 font-mono text-3xl font-semibold tracking-[0.3em] text-fg">
              {requestId}
            </p>
            <p className="mt-3 text-[13px] text-fg-muted">
              On the machine, as root, run <Kbd>./pcc login-code {requestId}</Kbd>. It prints a code that works only in this browser.
            </p>
            {status.data?.state === "code-issued" && <p className="mt-2 text-[13px] font-medium text-emerald-600">A code was issued: type it below.</p>}
            {expired && <p className="mt-2 text-[13px] font-medium text-danger">This request has expired.</p>}
          </div>
          <Field label="Sign-in code" id="signin-code" data-testid="signin-code-input" value={code} onChange={(e) => setCode(e.target.value)} autoComplete="one-time-code" placeholder="XXXX-XXXX" />
          <AuthError message={errorMessage(redeem.error)} />
          <BigButton type="submit" data-testid="signin-submit" busy={redeem.isPending || redirecting} disabled={redeem.isPending || redirecting || code.trim() === "" || expired}>
            {redirecting ? "Opening your app…" : "Sign in"}
          </BigButton>
        </form>
      )}
      <div className="mt-4 flex justify-between">
        <LinkButton onClick={onBack}>Back</LinkButton>
        <LinkButton data-testid="login-request-new" onClick={() => create.mutate()}>
          New request
        </LinkButton>
      </div>
    </AuthCard>
  );
}
