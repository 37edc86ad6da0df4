"use client";

import { useEffect, useState } from "react";
import type { CatalogApp, InstalledApp } from "@/web/hooks/use-apps";
import { useCatalog, useReconfigure } from "@/web/hooks/use-app-actions";
import { errorMessage } from "@/web/lib/errors";
import { answerFromGrants, grantsFromAnswer, portProblems, sameAnswer, type PermissionAnswer } from "@/web/lib/install-answer";
import { Button } from "@/web/components/ui/button";
import { DetailList, DetailRow } from "@/web/components/ui/detail-row";
import { Spinner } from "@/web/components/ui/spinner";
import { PermissionFields } from "./permission-fields";

/**
 * What the app may do beyond its sandbox, editable: each permission it asks for on or off, each of its
 * ports open or closed and on which number. Saving needs a recent passkey check (the step-up dialog),
 * and restarts the app when its network or ports change.
 *
 * What the app asks for comes from its catalog entry: the installed app does not carry it. An app no
 * longer in the catalog shows its grants read-only.
 */
export function AppPermissions({ app }: { app: InstalledApp }) {
  const catalog = useCatalog();
  const entry = (catalog.data as { apps?: CatalogApp[] } | undefined)?.apps?.find((a) => a.id === app.id);
  if (catalog.isPending) return <Spinner className="size-6 text-fg-subtle" />;
  return (
    <div className="space-y-5">
      <p className="text-sm text-fg-muted">
        Every app runs sealed off: no other app, no host service and nothing outside your PCC, except what is granted here.
      </p>
      {entry ? <EditablePermissions app={app} entry={entry} /> : <GrantedReadOnly app={app} />}
    </div>
  );
}

function EditablePermissions({ app, entry }: { app: InstalledApp; entry: CatalogApp }) {
  const reconfigure = useReconfigure();
  const granted = answerFromGrants(entry, app.grants);
  // null while not editing: the grants as they are (a change made elsewhere, the CLI, shows at once).
  const [edit, setEdit] = useState<PermissionAnswer | null>(null);
  const answer = edit ?? granted;
  const [saved, setSaved] = useState(false);
  const [tried, setTried] = useState(false);
  const caughtUp = edit !== null && sameAnswer(edit, granted);
  useEffect(() => {
    if (caughtUp && !reconfigure.isPending) setEdit(null);
  }, [caughtUp, reconfigure.isPending]);

  const problems = portProblems(entry, answer);
  const changed = !sameAnswer(answer, granted);
  const busy = reconfigure.isPending;

  function save() {
    setTried(true);
    setSaved(false);
    if (Object.keys(problems).length) return;
    reconfigure.mutate({ id: app.id, grants: grantsFromAnswer(entry, answer) }, { onSuccess: () => setSaved(true) });
  }

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
      className="space-y-4"
    >
      <PermissionFields asks={entry} answer={answer} onChange={(a) => (setEdit(a), setSaved(false))} problems={tried ? problems : {}} idBase={`perm-${app.id}`} disabled={busy} />
      {reconfigure.error && (
        <p role="alert" data-testid="permissions-error" className="text-sm text-danger">
          {errorMessage(reconfigure.error)}
        </p>
      )}
      {saved && !changed && (
        <p role="status" data-testid="permissions-saved" className="text-sm text-emerald-700 dark:text-emerald-300">
          Saved. {app.name} now runs with these permissions.
        </p>
      )}
      <div className="flex flex-wrap items-center gap-2">
        <Button type="submit" variant="primary" data-testid="permissions-save" disabled={!changed || busy}>
          {busy && <Spinner className="size-3.5" />}
          Save permissions
        </Button>
        <Button data-testid="permissions-reset" disabled={!changed || busy} onClick={() => (setEdit(null), setTried(false))}>
          Undo changes
        </Button>
        {changed && <span className="text-[13px] text-fg-muted">Saving asks for your passkey and may restart {app.name}.</span>}
      </div>
    </form>
  );
}

/** The grants as they are, for an app the catalog no longer describes. */
function GrantedReadOnly({ app }: { app: InstalledApp }) {
  const { grants } = app;
  const internet = grants.internet === true ? "Allowed" : grants.internet === false ? "Not allowed" : `Only ${grants.internet.hosts.join(", ")}`;
  return (
    <>
      <p className="text-sm text-fg-muted">{app.name} is no longer in the catalog, so what it asks for is not known here: its permissions cannot be changed.</p>
      <DetailList>
        <DetailRow label="Internet">{internet}</DetailRow>
        <DetailRow label="Your local network">{grants.lan ? "Allowed" : "Not allowed"}</DetailRow>
        <DetailRow label="Devices">{grants.devices.length ? grants.devices.join(", ") : "None"}</DetailRow>
      </DetailList>
      <section aria-labelledby={`ports-${app.id}`}>
        <h2 id={`ports-${app.id}`} className="text-sm font-semibold text-fg">
          Ports on your PCC
        </h2>
        {app.ports.length === 0 ? (
          <p className="mt-1 text-sm text-fg-muted">None: {app.name} is reached only through its web address.</p>
        ) : (
          <DetailList className="mt-2">
            {app.ports.map((p) => (
              <DetailRow key={p.name} label={p.name}>
                <span className="font-mono">
                  {p.hostPort}/{p.protocol}
                </span>
              </DetailRow>
            ))}
          </DetailList>
        )}
      </section>
    </>
  );
}
