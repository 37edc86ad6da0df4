import { DomainError } from "../../errors";
import { crashPoint } from "../../lib/crash-point";
import type { KeyedMutex } from "../../lib/keyed-mutex";
import { AppActivity } from "./app-activity";
import { isBroken, readRecord, type AppRecord } from "./app-record";
import { describeApp, catalogView } from "./app-views";
import type { AppsDeps, InstallOptions, Who } from "./apps-deps";
import type { CatalogApp, CatalogProblem, InstalledApp } from "./apps.types";
import { checkPorts } from "./install-conflicts";
import { InstallFlow } from "./install-flow";
import { asksForPermissions, resolveGrants, resolveSettings, secretContext, type GrantsInput, type SettingsInput } from "./install-request";

export type { AppsDeps, GatewaySync, InstallOptions, Who } from "./apps-deps";

/** Install, start, stop and remove apps. Every change is journaled in SQLite before Podman is touched. */
export class AppsService {
  private readonly a: AppActivity;
  private readonly installs: InstallFlow;
  private readonly transient = new Map<string, "starting" | "stopping">();
  readonly locks: KeyedMutex;

  constructor(private readonly d: AppsDeps) {
    this.a = new AppActivity(d.events);
    this.locks = this.a.locks;
    this.installs = new InstallFlow(d, this.a);
  }

  async catalog(): Promise<{ apps: CatalogApp[]; problems: CatalogProblem[] }> {
    const [{ entries, problems }, rows, kept] = await Promise.all([this.d.catalog.load(), this.d.repo.list(), this.d.repo.keptData()]);
    const installed = new Set(rows.map((r) => r.id));
    const apps = [...entries.values()].map(({ spec, source }) =>
      catalogView(spec, { installed: installed.has(spec.id), hasKeptData: kept.has(spec.id), installError: this.a.lastError.get(spec.id) ?? null, catalogSource: source }),
    );
    return { apps, problems };
  }

  async list(): Promise<InstalledApp[]> {
    return Promise.all((await this.d.repo.list()).map((r) => this.describe(readRecord(r))));
  }

  /** The generated secrets the app's spec says the owner should see (a first admin password), in the clear. */
  async credentials(id: string): Promise<{ name: string; description: string | null; value: string }[]> {
    const rec = await this.requireInstalled(id);
    const sealed = await this.d.repo.secrets(id);
    return Object.entries(rec.spec.secrets)
      .filter(([name, s]) => s.show && sealed[name])
      .map(([name, s]) => ({ name, description: s.description ?? null, value: this.d.box.open(sealed[name]!, secretContext(id, name)) }));
  }

  /** Whether installing this catalog app needs the owner's approval of permissions (and so a fresh passkey check). */
  async asksForPermissions(id: string) {
    return asksForPermissions((await this.d.catalog.get(id)).spec);
  }

  async isInstalled(id: string) {
    return (await this.d.repo.get(id))?.phase === "installed";
  }

  async get(id: string): Promise<InstalledApp> {
    return this.describe(readRecord(await this.requireRow(id)));
  }

  /** Checks the request, journals the install and runs it in the background; progress shows in `list` and on the event bus. */
  beginInstall(id: string, opts: InstallOptions = {}, who: Who = { actor: "cli" }): Promise<void> {
    return this.installs.begin(id, opts, who);
  }

  /** Installs and waits: for the CLI. Throws the install's own error if it fails. */
  async install(id: string, opts: InstallOptions = {}, who?: Who): Promise<InstalledApp> {
    await this.installs.begin(id, opts, who);
    await this.installs.settled(id);
    const err = this.a.lastError.get(id);
    if (err) throw new DomainError("EXTERNAL_FAILURE", err);
    return this.get(id);
  }

  /** (Re)runs an install from the journal; safe after a crash at any step. */
  resumeInstall(id: string): Promise<void> {
    return this.installs.resume(id);
  }

  /** An install found half-done in the journal: finished if its images are here, undone otherwise. */
  recoverInstall(id: string): Promise<void> {
    return this.installs.recover(id);
  }

  async start(id: string) {
    await this.locks.run(id, async () => {
      const rec = await this.requireInstalled(id);
      await this.d.repo.update(id, { desiredState: "running" });
      crashPoint("start:journaled");
      this.transient.set(id, "starting");
      try {
        const plan = await this.d.installer.prepare(rec, (step) => this.a.report(id, step));
        this.d.gateway.invalidate(id, await this.d.runtime.start(rec.spec, plan, (step) => this.a.report(id, step)));
        this.d.health.track(rec.spec, rec.resources, true);
      } finally {
        // The gateway first: until it has dropped the "stopped" marker, the app must not show as running,
        // or a shell that opens it then would get the "This app is stopped" page and keep it.
        try {
          await this.d.gateway.sync();
        } finally {
          this.transient.delete(id);
          this.a.progress.delete(id);
        }
      }
    });
  }

  async stop(id: string) {
    await this.locks.run(id, async () => {
      const rec = await this.requireInstalled(id);
      await this.d.repo.update(id, { desiredState: "stopped" });
      crashPoint("stop:journaled");
      this.d.health.untrack(id);
      this.transient.set(id, "stopping");
      try {
        // The "stopped" page first, so nobody sees the app half-stopped.
        await this.d.gateway.sync();
        await this.d.runtime.stop(await this.d.installer.plan(rec));
      } finally {
        this.transient.delete(id);
      }
    });
  }

