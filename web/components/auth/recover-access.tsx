"use client";

import { useState, type FormEvent } from "react";
import { errorMessage } from "@/web/lib/errors";
import { useTRPCClient } from "@/web/lib/trpc";
import { AuthCard, AuthError, BigButton, Field, guessDeviceName, LinkButton } from "./auth-card";
import { holdAuthScreen } from "./auth-hold";
import { createPasskey } from "./passkey-ceremony";
import { useAfterSignIn } from "./use-after-sign-in";

/**
 * Lost phone: a recovery code lets this device create a passkey and become the owner's only device.
 * Every other device, passkey and session is removed, which is what a lost phone calls for.
 */
export function RecoverAccess({ onBack }: { onBack: () => void }) {
  const client = useTRPCClient();
  const { done } = useAfterSignIn();
  const [code, setCode] = useState("");
  const [name, setName] = useState(guessDeviceName);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [remaining, setRemaining] = useState<number | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    // Signed in from here on: keep this screen until the owner has read what happened.
    holdAuthScreen("signin");
    try {
      const options = await client.identity.recovery.begin.mutate({ code: code.trim() });
      const response = await createPasskey(options);
      const r = await client.identity.recovery.finish.mutate({ response, deviceName: name.trim() || undefined });
      setRemaining(r.remaining);
    } catch (err) {
      holdAuthScreen(null);
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  if (remaining !== null) {
    return (
      <AuthCard title="You're back in" testId="recovery-done">
        <p className="mt-3 text-sm text-fg-muted">
          This device now holds your PCC&apos;s only passkey. Every other device was removed and signed out, with its app access.
        </p>
        <p data-testid="recovery-remaining-after" className="mt-3 text-sm text-fg">
          {remaining} recovery {remaining === 1 ? "code" : "codes"} left. Make new ones in Settings → Security if that is too few.
        </p>
        <BigButton data-testid="recovery-done-continue" onClick={done}>
          Open my PCC
        </BigButton>
      </AuthCard>
    );
  }

  return (
    <AuthCard title="Recover your PCC" lead="Use one of the recovery codes you saved when you set up your PCC.">
      <form onSubmit={submit} noValidate>
        <Field label="Recovery code" id="recovery-code" data-testid="recovery-code-input" value={code} onChange={(e) => setCode(e.target.value)} autoComplete="off" placeholder="XXXX-XXXX-XXXX" autoFocus />
        <Field label="Name this device" id="recovery-device-name" data-testid="recovery-device-name" value={name} onChange={(e) => setName(e.target.value)} maxLength={60} />
        <p className="mt-4 rounded-lg bg-amber-500/10 px-3 py-2 text-[13px] text-fg">Every other device (your lost phone included) will be removed.</p>
        <AuthError message={error} />
        <BigButton type="submit" data-testid="recovery-submit" busy={busy} disabled={busy || code.trim() === ""}>
          Create passkey and recover
        </BigButton>
      </form>
      <div className="mt-4">
        <LinkButton onClick={onBack}>Back</LinkButton>
      </div>
    </AuthCard>
  );
}
