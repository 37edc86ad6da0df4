import type { AppsRepository } from "../../adapters/db/apps-repository";
import { DomainError, toMessage } from "../../errors";
import type { EventBus } from "../../events";
import { crashPoint } from "../../lib/crash-point";
import { KeyedMutex } from "../../lib/keyed-mutex";
import type { Logger } from "../../logger";
import type { Catalog } from "../catalog/catalog";
import { checkLicence } from "../catalog/licences";
import type { AppGrants } from "../gateway/app-grants";
import type { Upstream } from "../gateway/ingress-forwarder";
import { pickUidBase, resourcesFor } from "../runtime/app-resources";
import type { AppRuntime } from "../runtime/app-runtime";
import type { HealthMonitor } from "../runtime/health-monitor";
import { toStored, type AppSpec } from "../spec";
import type { SecretBox } from "../secrets/secret-box";
import { generateSecret } from "../secrets/secret-box";
import { generatedSecrets } from "../oidc/oidc-client";
import type { AppInstaller } from "./app-installer";
import { isBroken, readRecord, type AppRecord } from "./app-record";
import { describeApp, catalogView } from "./app-views";
import type { CatalogApp, CatalogProblem, InstalledApp } from "./apps.types";
import { checkPorts, checkSubdomains } from "./install-conflicts";
import { asksForPermissions, resolveGrants, resolveSettings, secretContext, type GrantsInput, type SettingsInput } from "./install-request";
import { planNetwork } from "./network-plan";

/** What the lifecycle needs of the gateway (what Caddy serves for each app host). */
export type GatewaySync = {
  /** Brings the gateway to the state in SQLite. */
  sync(): Promise<void>;
  /**
   * Forgets cached container addresses of an app after it (re)started; `answering`: the address each of
   * its hosts was just seen ready at, kept so that the first request skips the lookup.
   */
  invalidate(appId: string, answering?: Record<string, Upstream>): void;
};

export type AppsDeps = {
  repo: AppsRepository;
  catalog: Catalog;
  installer: AppInstaller;
  runtime: AppRuntime;
  health: HealthMonitor;
  grants: AppGrants;
  gateway: GatewaySync;
  box: SecretBox;
  events: EventBus;
  syncFirewall: () => Promise<void>;
  appUrl: (subdomain: string) => string;
  hostIp: string;
  /** Short tag of this PCC (from its data dir), in names Podman shares machine-wide. */
  instanceTag: string;
  audit?: Audit;
  log: Logger;
};

const ALLOCATION = "\0allocation";

export type InstallOptions = { grants?: GrantsInput; settings?: SettingsInput; licence?: string };

/** Who asked, for the audit log: a device ("device:<id>") or root on the machine ("cli"). */
export type Who = { actor: string; ip?: string | null };
type Audit = { record(e: { action: string; actor: string; ip?: string | null; details?: Record<string, unknown> }): Promise<void> };

/** Install, start, stop and remove apps. Every change is journaled in SQLite before Podman is touched. */
export class AppsService {
  private readonly progress = new Map<string, { step: string; percent: number | null }>();
  private readonly transient = new Map<string, "starting" | "stopping">();
  private readonly installs = new Map<string, Promise<void>>();
  /** Installs this process journaled itself: never mistaken for one a crash interrupted. */
  private readonly begun = new Set<string>();
  private readonly lastError = new Map<string, string>();
  readonly locks = new KeyedMutex();

  constructor(private readonly d: AppsDeps) {}

