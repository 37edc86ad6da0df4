"use client";

import { useState, type FormEvent, type ReactNode } from "react";
import { Button } from "@/web/components/ui/button";
import { Modal } from "@/web/components/ui/modal";
import { AuditSection } from "./audit-section";
import { DevicesSection } from "./devices-section";
import { PairingApproval } from "./pairing-approval";
import { pairingIdFrom } from "./pairing-link";
import { RecoverySection } from "./recovery-section";

/**
 * Security: the owner's devices and sessions, adding a device, recovery codes and the audit log.
 * Meant for a window or a settings tab; it brings no chrome of its own.
 */
export function SecurityWindow() {
  return (
    <div data-testid="security-window" className="space-y-7">
      <Section id="security-devices" title="Devices" lead="Every device that can open your PCC. Removing one ends its sessions and app access at once.">
        <DevicesSection />
      </Section>
      <Section id="security-add-device" title="Add a device" lead="On the new device, open this PCC and choose “Pair with a device that is signed in”. Scan its QR code with this device, or paste its link here.">
        <PasteLink />
      </Section>
      <Section id="security-recovery" title="Recovery codes" lead="For a lost phone: one code brings you back in on a new device and removes all the others.">
        <RecoverySection />
      </Section>
      <Section id="security-audit" title="Activity" lead="Sign-ins, devices and other changes to what your PCC trusts.">
        <AuditSection />
      </Section>
    </div>
  );
}

function Section({ id, title, lead, children }: { id: string; title: string; lead: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id}>
      <h2 id={id} className="text-base font-semibold text-fg">
        {title}
      </h2>
      <p className="mt-1 text-sm text-fg-muted">{lead}</p>
      {children}
    </section>
  );
}

function PasteLink() {
  const [link, setLink] = useState("");
  const [open, setOpen] = useState<string | null>(null);
  const id = pairingIdFrom(link);

  function submit(e: FormEvent) {
    e.preventDefault();
    if (id) setOpen(id);
  }

  return (
    <form onSubmit={submit} className="mt-3 flex gap-2">
      <input
        data-testid="pair-link-input"
        aria-label="Pairing link"
        value={link}
        onChange={(e) => setLink(e.target.value)}
        placeholder="https://…/#pair=…"
        className="h-9 min-w-0 flex-1 rounded-lg bg-surface-2 px-3 text-sm text-fg ring-1 ring-line outline-none focus:ring-2 focus:ring-indigo-500"
      />
      <Button type="submit" data-testid="pair-link-open" disabled={!id}>
        Continue
      </Button>
      {open && (
        <Modal onClose={() => setOpen(null)} labelledBy="pair-approve-title" testId="pair-approve-dialog">
          <PairingApproval
            pairingId={open}
            onClose={() => {
              setOpen(null);
              setLink("");
            }}
          />
        </Modal>
      )}
    </form>
  );
}
