"use client";

import { useState } from "react";
import type { InstalledApp } from "@/web/hooks/use-apps";
import { useAppMutations } from "@/web/hooks/use-app-actions";
import { errorMessage } from "@/web/lib/errors";
import { Button } from "@/web/components/ui/button";
import { Modal } from "@/web/components/ui/modal";
import { Spinner } from "@/web/components/ui/spinner";

type Props = { app: InstalledApp; onCancel: () => void; onDone: () => void };

/** Uninstall, keeping the app's data (the default: a reinstall brings it back) or deleting it for good. */
export function UninstallDialog({ app, onCancel, onDone }: Props) {
  const { remove } = useAppMutations();
  const [keepData, setKeepData] = useState(true);
  const cancel = () => !remove.isPending && onCancel();

  return (
    <Modal onClose={cancel} labelledBy="uninstall-title" testId="uninstall-dialog">
      <h2 id="uninstall-title" className="text-lg font-semibold text-fg">
        Uninstall {app.name}?
      </h2>
      <p className="mt-1 text-sm text-fg-muted">The app stops and is removed from your PCC.</p>
      <label className="mt-4 flex cursor-pointer items-start gap-3 rounded-xl bg-surface-2 p-3 ring-1 ring-line">
        <input
          type="checkbox"
          data-testid="uninstall-keep-data"
          checked={keepData}
          onChange={(e) => setKeepData(e.target.checked)}
          className="mt-0.5 size-4 accent-indigo-600"
        />
        <span className="text-sm">
          <span className="font-medium text-fg">Keep its data</span>
          <span className="block text-fg-muted">
            {keepData ? "Reinstalling later brings everything back." : `Everything ${app.name} stored will be deleted for good.`}
          </span>
        </span>
      </label>
      {remove.error && (
        <p role="alert" className="mt-3 text-sm text-danger">
          {errorMessage(remove.error)}
        </p>
      )}
      <div className="mt-5 flex flex-wrap justify-end gap-2">
        <Button onClick={cancel} disabled={remove.isPending}>
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
    </Modal>
  );
}
