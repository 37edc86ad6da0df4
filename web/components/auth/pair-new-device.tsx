"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import QRCode from "qrcode";
import { useEffect, useState } from "react";
import { errorMessage } from "@/web/lib/errors";
import { useTRPC, useTRPCClient } from "@/web/lib/trpc";
import { Spinner } from "@/web/components/ui/spinner";
import { AuthCard, AuthError, BigButton, Field, guessDeviceName, LinkButton } from "./auth-card";
import { holdAuthScreen } from "./auth-hold";
import { createPasskey } from "./passkey-ceremony";
import { useAfterSignIn } from "./use-after-sign-in";

/** The link a signed-in device opens to approve this pairing (the QR code carries the same). */
export const pairingLink = (origin: string, pairingId: string) => `${origin}/#pair=${pairingId}`;

/**
 * The new device's side of pairing: it shows a QR code (a link with the pairing id) and a 6-digit
 * match code; the owner opens the link on a signed-in device, types the code, and approves with a
 * passkey. Then this device creates its own passkey.
 */
export function PairNewDevice({ onBack }: { onBack: () => void }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const { done } = useAfterSignIn();
  const start = useMutation(trpc.identity.pairing.start.mutationOptions());
  const pairing = start.data ?? null;
  const status = useQuery(
    trpc.identity.pairing.status.queryOptions({ pairingId: pairing?.pairingId ?? "a".repeat(26) }, { enabled: pairing !== null, refetchInterval: (q) => (q.state.data?.state === "approved" ? false : 1_500) }),
  );
  const [qr, setQr] = useState<string | null>(null);
  const [name, setName] = useState(guessDeviceName);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const link = pairing ? pairingLink(window.location.origin, pairing.pairingId) : null;

  const { mutate } = start;
  useEffect(() => mutate(), [mutate]);
  useEffect(() => {
    if (link) QRCode.toDataURL(link, { margin: 1, width: 232, errorCorrectionLevel: "M" }).then(setQr, () => setQr(null));
  }, [link]);

  async function register() {
    if (!pairing) return;
    setBusy(true);
    setError(null);
    holdAuthScreen("signin");
    try {
      const options = await client.identity.pairing.registerBegin.mutate({ pairingId: pairing.pairingId });
      const response = await createPasskey(options);
      await client.identity.pairing.registerFinish.mutate({ pairingId: pairing.pairingId, response, deviceName: name.trim() || undefined });
      await done();
    } catch (e) {
      holdAuthScreen(null);
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  const state = status.data?.state ?? "waiting";
  return (
    <AuthCard title="Pair this device" lead="Approve it from a phone or computer that is already signed in to your PCC." testId="pairing-screen">
      {start.isPending || !pairing ? (
        start.error ? <AuthError message={errorMessage(start.error)} /> : <Spinner className="mt-6 size-6 text-fg-subtle" />
      ) : state === "expired" ? (
        <>
          <AuthError message="This pairing has expired or ended. Start again." />
          <BigButton onClick={() => start.mutate()}>Start again</BigButton>
        </>
      ) : state === "approved" ? (
        <div data-testid="pairing-approved">
          <p className="mt-4 text-sm text-emerald-700">Approved. Now create this device&apos;s own passkey.</p>
          <Field label="Name this device" id="pairing-device-name" data-testid="pairing-device-name" value={name} onChange={(e) => setName(e.target.value)} maxLength={60} />
          <AuthError message={error} />
          <BigButton data-testid="pairing-create-passkey" onClick={register} busy={busy} disabled={busy}>
            Create passkey
          </BigButton>
        </div>
      ) : (
        <div>
          <ol className="mt-4 list-decimal space-y-1 pl-5 text-[13px] text-fg-muted">
            <li>On your signed-in device, scan this code (or open the link).</li>
            <li>Type the match code below there, and approve.</li>
          </ol>
          <div className="mt-4 flex justify-center">
            {qr ? <img data-testid="pairing-qr" src={qr} alt="QR code to approve this device" width={232} height={232} className="rounded-xl bg-white p-2 ring-1 ring-line" /> : <Spinner className="size-6" />}
          </div>
          <p className="mt-3 text-center text-[13px] text-fg-muted">Match code</p>
          <p data-testid="pairing-match-code" className="text-center font-mono text-4xl font-semibold tracking-[0.25em] text-fg">
            {pairing.matchCode}
          </p>
          <p className="mt-3 break-all rounded-lg bg-surface-2 p-2 text-center font-mono text-[11px] text-fg-subtle ring-1 ring-line">
            <a data-testid="pairing-link" href={link!} className="underline-offset-2 hover:underline">
              {link}
            </a>
          </p>
          <p className="mt-3 flex items-center justify-center gap-2 text-[12px] text-fg-subtle">
            <Spinner className="size-3" /> Waiting for approval…
          </p>
        </div>
      )}
      <div className="mt-4">
        <LinkButton onClick={onBack}>Back</LinkButton>
      </div>
    </AuthCard>
  );
}
