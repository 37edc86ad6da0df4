import type { AppRow, AppsRepository } from "../../adapters/db/apps-repository";
import type { ContainerEngine } from "../../adapters/podman/container-engine";
import { DomainError, toMessage } from "../../errors";
import { KeyedMutex } from "../../lib/keyed-mutex";
import type { Logger } from "../../logger";
import type { AppGrants } from "../gateway/app-grants";
import type { AppRuntime } from "./app-runtime";
import type { AppStatus, CatalogApp, CatalogProblem, InstalledApp } from "./apps.types";
import type { Catalog } from "./catalog";
import { imageRef, isLocalBuild, manifestSchema, type Manifest } from "./manifest";
import { names, planNetwork } from "./network-plan";

/** What the lifecycle needs of the gateway (what Caddy serves for each app host). */
export type GatewaySync = {
  /** Brings the gateway to the state in SQLite. */
  sync(): Promise<void>;
  /** Forgets cached container addresses of an app after it (re)started. */
  invalidate(appId: string): void;
};

export type AppsDeps = {
  repo: AppsRepository;
  catalog: Catalog;
  runtime: AppRuntime;
  engine: ContainerEngine;
  grants: AppGrants;
  gateway: GatewaySync;
  appUrl: (id: string) => string;
  log: Logger;
};

export const manifestOf = (row: AppRow): Manifest => manifestSchema.parse(JSON.parse(row.manifest));
const iconUrl = (id: string, m: Manifest) => (m.icon?.endsWith(".svg") ? `/_pcc/icons/${id}.svg` : null);

/** Install, start, stop and remove apps. Every change is journaled in SQLite before Podman is touched. */
export class AppsService {
  private readonly progress = new Map<string, string>();
  private readonly transient = new Map<string, "starting" | "stopping">();
  private readonly installs = new Map<string, Promise<void>>();
  private readonly lastError = new Map<string, string>();
  readonly locks = new KeyedMutex();

  constructor(private readonly d: AppsDeps) {}

  async catalog(): Promise<{ apps: CatalogApp[]; problems: CatalogProblem[] }> {
    const [{ entries, problems }, rows, kept] = await Promise.all([this.d.catalog.load(), this.d.repo.list(), this.d.repo.keptVolumes()]);
    const installed = new Set(rows.map((r) => r.id));
    const apps = [...entries.values()].map(({ manifest: m }) => ({
      id: m.id,
      name: m.name,
      version: m.version,
      tagline: m.tagline,
      description: m.description,
      category: m.category,
      iconUrl: iconUrl(m.id, m),
      source: isLocalBuild(m) ? ("local-build" as const) : ("registry" as const),
      image: imageRef(m),
      installed: installed.has(m.id),
      hasKeptData: kept.has(m.id),
      installError: this.lastError.get(m.id) ?? null,
    }));
    return { apps, problems };
  }

  async list(): Promise<InstalledApp[]> {
    const rows = await this.d.repo.list();
    return Promise.all(rows.map((r) => this.describe(r)));
  }

  async isInstalled(id: string) {
    return (await this.d.repo.get(id))?.phase === "installed";
  }

  async get(id: string): Promise<InstalledApp> {
    return this.describe(await this.requireRow(id));
  }

  /** Journals the install and runs it in the background; `list` shows its progress. */
  async beginInstall(id: string): Promise<void> {
    const { manifest } = await this.d.catalog.get(id);
    const rows = await this.d.repo.list();
    const plan = planNetwork({ subnets: new Set(rows.map((r) => r.subnet)), bridges: new Set(rows.map((r) => r.bridge)) });
    const created = await this.d.repo.create({
      id,
      name: manifest.name,
      version: manifest.version,
      manifest: JSON.stringify(manifest),
      desiredState: "running",
      phase: "installing",
      ...plan,
    });
    if (!created) throw new DomainError("ALREADY_EXISTS", `${manifest.name} is already installed.`);
    this.lastError.delete(id);
    this.progress.set(id, "Queued");
    this.d.log.info({ app: id }, "install requested");
    this.resumeInstall(id);
  }

  /** Installs and waits: for the CLI. Throws the install's own error if it fails. */
  async install(id: string): Promise<InstalledApp> {
    await this.beginInstall(id);
    await this.installs.get(id);
    const err = this.lastError.get(id);
    if (err) throw new DomainError("EXTERNAL_FAILURE", err);
    return this.get(id);
  }

  /** (Re)runs an install from the journal; safe after a crash at any step. */
  resumeInstall(id: string): Promise<void> {
    const existing = this.installs.get(id);
    if (existing) return existing;
    const task = this.locks
      .run(id, () => this.runInstall(id))
      .finally(() => {
        this.installs.delete(id);
        this.progress.delete(id);
      });
    this.installs.set(id, task);
    return task;
  }

