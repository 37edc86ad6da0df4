"use client";

import { useEffect, useRef, useState } from "react";
import { useAppMutations, useCatalog } from "@/web/hooks/use-app-actions";
import { progressOf, useAppLive } from "@/web/hooks/use-app-live";
import { isServing, useInstalledApp, type CatalogApp } from "@/web/hooks/use-apps";
import { useIsPhone } from "@/web/hooks/use-is-phone";
import { backgroundSentence } from "@/web/lib/app-reach";
import { errorMessage } from "@/web/lib/errors";
import {
  asksAnything,
  fieldErrorsFromMessage,
  grantsFromAnswer,
  installDraft,
  portProblems,
  proposedAnswer,
  settingsToSend,
  type PermissionAnswer,
  type SettingsDraft,
} from "@/web/lib/install-answer";
import { formatPrice } from "@/web/lib/store-search";
import { CredentialsList } from "@/web/components/apps/credentials-list";
import { PermissionFields } from "@/web/components/apps/permission-fields";
import { SettingsFields } from "@/web/components/apps/settings-fields";
import { AppIcon } from "@/web/components/ui/app-icon";
import { Button } from "@/web/components/ui/button";
import { describedBy, Field, INPUT_CLASS } from "@/web/components/ui/field";
import { Modal } from "@/web/components/ui/modal";
import { ProgressBar } from "@/web/components/ui/progress-bar";
import { Spinner } from "@/web/components/ui/spinner";
import { UnsignedSourceWarning } from "./source-badge";

type Phase = "ask" | "installing" | "installed" | "failed";

type Props = {
  app: CatalogApp;
  /** "credentials": the install already finished elsewhere (a direct install); show what it generated. */
  mode: "install" | "credentials";
  onClose: () => void;
  onOpen: (id: string) => void;
};

/**
 * Installing one app: the permission prompt (what it asks for, each approved or declined, its ports
 * with their numbers on the PCC), its settings form and a licence key for a paid app; then the live
 * progress; then the credentials it generated for the owner, if any. Closing it during the install
 * leaves the install running (the store's card shows its progress).
 */
