"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { errorMessage } from "@/web/lib/errors";
import { useTRPC, useTRPCClient } from "@/web/lib/trpc";
import { useAfterSignIn } from "./use-after-sign-in";
import { AuthCard, AuthError, BigButton, Field, guessDeviceName, Kbd } from "./auth-card";
import { holdAuthScreen } from "./auth-hold";
import { createPasskey } from "./passkey-ceremony";
import { RecoveryCodesSheet } from "./recovery-codes";

/**
 * Claiming: the setup code printed by `./pcc start`, then a passkey on this device (it becomes the
 * owner's first device), then the recovery codes, shown once.
 */
export function ClaimFlow() {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const { done, redirecting } = useAfterSignIn();
  const [code, setCode] = useState("");
  const [name, setName] = useState(guessDeviceName);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    // The session cookie arrives with the codes: keep this screen until they are saved.
    holdAuthScreen("setup");
    try {
      const options = await client.identity.claim.begin.mutate({ code: code.trim() });
      const response = await createPasskey(options);
      const { recoveryCodes } = await client.identity.claim.finish.mutate({ response, deviceName: name.trim() || undefined });
      setCodes(recoveryCodes);
    } catch (err) {
      holdAuthScreen(null);
      setError(errorMessage(err));
      // ALREADY_CLAIMED means the state we rendered from is stale; re-ask so the right screen shows.
      void queryClient.invalidateQueries({ queryKey: trpc.identity.state.queryKey() });
    } finally {
      setBusy(false);
    }
  }

  if (codes) {
    return (
      <AuthCard title="Save your recovery codes" testId="claim-recovery-codes">
        <RecoveryCodesSheet codes={codes} onDone={done} doneLabel={redirecting ? "Opening…" : "Open my PCC"} />
      </AuthCard>
    );
  }

  return (
    <AuthCard title="Set up your PCC" lead="Welcome. Claim this personal cloud computer with a passkey on this device: only you will get in.">
      <form onSubmit={submit} noValidate>
        <Field
          label="Setup code"
          id="setup-code"
          data-testid="setup-code-input"
          value={code}
          onChange={(e) => setCode(e.target.value)}
          autoFocus
          autoComplete="one-time-code"
          placeholder="XXXX-XXXX"
          className="mt-1.5 block h-11 w-full rounded-xl bg-surface px-3.5 font-mono text-[15px] tracking-wider text-fg ring-1 ring-line outline-none focus:ring-2 focus:ring-indigo-500"
          aria-invalid={error ? true : undefined}
          hint={
            <>
              <Kbd>./pcc start</Kbd> printed it on the server&apos;s console.
            </>
          }
        />
        <Field label="Name this device" id="setup-device-name" data-testid="setup-device-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="My phone" maxLength={60} />
        <AuthError message={error} />
        <BigButton type="submit" data-testid="setup-submit" busy={busy} disabled={busy || code.trim() === ""}>
          Create passkey and claim
        </BigButton>
        <p className="mt-3 text-[12px] text-fg-subtle">Your device asks for your fingerprint, face or screen lock. Nothing leaves it but a public key.</p>
      </form>
    </AuthCard>
  );
}