  async start(id: string) {
    await this.locks.run(id, async () => {
      const row = await this.requireInstalled(id);
      const m = manifestOf(row);
      await this.d.repo.update(id, { desiredState: "running" });
      this.transient.set(id, "starting");
      try {
        await this.d.runtime.provision(row, m, () => undefined);
        await this.d.runtime.startAndWait(m, () => undefined);
        this.d.gateway.invalidate(id);
      } finally {
        this.transient.delete(id);
        await this.d.gateway.sync();
      }
    });
  }

  async stop(id: string) {
    await this.locks.run(id, async () => {
      await this.requireInstalled(id);
      await this.d.repo.update(id, { desiredState: "stopped" });
      this.transient.set(id, "stopping");
      try {
        await this.d.runtime.stop(id);
      } finally {
        this.transient.delete(id);
        await this.d.gateway.sync();
      }
    });
  }

  async remove(id: string, opts: { keepData: boolean }) {
    await this.locks.run(id, async () => {
      const row = await this.requireRow(id);
      if (row.phase === "installing") throw new DomainError("CONFLICT", `${row.name} is still installing.`);
      await this.d.repo.update(id, { phase: opts.keepData ? "removing-keep-data" : "removing" });
      await this.runRemove(id);
    });
  }

  /** Finishes a journaled removal; also used by the reconciler after a crash. */
  async runRemove(id: string) {
    const row = await this.d.repo.get(id);
    if (!row) return;
    const m = manifestOf(row);
    const keep = row.phase === "removing-keep-data";
    await this.d.grants.revokeApp(id);
    const kept = await this.d.runtime.teardown(m, keep);
    if (keep) await this.d.repo.keepVolumes(id, kept);
    else await this.d.repo.forgetKeptVolumes(id);
    await this.d.repo.delete(id);
    await this.d.gateway.sync();
    this.d.log.info({ app: id, keptData: keep }, "app removed");
  }

  private async runInstall(id: string) {
    const row = await this.d.repo.get(id);
    if (!row || row.phase !== "installing") return;
    const m = manifestOf(row);
    const progress = (step: string) => this.progress.set(id, step);
    try {
      await this.d.runtime.provision(row, m, progress);
      await this.d.runtime.startAndWait(m, progress);
      await this.d.repo.update(id, { phase: "installed" });
      await this.d.repo.forgetKeptVolumes(id);
      this.d.log.info({ app: id }, "app installed");
    } catch (e) {
      // No half-installed app: undo everything this install made, keeping data from an earlier life.
      const message = toMessage(e);
      this.lastError.set(id, message);
      this.d.log.warn({ app: id, error: message }, "install failed; rolling back");
      const hadKept = (await this.d.repo.keptVolumes()).has(id);
      await this.d.runtime.teardown(m, hadKept).catch((err) => this.d.log.error({ app: id, err }, "rollback incomplete"));
      await this.d.repo.delete(id);
    } finally {
      await this.d.gateway.sync().catch((err) => this.d.log.error({ err }, "gateway sync failed"));
    }
  }

  private async describe(row: AppRow): Promise<InstalledApp> {
    const m = manifestOf(row);
    let status: AppStatus;
    let error: string | null = null;
    if (row.phase === "installing") status = "installing";
    else if (row.phase !== "installed") status = "removing";
    else {
      const transient = this.transient.get(row.id);
      const info = transient ? null : await this.d.engine.inspectContainer(names.container(row.id)).catch(() => null);
      if (transient) status = transient;
      else if (info?.state === "running") status = "running";
      else if (row.desiredState === "stopped") status = "stopped";
      else {
        status = "error";
        error = info ? `${m.name} stopped unexpectedly (exit code ${info.exitCode ?? "unknown"}).` : `${m.name} has no container; PCC will recreate it.`;
      }
    }
    return {
      id: row.id,
      name: row.name,
      version: row.version,
      iconUrl: iconUrl(row.id, m),
      status,
      desiredState: row.desiredState,
      progress: this.progress.get(row.id) ?? null,
      error,
      url: this.d.appUrl(row.id),
      installedAt: row.installedAt.toISOString(),
    };
  }

  private async requireRow(id: string) {
    const row = await this.d.repo.get(id);
    if (!row) throw new DomainError("NOT_FOUND", `The app "${id}" is not installed.`);
    return row;
  }

  private async requireInstalled(id: string) {
    const row = await this.requireRow(id);
    if (row.phase === "installing") throw new DomainError("CONFLICT", `${row.name} is still installing.`);
    if (row.phase !== "installed") throw new DomainError("CONFLICT", `${row.name} is being removed.`);
    return row;
  }
}