export function InstallDialog({ app, mode, onClose, onOpen }: Props) {
  const phone = useIsPhone();
  const { install } = useAppMutations();
  const installed = useInstalledApp(app.id);
  const live = useAppLive();
  const catalog = useCatalog();
  const [phase, setPhase] = useState<Phase>(mode === "credentials" ? "installed" : "ask");
  const [answer, setAnswer] = useState<PermissionAnswer>(() => proposedAnswer(app));
  const [draft, setDraft] = useState<SettingsDraft>(() => installDraft(app.settings));
  const [licence, setLicence] = useState("");
  const [tried, setTried] = useState(false);
  const [serverFields, setServerFields] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const seenInstalling = useRef(false);

  const ports = portProblems(app, answer);
  const settings = settingsToSend(app.settings, draft, "install");
  const licenceProblem = app.price && !licence.trim() ? "Enter the licence key you got when you bought it." : null;
  const fieldErrors = { ...(tried ? settings.problems : {}), ...serverFields };

  // Follow the install: done when it serves, failed when it fails or vanishes (a failed install is rolled back).
  const done = live.done.get(app.id);
  useEffect(() => {
    if (phase !== "installing") return;
    if (installed) seenInstalling.current = true;
    if (installed && isServing(installed.status)) setPhase("installed");
    else if (installed && (installed.status === "failed" || installed.status === "broken")) fail(installed.error ?? "It did not start.");
    else if (done?.action === "install" && !done.ok) fail(done.message ?? "The install did not finish.");
    else if (!installed && seenInstalling.current) {
      const entry = (catalog.data as { apps?: CatalogApp[] } | undefined)?.apps?.find((a) => a.id === app.id);
      fail(entry?.installError ?? "The install did not finish. The PCC server log has the details.");
    }
    function fail(why: string) {
      setFailure(why);
      setPhase("failed");
    }
  }, [phase, installed, done, catalog.data, app.id]);

  function submit() {
    setTried(true);
    setServerFields({});
    if (Object.keys(ports).length || Object.keys(settings.problems).length || licenceProblem) return;
    install.mutate(
      {
        id: app.id,
        grants: grantsFromAnswer(app, answer),
        settings: settings.values,
        ...(app.price ? { licence: licence.trim() } : {}),
      },
      {
        onSuccess: () => setPhase("installing"),
        onError: (e) => {
          const msg = errorMessage(e);
          if (msg && app.settings.length) setServerFields(fieldErrorsFromMessage(app.settings, msg).fields);
        },
      },
    );
  }

  const busy = install.isPending;
  const progress = progressOf(installed, live, app.id) ?? { step: installed ? "Finishing" : "Starting the install", percent: null };
  const general = install.error ? errorMessage(install.error) : null;
  const generalShown = general && app.settings.length ? fieldErrorsFromMessage(app.settings, general).rest.join("; ") || (Object.keys(serverFields).length ? "Check the settings above." : general) : general;

  return (
    <Modal
      onClose={() => !busy && onClose()}
      labelledBy="install-title"
      testId="install-dialog"
      variant={phone ? "sheet" : "center"}
      className="flex max-w-lg! flex-col p-0!"
    >
      <div className="flex items-center gap-3 border-b border-line px-5 py-4">
        <AppIcon name={app.name} iconUrl={app.iconUrl} className="size-11" />
        <div className="min-w-0">
          <h2 id="install-title" className="truncate text-lg font-semibold text-fg">
            {phase === "ask" ? `Install ${app.name}?` : phase === "installed" ? `${app.name} is installed` : phase === "failed" ? `${app.name} was not installed` : `Installing ${app.name}`}
          </h2>
          <p className="truncate text-[13px] text-fg-muted">
            {app.version} · from {app.catalogSource.name}
          </p>
        </div>
      </div>

      <div className="max-h-[min(70dvh,36rem)] min-h-0 flex-1 space-y-5 overflow-y-auto px-5 py-4">
        {phase === "ask" && (
          <>
            {app.catalogSource.trustUnsigned && <UnsignedSourceWarning name={app.catalogSource.name} />}
            {asksAnything(app) ? (
              <section aria-labelledby="install-asks">
                <h3 id="install-asks" className="text-sm text-fg-muted">
                  {app.name} asks for the access below. Approve or decline each; you can change this later in its settings.
                </h3>
                <div className="mt-3">
                  <PermissionFields asks={app} answer={answer} onChange={setAnswer} problems={tried ? ports : {}} idBase={`install-${app.id}`} disabled={busy} />
                </div>
              </section>
            ) : (
              <p className="text-sm text-fg-muted">{app.name} runs sealed off in its own sandbox and asks for nothing beyond it.</p>
            )}
            {app.settings.length > 0 && (
              <section aria-labelledby="install-settings">
                <h3 id="install-settings" className="text-sm font-semibold text-fg">
                  Settings
                </h3>
                <div className="mt-2">
                  <SettingsFields settings={app.settings} draft={draft} onChange={setDraft} errors={fieldErrors} mode="install" idBase={`install-${app.id}`} disabled={busy} />
                </div>
              </section>
            )}
            {app.price && (
              <section aria-labelledby="install-licence-title" className="rounded-xl bg-surface-2 p-4 ring-1 ring-line">
                <h3 id="install-licence-title" className="text-sm font-semibold text-fg">
                  {app.name} costs {formatPrice(app.price)}
                </h3>
                <p className="mt-1 text-[13px] text-fg-muted">
                  Buy it from its developer, then paste the licence key you get. Your PCC checks it offline.{" "}
                  <a href={app.price.purchaseUrl} target="_blank" rel="noopener noreferrer" data-testid="install-buy" className="font-medium text-accent underline underline-offset-2">
                    Buy {app.name}
                  </a>
                </p>
                <div className="mt-3">
                  <Field id="install-licence" label="Licence key" error={tried ? licenceProblem : null} required>
                    <textarea
                      id="install-licence"
                      data-testid="install-licence"
                      rows={3}
                      spellCheck={false}
                      value={licence}
                      disabled={busy}
                      aria-invalid={tried && licenceProblem ? true : undefined}
                      aria-describedby={describedBy("install-licence", false, tried && licenceProblem)}
                      onChange={(e) => setLicence(e.target.value)}
                      placeholder="PCCL1.…"
                      className={`${INPUT_CLASS} h-auto! py-2 font-mono text-[13px]!`}
                    />
                  </Field>
                </div>
              </section>
            )}
            {generalShown && (
              <p role="alert" data-testid="install-error" className="text-sm text-danger">
                {generalShown}
              </p>
            )}
          </>
        )}

        {phase === "installing" && (
          <div role="status" data-testid="install-progress-panel" className="space-y-2 py-2">
            <p className="text-sm text-fg">
              {progress.step}
              {progress.percent !== null ? ` · ${Math.round(progress.percent)}%` : "…"}
            </p>
            <ProgressBar label={progress.step} percent={progress.percent} testId="install-progress" />
            <p className="text-[13px] text-fg-muted">You can close this: the install goes on, and the App Store shows how far it is.</p>
          </div>
        )}

        {phase === "installed" && (
          <div data-testid="install-done" className="space-y-3">
            <p className="text-sm text-fg-muted">{installed && !installed.url ? backgroundSentence(installed.ports) : "It is running on your PCC."}</p>
            <CredentialsList appId={app.id} note={<p className="text-[13px] text-fg-muted">You find these again in its settings, under Credentials.</p>} />
          </div>
        )}

        {phase === "failed" && (
          <p role="alert" data-testid="install-error" className="text-sm text-danger">
            {failure}
          </p>
        )}
      </div>

      <div className="flex flex-wrap justify-end gap-2 border-t border-line px-5 py-3">
        {phase === "ask" && (
          <>
            <Button data-testid="install-cancel" onClick={onClose} disabled={busy}>
              Cancel
            </Button>
            <Button data-testid="install-confirm" variant="primary" onClick={submit} disabled={busy}>
              {busy && <Spinner className="size-3.5" />}
              {asksAnything(app) ? "Allow and install" : "Install"}
            </Button>
          </>
        )}
        {phase === "installing" && (
          <Button data-testid="install-hide" onClick={onClose}>
            Hide
          </Button>
        )}
        {phase === "installed" && (
          <>
            <Button data-testid="install-close" onClick={onClose}>
              Done
            </Button>
            {installed?.url && (
              <Button
                data-testid="install-open"
                variant="primary"
                onClick={() => {
                  onClose();
                  onOpen(app.id);
                }}
              >
                Open
              </Button>
            )}
          </>
        )}
        {phase === "failed" && <Button onClick={onClose}>Close</Button>}
      </div>
    </Modal>
  );
}
