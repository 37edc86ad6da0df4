"use client";

import { useShell } from "@/web/hooks/use-shell";
import { Button } from "@/web/components/ui/button";
import { Modal } from "@/web/components/ui/modal";

/** An app asked to open a page outside PCC (pcc:open with a URL): shown in full, opened only on the owner's click. */
export function LinkRequestDialog() {
  const { linkRequest, setLinkRequest, appsById } = useShell();
  if (!linkRequest) return null;
  const name = appsById.get(linkRequest.appId)?.name ?? linkRequest.appId;
  const close = () => setLinkRequest(null);
  return (
    <Modal onClose={close} labelledBy="link-request-title" testId="link-request">
      <h2 id="link-request-title" className="text-lg font-semibold">
        {name} wants to open a page
      </h2>
      <p className="mt-1 text-sm text-fg-muted">It is outside your PCC and opens in a new tab.</p>
      <p className="mt-3 rounded-lg bg-surface-2 p-2 font-mono text-[12px] break-all text-fg ring-1 ring-line">{linkRequest.url}</p>
      <div className="mt-5 flex justify-end gap-2">
        <Button onClick={close}>Cancel</Button>
        <a
          href={linkRequest.url}
          target="_blank"
          rel="noopener noreferrer"
          onClick={close}
          className="inline-flex h-11 items-center rounded-full bg-indigo-600 px-4 text-sm font-medium text-white hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500 sm:h-8 sm:text-[13px]"
        >
          Open in a new tab
        </a>
      </div>
    </Modal>
  );
}
