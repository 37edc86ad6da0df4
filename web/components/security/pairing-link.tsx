"use client";

import { lazyComponent } from "@/web/lib/lazy";
import { useEffect, useState } from "react";

// The approval dialog (and its mutation machinery) loads only when a pairing link is opened here.
const PairingLinkDialog = lazyComponent(() => import("./pairing-approval").then((m) => m.PairingLinkDialog));

const PAIRING_HASH = /^#pair=([a-z2-7]{20,40})$/;

/** The pairing id in a pairing link (`https://<pcc>/#pair=<id>`), or null. */
export function pairingIdFrom(linkOrHash: string): string | null {
  const hash = linkOrHash.includes("#") ? linkOrHash.slice(linkOrHash.indexOf("#")) : linkOrHash;
  return PAIRING_HASH.exec(hash.trim())?.[1] ?? null;
}

/**
 * Opening a new device's pairing link (its QR code) on a signed-in device lands here: the id sits in
 * the URL's fragment, which never reaches a server log, and a dialog asks to approve it.
 */
export function PairingFromLink() {
  const [pairingId, setPairingId] = useState<string | null>(null);
  useEffect(() => {
    const read = () => setPairingId(pairingIdFrom(window.location.hash));
    read();
    window.addEventListener("hashchange", read);
    return () => window.removeEventListener("hashchange", read);
  }, []);
  if (!pairingId) return null;
  const close = () => {
    history.replaceState(null, "", window.location.pathname + window.location.search);
    setPairingId(null);
  };
  return <PairingLinkDialog pairingId={pairingId} onClose={close} />;
}
