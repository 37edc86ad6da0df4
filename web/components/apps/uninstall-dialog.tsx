"use client";

import { useEffect, useState } from "react";
import { createPortal } from "react-dom";
import { useAppMutations, type InstalledApp } from "@/web/hooks/use-apps";
import { errorMessage } from "@/web/lib/errors";
import { Button } from "@/web/components/ui/button";
import { Spinner } from "@/web/components/ui/spinner";

type Props = { app: InstalledApp; onCancel: () => void; onDone: () => void };

/** Rendered into <body>: windows use CSS transforms, which would trap a fixed overlay inside them. */
export function UninstallDialog({ app, onCancel, onDone }: Props) {
  const { remove } = useAppMutations();
  const [keepData, setKeepData] = useState(true);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && !remove.isPending && onCancel();
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onCancel, remove.isPending]);

  return createPortal(
    <div className="fixed inset-0 z-[100000] flex items-center justify-center bg-slate-900/30 p-4 backdrop-blur-sm">
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby="uninstall-title"
        data-testid="uninstall-dialog"
        className="w-full max-w-sm rounded-2xl bg-white p-6 shadow-2xl ring-1 ring-slate-900/10"
      >
        <h2 id="uninstall-title" className="text-lg font-semibold text-slate-900">
          Uninstall {app.name}?
        </h2>
        <p className="mt-1 text-sm text-slate-600">The app stops and is removed from your PCC.</p>
        <label className="mt-4 flex cursor-pointer items-start gap-3 rounded-xl bg-slate-50 p-3 ring-1 ring-slate-900/5">
          <input
            type="checkbox"
            data-testid="uninstall-keep-data"
            checked={keepData}
            onChange={(e) => setKeepData(e.target.checked)}
            className="mt-0.5 size-4 accent-indigo-600"
          />
          <span className="text-sm">
            <span className="font-medium text-slate-800">Keep its data</span>
            <span className="block text-slate-500">
              {keepData ? "Reinstalling later brings everything back." : `Everything ${app.name} stored will be deleted for good.`}
            </span>
          </span>
        </label>
        {remove.error && (
          <p role="alert" className="mt-3 text-sm text-rose-600">
            {errorMessage(remove.error)}
          </p>
        )}
        <div className="mt-5 flex justify-end gap-2">
          <Button onClick={onCancel} disabled={remove.isPending}>
            Cancel
          </Button>
          <Button
            data-testid="uninstall-confirm"
            variant="danger"
            disabled={remove.isPending}
            onClick={() => remove.mutate({ id: app.id, keepData }, { onSuccess: onDone })}
          >
            {remove.isPending && <Spinner className="size-3.5" />}
            {keepData ? "Uninstall and keep data" : "Uninstall and delete data"}
          </Button>
        </div>
      </div>
    </div>,
    document.body,
  );
}
