"use client";

import { lazyComponent } from "@/web/lib/lazy";
import { useState } from "react";
import { errorMessage } from "@/web/lib/errors";
import { useTRPCClient } from "@/web/lib/trpc";
import { AuthCard, AuthError, BigButton, LinkButton } from "./auth-card";
import { CodeSignIn } from "./code-sign-in";
import { assertPasskey } from "./passkey-ceremony";
import { RecoverAccess } from "./recover-access";
import { useAfterSignIn } from "./use-after-sign-in";

// Pairing (and its QR code library) is a rarer way in than a passkey: loaded when chosen.
const PairNewDevice = lazyComponent(() => import("./pair-new-device").then((m) => m.PairNewDevice));

type Way = "passkey" | "code" | "pair" | "recovery";

/**
 * Sign-in on a claimed PCC: a passkey is the everyday way. A new device pairs with one that is signed
 * in; root on the machine can let one browser in with a code; a recovery code replaces a lost phone.
 */
export function SignInFlow() {
  const [way, setWay] = useState<Way>("passkey");
  const back = () => setWay("passkey");
  if (way === "code") return <CodeSignIn onBack={back} />;
  if (way === "pair") return <PairNewDevice onBack={back} />;
  if (way === "recovery") return <RecoverAccess onBack={back} />;
  return <PasskeySignIn onWay={setWay} />;
}

function PasskeySignIn({ onWay }: { onWay: (w: Way) => void }) {
  const client = useTRPCClient();
  const { done, redirecting } = useAfterSignIn();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function signIn() {
    setBusy(true);
    setError(null);
    try {
      const options = await client.identity.signIn.begin.mutate();
      await client.identity.signIn.finish.mutate({ response: await assertPasskey(options) });
      await done();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthCard title="Sign in" lead="This PCC has an owner. Prove it's you with your passkey." testId="signin-screen">
      <BigButton data-testid="signin-passkey" onClick={signIn} busy={busy || redirecting} disabled={busy || redirecting} autoFocus>
        {redirecting ? "Opening your app…" : "Sign in with a passkey"}
      </BigButton>
      <p className="mt-2 text-center text-[12px] text-fg-subtle">A passkey on a phone nearby works too: your browser offers it.</p>
      <AuthError message={error} />
      <div className="mt-6 space-y-2 border-t border-line pt-4 text-center">
        <p className="text-[12px] text-fg-subtle">No passkey on this device?</p>
        <div className="flex flex-col items-center gap-1.5">
          <LinkButton data-testid="signin-pair-mode" onClick={() => onWay("pair")}>
            Pair with a device that is signed in
          </LinkButton>
          <LinkButton data-testid="signin-code-mode" onClick={() => onWay("code")}>
            Use a code from the server (root)
          </LinkButton>
          <LinkButton data-testid="signin-recovery-mode" onClick={() => onWay("recovery")}>
            Lost your phone? Use a recovery code
          </LinkButton>
        </div>
      </div>
    </AuthCard>
  );
}
