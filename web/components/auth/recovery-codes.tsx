"use client";

import { useState } from "react";

/**
 * Recovery codes, shown once (after the claim, or when the owner makes new ones): copy, download, and
 * an explicit "I saved them" before going on, since they are never shown again.
 */
export function RecoveryCodesSheet({ codes, onDone, doneLabel = "Continue" }: { codes: string[]; onDone: () => void; doneLabel?: string }) {
  const [saved, setSaved] = useState(false);
  const [copied, setCopied] = useState(false);
  const text = `PCC recovery codes (${location.host})\nEach code works once. Keep them somewhere safe, away from your phone.\n\n${codes.join("\n")}\n`;

  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  }

  function download() {
    const url = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
    const a = Object.assign(document.createElement("a"), { href: url, download: "pcc-recovery-codes.txt" });
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  return (
    <div data-testid="recovery-codes-sheet">
      <p className="mt-2 text-sm text-fg-muted">
        If you lose this device, one of these codes lets you in again (and removes every other device). Each works once. They are shown
        only now.
      </p>
      <ol data-testid="recovery-codes" className="mt-4 grid grid-cols-2 gap-2 rounded-xl bg-surface-2 p-3 font-mono text-[14px] tracking-wider ring-1 ring-line">
        {codes.map((c) => (
          <li key={c} data-testid="recovery-code" className="rounded-md bg-surface px-2 py-1.5 text-center text-fg">
            {c}
          </li>
        ))}
      </ol>
      <div className="mt-3 flex gap-2">
        <button type="button" data-testid="recovery-copy" onClick={copy} className="h-9 flex-1 rounded-lg bg-surface text-[13px] font-medium text-fg ring-1 ring-line hover:bg-surface-2">
          {copied ? "Copied" : "Copy"}
        </button>
        <button type="button" data-testid="recovery-download" onClick={download} className="h-9 flex-1 rounded-lg bg-surface text-[13px] font-medium text-fg ring-1 ring-line hover:bg-surface-2">
          Download
        </button>
      </div>
      <label className="mt-4 flex cursor-pointer items-start gap-3 text-sm text-fg">
        <input type="checkbox" data-testid="recovery-saved" checked={saved} onChange={(e) => setSaved(e.target.checked)} className="mt-0.5 size-4 accent-indigo-600" />
        I saved these codes somewhere safe.
      </label>
      <button
        type="button"
        data-testid="recovery-continue"
        disabled={!saved}
        onClick={onDone}
        className="mt-5 flex h-11 w-full items-center justify-center rounded-xl bg-indigo-600 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500 disabled:opacity-50"
      >
        {doneLabel}
      </button>
    </div>
  );
}