  /**
   * Changes what the owner granted or set. The firewall takes a new egress grant at once; ports and
   * settings are part of the containers, so those are recreated (volumes and secrets stay).
   */
  async reconfigure(id: string, change: { grants?: GrantsInput; settings?: SettingsInput }, who: Who = { actor: "cli" }) {
    await this.locks.run(id, async () => {
      const rec = await this.requireInstalled(id);
      const grants = change.grants ? resolveGrants(rec.spec, change.grants) : rec.grants;
      const settings = change.settings ? resolveSettings(rec.spec, change.settings, this.d.box, rec.settings) : rec.settings;
      const others = (await this.d.repo.list()).filter((r) => r.id !== id).map(readRecord).filter((r): r is AppRecord => !isBroken(r));
      const newPorts = Object.fromEntries(Object.entries(grants.ports).filter(([name, port]) => rec.grants.ports[name] !== port));
      await checkPorts(rec.spec, newPorts, others, this.d.hostIp);
      await this.d.repo.update(id, { grants: JSON.stringify(grants), settings: JSON.stringify(settings) });
      if (change.grants) await this.d.audit?.record({ action: "app.permissions", ...who, details: { app: id, grants } });
      await this.d.syncFirewall();
      // The app's network has DNS only while it may reach the internet: that change needs a new network.
      const dnsChanged = (grants.internet !== false) !== (rec.grants.internet !== false);
      const recreate = dnsChanged || JSON.stringify(grants.ports) !== JSON.stringify(rec.grants.ports) || JSON.stringify(settings) !== JSON.stringify(rec.settings);
      if (!recreate) return;
      this.d.health.untrack(id);
      const next = { ...rec, grants, settings };
      await this.d.runtime.stop(await this.d.installer.plan(rec));
      for (const c of new Set(Object.values(rec.resources.containers))) await this.d.runtime.removeContainer(id, c);
      if (dnsChanged) await this.d.runtime.removeNetwork(rec.resources.network);
      if (rec.row.desiredState === "running") {
        const plan = await this.d.installer.prepare(next, (step) => this.a.report(id, step));
        this.d.gateway.invalidate(id, await this.d.runtime.start(rec.spec, plan, (step) => this.a.report(id, step)));
        this.d.health.track(rec.spec, rec.resources, true);
      }
      this.a.progress.delete(id);
    });
  }

  async restart(id: string) {
    await this.stop(id);
    await this.start(id);
  }

  async remove(id: string, opts: { keepData: boolean }, who: Who = { actor: "cli" }) {
    await this.locks.run(id, async () => {
      await this.requireRow(id);
      await this.d.repo.update(id, { phase: opts.keepData ? "removing-keep-data" : "removing" });
      await this.d.audit?.record({ action: "app.removed", ...who, details: { app: id, keptData: opts.keepData } });
      crashPoint("remove:journaled");
      await this.runRemove(id);
    });
  }

  /** Finishes a journaled removal; also used by the reconciler after a crash. Idempotent. */
  async runRemove(id: string) {
    const row = await this.d.repo.get(id);
    if (!row) return;
    const keep = row.phase === "removing-keep-data";
    const rec = readRecord(row);
    this.d.health.untrack(id);
    await this.d.grants.revokeApp(id);
    await this.d.gateway.sync();
    if (!isBroken(rec)) {
      await this.d.runtime.teardown(id, rec.resources, keep);
      crashPoint("remove:torn-down");
      if (keep) await this.d.repo.keepData(id, { volumes: rec.resources.volumes, secrets: await this.d.repo.secrets(id) });
      else await this.d.repo.forgetKeptData(id);
      crashPoint("remove:recorded");
    }
    await this.d.repo.delete(id);
    await this.d.gateway.sync();
    await this.d.syncFirewall().catch((err) => this.d.log.warn({ err }, "firewall sync failed"));
    this.d.events.emit("app.done", { appId: id, action: "remove", ok: true });
    this.d.log.info({ app: id, keptData: keep }, "app removed");
  }

  private describe(rec: AppRecord | ReturnType<typeof readRecord>): Promise<InstalledApp> {
    return describeApp(rec, {
      runtime: this.d.runtime,
      health: this.d.health,
      progress: this.a.progress.get(rec.row.id) ?? null,
      // A start under way that the health monitor does not watch yet (the reconciler's, at boot) is
      // "starting": its containers can all run before the app answers.
      transient: this.transient.get(rec.row.id) ?? (rec.row.desiredState === "running" && this.locks.busy(rec.row.id) && !this.d.health.status(rec.row.id) ? "starting" : null),
      appUrl: this.d.appUrl,
    });
  }

  private async requireRow(id: string) {
    const row = await this.d.repo.get(id);
    if (!row) throw new DomainError("NOT_FOUND", `The app "${id}" is not installed.`);
    return row;
  }

  private async requireInstalled(id: string): Promise<AppRecord> {
    const row = await this.requireRow(id);
    if (row.phase === "installing") throw new DomainError("CONFLICT", `${row.name} is still installing.`);
    if (row.phase !== "installed") throw new DomainError("CONFLICT", `${row.name} is being removed.`);
    const rec = readRecord(row);
    if (isBroken(rec)) throw new DomainError("CONFLICT", `${row.name} cannot be read by this PCC: ${rec.error}`);
    return rec;
  }
}
