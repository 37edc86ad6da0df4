import type { AppsRepository, UpdatePolicy } from "../../adapters/db/apps-repository";
import type { UpdateRecord, UpdatesRepository } from "../../adapters/db/updates-repository";
import { parseImageRef, type RegistryClient } from "../../adapters/registry/registry-client";
import { DomainError, toMessage } from "../../errors";
import type { EventBus } from "../../events";
import type { Logger } from "../../logger";
import { isBroken, readRecord, type AppRecord } from "../apps/app-record";
import type { Catalog } from "../catalog/catalog";
import type { AppSpec } from "../spec";
import { newPermissions } from "./new-permissions";
import { compareSemver } from "./semver";
import type { Updater } from "./updater";

export type AvailableUpdate = {
  appId: string;
  name: string;
  from: string;
  to: string;
  /** "version": the catalog has a newer version; "image": a tag the app follows points at a new image. */
  kind: "version" | "image";
  releaseNotes: string | null;
  /** Access the new version asks for that the installed one did not: such an update waits for the owner. */
  newPermissions: string[];
};

/** How one installed app is kept up to date. */
export type AppUpdatePolicy = { appId: string; name: string; version: string; policy: UpdatePolicy };

const CHECK_EVERY_MS = 6 * 3600_000;

/**
 * Finds updates (a newer version in the app's catalog, or a tag whose digest moved in its registry) and,
 * per app policy, installs them (auto, the default), tells the owner (notify) or leaves them (off).
 */
export class UpdatesService {
  private available = new Map<string, AvailableUpdate & { target: AppSpec }>();
  private timer: NodeJS.Timeout | null = null;
  private checking: Promise<AvailableUpdate[]> | null = null;

  constructor(
    private readonly d: {
      repo: AppsRepository;
      updates: UpdatesRepository;
      catalog: Catalog;
      registry: RegistryClient;
      updater: Updater;
      events: EventBus;
      log: Logger;
    },
  ) {}

  list(): AvailableUpdate[] {
    return [...this.available.values()].map(({ target: _t, ...u }) => u);
  }

  async policies(): Promise<AppUpdatePolicy[]> {
    const records = (await this.d.repo.list()).map(readRecord).filter((r): r is AppRecord => !isBroken(r) && r.row.phase === "installed");
    return records.map((r) => ({ appId: r.row.id, name: r.spec.name, version: r.spec.version, policy: r.row.updatePolicy ?? "auto" }));
  }

  history(appId?: string): Promise<UpdateRecord[]> {
    return this.d.updates.history(appId);
  }

  async setPolicy(appId: string, policy: UpdatePolicy) {
    if (!(await this.d.repo.get(appId))) throw new DomainError("NOT_FOUND", `The app "${appId}" is not installed.`);
    await this.d.repo.update(appId, { updatePolicy: policy });
  }

  /** Looks for updates now; applies them where the app's policy is auto. The owner's asks read fresh. */
  check(opts: { fresh?: boolean } = {}): Promise<AvailableUpdate[]> {
    this.checking ??= this.checkNow(opts.fresh ?? false).finally(() => (this.checking = null));
    return this.checking;
  }

  /** Installs the update of one app, after a fresh look (an update known from earlier may be stale). */
  async update(appId: string, progress?: (step: string, percent?: number) => void) {
    await this.checking?.catch(() => undefined);
    await this.scan(true);
    return this.apply(appId, progress);
  }

  private async apply(appId: string, progress?: (step: string, percent?: number) => void) {
    const u = this.available.get(appId);
    if (!u) throw new DomainError("NOT_FOUND", `There is no update for "${appId}".`);
    const result = await this.d.updater.update(appId, u.target, progress);
    this.available.delete(appId);
    if (!result.ok) throw new DomainError("EXTERNAL_FAILURE", result.message ?? "The update failed and was rolled back.");
    return { appId, version: u.to };
  }

  start(everyMs = CHECK_EVERY_MS, firstAfterMs = 60_000) {
    const tick = () => void this.check().catch((err) => this.d.log.warn({ err: toMessage(err) }, "update check failed"));
    setTimeout(tick, firstAfterMs).unref();
    this.timer = setInterval(tick, everyMs);
    this.timer.unref();
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
  }

  private async checkNow(fresh: boolean): Promise<AvailableUpdate[]> {
    const records = await this.scan(fresh);
    for (const u of [...this.available.values()]) {
      const policy = records.find((r) => r.row.id === u.appId)?.row.updatePolicy ?? "auto";
      if (policy === "off") continue;
      this.d.events.emit("app.update-available", { appId: u.appId, from: u.from, to: u.to, kind: u.kind });
      if (policy === "auto" && u.newPermissions.length) {
        this.d.log.info({ app: u.appId, asks: u.newPermissions }, "update asks for new access: waiting for the owner");
        continue;
      }
      if (policy === "auto") await this.apply(u.appId).catch((err) => this.d.log.warn({ app: u.appId, err: toMessage(err) }, "automatic update did not go through"));
    }
    return this.list();
  }

  /** Finds what can be updated, without installing anything. */
  private async scan(fresh: boolean): Promise<AppRecord[]> {
    if (fresh) this.d.catalog.refresh();
    const records = (await this.d.repo.list()).map(readRecord).filter((r): r is AppRecord => !isBroken(r) && r.row.phase === "installed");
    const found = new Map<string, AvailableUpdate & { target: AppSpec }>();
    for (const rec of records) {
      try {
        const target = (await this.newerVersion(rec)) ?? (await this.movedImages(rec));
        if (!target) continue;
        const kind = target.version !== rec.spec.version ? "version" : "image";
        found.set(rec.row.id, { appId: rec.row.id, name: rec.spec.name, from: rec.spec.version, to: target.version, kind, releaseNotes: target.releaseNotes ?? null, newPermissions: newPermissions(rec.spec, target), target });
      } catch (e) {
        this.d.log.warn({ app: rec.row.id, err: toMessage(e) }, "could not check for an update");
      }
    }
    this.available = found;
    return records;
  }

  private async newerVersion(rec: AppRecord): Promise<AppSpec | null> {
    const entry = await this.d.catalog.find(rec.row.id);
    return entry && compareSemver(entry.spec.version, rec.spec.version) > 0 ? entry.spec : null;
  }

  /** The same spec, with each image whose tag now points elsewhere pinned to the new digest. */
  private async movedImages(rec: AppRecord): Promise<AppSpec | null> {
    let moved = false;
    const services: AppSpec["services"] = {};
    for (const [name, s] of Object.entries(rec.spec.services)) {
      services[name] = s;
      if (!s.image) continue;
      const ref = parseImageRef(s.image);
      if (!ref.tag || !ref.digest) continue;
      const now = await this.d.registry.tagDigest(ref);
      if (now && now !== ref.digest) {
        services[name] = { ...s, image: `${ref.registry}/${ref.repository}:${ref.tag}@${now}` };
        moved = true;
      }
    }
    return moved ? { ...rec.spec, services } : null;
  }
}
