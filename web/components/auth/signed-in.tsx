"use client";

import type { ReactNode } from "react";
import { PairingFromLink } from "@/web/components/security/pairing-link";
import { FreshOwnerProvider } from "./step-up-dialog";

/**
 * Around the desktop once signed in: passkey step-ups for the fresh-owner tier, and the approval of a
 * device whose pairing link (its QR code) was opened here.
 */
export function SignedIn({ children }: { children: ReactNode }) {
  return (
    <FreshOwnerProvider>
      {children}
      <PairingFromLink />
    </FreshOwnerProvider>
  );
}
