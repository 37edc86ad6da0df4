"use client";

import { useState } from "react";
import type { CatalogApp, InstalledApp } from "@/web/hooks/use-apps";
import { useCatalog, useReconfigure } from "@/web/hooks/use-app-actions";
import { errorMessage } from "@/web/lib/errors";
import { fieldErrorsFromMessage, settingsToSend, type SettingsDraft } from "@/web/lib/install-answer";
import { Button } from "@/web/components/ui/button";
import { Spinner } from "@/web/components/ui/spinner";
import { SettingsFields } from "./settings-fields";

/**
 * The app's settings form, generated from its spec (text, password, number, select, on/off), saved with
 * apps.reconfigure, which restarts the app with the new values. The server says which field is wrong.
 *
 * The shell cannot read the values in use (apps.list does not carry them, and password settings are
 * sealed), so every field starts at "keep as it is" and only the fields the owner fills in are sent. The
 * form comes from the app's catalog entry: the installed app does not carry its spec.
 */
export function AppSettingsForm({ app }: { app: InstalledApp }) {
  const catalog = useCatalog();
  const entry = (catalog.data as { apps?: CatalogApp[] } | undefined)?.apps?.find((a) => a.id === app.id);
  if (catalog.isPending) return <Spinner className="size-6 text-fg-subtle" />;
  if (!entry) return <p className="text-sm text-fg-muted">{app.name} is no longer in the catalog, so its settings form is not available here.</p>;
  if (entry.settings.length === 0) return <p data-testid="settings-none" className="text-sm text-fg-muted">{app.name} has no settings.</p>;
  return <Form app={app} entry={entry} />;
}

function Form({ app, entry }: { app: InstalledApp; entry: CatalogApp }) {
  const reconfigure = useReconfigure();
  const [draft, setDraft] = useState<SettingsDraft>({});
  const [tried, setTried] = useState(false);
  const [saved, setSaved] = useState(false);
  const [serverFields, setServerFields] = useState<Record<string, string>>({});
  const result = settingsToSend(entry.settings, draft, "edit");
  // Touched, even if not valid yet: Save then says what is wrong.
  const changed = Object.values(draft).some((v) => v !== undefined);
  const errors = { ...(tried ? result.problems : {}), ...serverFields };
  const busy = reconfigure.isPending;
  const message = reconfigure.error ? errorMessage(reconfigure.error) : null;
  const general = message ? fieldErrorsFromMessage(entry.settings, message).rest.join("; ") : null;

  function save() {
    setTried(true);
    setSaved(false);
    setServerFields({});
    if (Object.keys(result.problems).length || Object.keys(result.values).length === 0) return;
    reconfigure.mutate(
      { id: app.id, settings: result.values },
      {
        onSuccess: () => {
          setSaved(true);
          setDraft({});
          setTried(false);
        },
        onError: (e) => setServerFields(fieldErrorsFromMessage(entry.settings, errorMessage(e) ?? "").fields),
      },
    );
  }

  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
      className="space-y-5"
    >
      <p className="text-sm text-fg-muted">Fill in only what you want to change; the rest stays as it is. Saving restarts {app.name} with the new settings.</p>
      <SettingsFields settings={entry.settings} draft={draft} onChange={(d) => (setDraft(d), setSaved(false))} errors={errors} mode="edit" idBase={`app-${app.id}`} disabled={busy} />
      {general && (
        <p role="alert" data-testid="settings-error" className="text-sm text-danger">
          {general}
        </p>
      )}
      {Object.keys(serverFields).length > 0 && !general && (
        <p role="alert" className="sr-only">
          Some settings need another look.
        </p>
      )}
      {saved && (
        <p role="status" data-testid="settings-saved" className="text-sm text-emerald-700 dark:text-emerald-300">
          Saved. {app.name} restarted with the new settings.
        </p>
      )}
      <div className="flex flex-wrap gap-2">
        <Button type="submit" variant="primary" data-testid="settings-save" disabled={!changed || busy}>
          {busy && <Spinner className="size-3.5" />}
          Save and restart
        </Button>
        <Button data-testid="settings-reset" disabled={!changed || busy} onClick={() => (setDraft({}), setTried(false), setServerFields({}))}>
          Undo changes
        </Button>
      </div>
    </form>
  );
}
