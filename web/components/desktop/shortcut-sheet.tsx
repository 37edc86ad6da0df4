"use client";

import { useEffect, useState } from "react";
import { isMac } from "@/web/lib/keys";
import { SHORTCUT_GROUPS } from "@/web/lib/shortcuts";
import { Modal } from "@/web/components/ui/modal";
import { Button } from "@/web/components/ui/button";

export function ShortcutSheet({ onClose }: { onClose: () => void }) {
  const [mac, setMac] = useState(false);
  useEffect(() => setMac(isMac()), []);
  return (
    <Modal onClose={onClose} labelledBy="shortcuts-title" testId="shortcut-sheet" className="max-w-lg!">
      <h2 id="shortcuts-title" className="text-lg font-semibold">
        Keyboard shortcuts
      </h2>
      <p className="mt-1 text-sm text-fg-muted">They work while the desktop has focus. Inside an app, the app gets the keys: click the title bar first.</p>
      {SHORTCUT_GROUPS.map((g) => (
        <section key={g.title} className="mt-4">
          <h3 className="text-[12px] font-semibold tracking-wide text-fg-subtle uppercase">{g.title}</h3>
          <dl className="mt-1 divide-y divide-line">
            {g.items.map((s) => (
              <div key={s.label} className="flex items-center justify-between gap-4 py-1.5 text-sm">
                <dt className="text-fg">{s.label}</dt>
                <dd className="flex shrink-0 gap-1">
                  {s.keys.map((k) => (
                    <kbd key={k} className="min-w-6 rounded-md bg-surface-2 px-1.5 py-0.5 text-center font-sans text-[12px] text-fg ring-1 ring-line">
                      {k === "Mod" ? (mac ? "⌘" : "Ctrl") : mac && k === "Alt" ? "⌥" : mac && k === "Ctrl" ? "⌃" : k}
                    </kbd>
                  ))}
                </dd>
              </div>
            ))}
          </dl>
        </section>
      ))}
      <div className="mt-5 flex justify-end">
        <Button onClick={onClose}>Done</Button>
      </div>
    </Modal>
  );
}