  async catalog(): Promise<{ apps: CatalogApp[]; problems: CatalogProblem[] }> {
    const [{ entries, problems }, rows, kept] = await Promise.all([this.d.catalog.load(), this.d.repo.list(), this.d.repo.keptData()]);
    const installed = new Set(rows.map((r) => r.id));
    const apps = [...entries.values()].map(({ spec, source }) =>
      catalogView(spec, { installed: installed.has(spec.id), hasKeptData: kept.has(spec.id), installError: this.lastError.get(spec.id) ?? null, catalogSource: source }),
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
  async beginInstall(id: string, opts: InstallOptions = {}, who: Who = { actor: "cli" }): Promise<void> {
    // One at a time across apps: two installs must not pick the same subnet or id range.
    const { audited } = await this.locks.run(ALLOCATION, () => this.journalInstall(id, opts, who));
    void this.resumeInstall(id).catch(() => undefined);
    // The audit entry is written while the install runs (it never throws): it is not on the install's path.
    await audited;
  }

  private async journalInstall(id: string, opts: InstallOptions, who: Who): Promise<{ audited: Promise<void> }> {
    const { spec } = await this.d.catalog.get(id);
    // A paid app needs a licence key that verifies against its developer's key, before anything is made.
    const licence = checkLicence(spec, opts.licence);
    const rows = await this.d.repo.list();
    if (rows.some((r) => r.id === id)) throw new DomainError("ALREADY_EXISTS", `${spec.name} is already installed.`);
    const grants = resolveGrants(spec, opts.grants);
    const settings = resolveSettings(spec, opts.settings ?? {}, this.d.box);
    const others = rows.map(readRecord).filter((r): r is AppRecord => !isBroken(r));
    checkSubdomains(spec, others, this.d.appUrl);
    await checkPorts(spec, grants.ports, others, this.d.hostIp);
    const kept = (await this.d.repo.keptData()).get(id);
    const secrets = { ...(kept?.secrets ?? {}) };
    // The spec's secrets, and PCC's own for the app (an OIDC client's secret).
    for (const [name, s] of Object.entries(generatedSecrets(spec))) secrets[name] ??= this.d.box.seal(generateSecret(s.length, s.alphabet), secretContext(id, name));
    const uidBase = pickUidBase(new Set(others.map((r) => r.resources.uidBase).filter((b): b is number => b !== undefined)));
    const resources = resourcesFor(spec, uidBase, this.d.instanceTag);
    const stored = toStored(spec);
    this.begun.add(id);
    const created = await this.d.repo.create(
      {
        id,
        name: spec.name,
        version: spec.version,
        manifest: stored.json,
        specVersion: stored.version,
        desiredState: "running",
        phase: "installing",
        ...planNetwork({ subnets: new Set(rows.map((r) => r.subnet)), bridges: new Set(rows.map((r) => r.bridge)) }),
        resources: JSON.stringify(resources),
        grants: JSON.stringify(grants),
        settings: JSON.stringify(settings),
        licence: licence?.key ?? null,
      },
      secrets,
    );
    if (!created) {
      this.begun.delete(id);
      throw new DomainError("ALREADY_EXISTS", `${spec.name} is already installed.`);
    }
    this.lastError.delete(id);
    this.report(id, "Queued");
    this.d.log.info({ app: id }, "install requested");
    crashPoint("install:journaled");
    const audited = this.d.audit?.record({ action: "app.installed", ...who, details: { app: id, version: spec.version, grants, ...(licence ? { licence: licence.payload.licence } : {}) } });
    return { audited: audited ?? Promise.resolve() };
  }

  /** Installs and waits: for the CLI. Throws the install's own error if it fails. */
  async install(id: string, opts: InstallOptions = {}, who?: Who): Promise<InstalledApp> {
    await this.beginInstall(id, opts, who);
    await this.installs.get(id)?.catch(() => undefined);
    const err = this.lastError.get(id);
    if (err) throw new DomainError("EXTERNAL_FAILURE", err);
    return this.get(id);
  }

  /** (Re)runs an install from the journal; safe after a crash at any step. */
  resumeInstall(id: string): Promise<void> {
    const existing = this.installs.get(id);
    if (existing) return existing;
    const task = this.locks
      .run(id, async () => {
        const row = await this.d.repo.get(id);
        if (!row || row.phase !== "installing") return;
        // The firewall from the start too (the installer awaits it before anything starts).
        const firewall = this.d.syncFirewall();
        firewall.catch(() => undefined);
        let failure: { error: unknown } | null = null;
        // The app's host is served from the start (with the "starting" page until it answers), so the
        // owner's sign-in to it can happen while it installs rather than after.
        const early = this.d.gateway.sync().then(
          () => true,
          (err) => (this.d.log.error({ err }, "gateway sync failed"), false),
        );
        try {
          const { rec, answering } = await this.d.installer.run(row, (step, percent) => this.report(id, step, percent), firewall);
          if (await early) this.d.gateway.invalidate(id, answering);
          this.d.health.track(rec.spec, rec.resources, true);
        } catch (e) {
          failure = { error: e };
          this.lastError.set(id, toMessage(e));
        }
        // The gateway first: a shell that opens the app on "done" must find its host served (or gone). An
        // installed app's hosts are those the early sync served, so only a failure (or that sync's) needs
        // another.
        if (!(await early) || failure) await this.d.gateway.sync().catch((err) => this.d.log.error({ err }, "gateway sync failed"));
        if (failure) {
          this.d.events.emit("app.done", { appId: id, action: "install", ok: false, message: toMessage(failure.error) });
          throw failure.error;
        }
        this.d.events.emit("app.done", { appId: id, action: "install", ok: true });
      })
      .finally(() => {
        this.installs.delete(id);
        this.begun.delete(id);
        this.progress.delete(id);
      });
    this.installs.set(id, task);
    return task;
  }

  /**
   * An install found half-done in the journal (PCC was stopped or crashed during it). With all its images
   * here, what is left is quick, so it is finished; otherwise (the download was cut off) it is undone at
   * once rather than leaving the app "installing" for as long as a download takes, and the owner sees why.
   */
  recoverInstall(id: string): Promise<void> {
    if (this.begun.has(id) || this.installs.has(id)) return this.resumeInstall(id);
    return this.locks
      .run(id, async () => {
        const row = await this.d.repo.get(id);
        if (!row || row.phase !== "installing") return false;
        const rec = readRecord(row);
        if (isBroken(rec) || (await this.d.installer.imagesPresent(rec))) return true;
        const message = `PCC stopped while installing ${rec.spec.name}, before its images were all downloaded, so the install was undone. Install it again.`;
        await this.d.installer.rollback(rec, message);
        this.lastError.set(id, message);
        await this.d.gateway.sync().catch((err) => this.d.log.error({ err }, "gateway sync failed"));
        this.d.events.emit("app.done", { appId: id, action: "install", ok: false, message });
        return false;
      })
      .then((resume) => (resume ? this.resumeInstall(id) : undefined));
  }

  async start(id: string) {
    await this.locks.run(id, async () => {
      const rec = await this.requireInstalled(id);
      await this.d.repo.update(id, { desiredState: "running" });
      crashPoint("start:journaled");
      this.transient.set(id, "starting");
      try {
        const plan = await this.d.installer.prepare(rec, (step) => this.report(id, step));
        this.d.gateway.invalidate(id, await this.d.runtime.start(rec.spec, plan, (step) => this.report(id, step)));
        this.d.health.track(rec.spec, rec.resources, true);
      } finally {
        this.transient.delete(id);
        this.progress.delete(id);
        await this.d.gateway.sync();
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
        const plan = await this.d.installer.prepare(next, (step) => this.report(id, step));
        this.d.gateway.invalidate(id, await this.d.runtime.start(rec.spec, plan, (step) => this.report(id, step)));
        this.d.health.track(rec.spec, rec.resources, true);
      }
      this.progress.delete(id);
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

  private report(id: string, step: string, percent?: number) {
    this.progress.set(id, { step, percent: percent ?? null });
    this.d.events.emit("app.progress", { appId: id, step, ...(percent !== undefined ? { percent } : {}) });
  }

  private describe(rec: AppRecord | ReturnType<typeof readRecord>): Promise<InstalledApp> {
    return describeApp(rec, {
      runtime: this.d.runtime,
      health: this.d.health,
      progress: this.progress.get(rec.row.id) ?? null,
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
