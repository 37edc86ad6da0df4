import type { AppsRepository } from "../../adapters/db/apps-repository";
import type { UpdatesRepository } from "../../adapters/db/updates-repository";
import type { ContainerEngine } from "../../adapters/podman/container-engine";
import { DomainError, toMessage } from "../../errors";
import type { EventBus } from "../../events";
import { crashPoint } from "../../lib/crash-point";
import type { KeyedMutex } from "../../lib/keyed-mutex";
import type { Logger } from "../../logger";
import type { AppInstaller } from "../apps/app-installer";
import { isBroken, readRecord, type AppRecord } from "../apps/app-record";
import { secretContext } from "../apps/install-request";
import type { GatewaySync } from "../apps/apps.service";
import type { AppRuntime } from "../runtime/app-runtime";
import type { HealthMonitor } from "../runtime/health-monitor";
import { storedResources } from "../runtime/app-resources";
import { generateSecret, type SecretBox } from "../secrets/secret-box";
import { generatedSecrets } from "../oidc/oidc-client";
import { fromStored, toStored, type AppSpec } from "../spec";
import type { Snapshots } from "./snapshots";

export type UpdaterDeps = {
  repo: AppsRepository;
  updates: UpdatesRepository;
  engine: ContainerEngine;
  runtime: AppRuntime;
  installer: AppInstaller;
  health: HealthMonitor;
  gateway: GatewaySync;
  snapshots: Snapshots;
  box: SecretBox;
  events: EventBus;
  locks: KeyedMutex;
  log: Logger;
};

/**
 * Moves an installed app to a new spec (a new version, or the same one with images whose tag moved):
 * downloads first while the old version still runs, then stops it, snapshots its volumes, swaps the
 * containers and waits for the new version to be healthy. Anything short of that rolls back to the old
 * images and the snapshot's data, and says why. Each step is journaled, so a crash at any moment ends,
 * at the next start, in the old version, whole.
 */
export class Updater {
  constructor(private readonly d: UpdaterDeps) {}

  update(appId: string, target: AppSpec, progress: (step: string, percent?: number) => void = () => undefined): Promise<{ ok: boolean; message?: string }> {
    return this.d.locks.run(appId, async () => {
      const rec = await this.record(appId);
      if (rec.row.phase !== "installed") throw new DomainError("CONFLICT", `${rec.spec.name} is not installed and idle.`);
      if (await this.d.updates.journal(appId)) throw new DomainError("CONFLICT", `${rec.spec.name} is already being updated.`);
      const from = rec.spec.version;
      const next = { ...rec, spec: target, resources: storedResources(JSON.stringify(rec.resources), target) };
      // 1. Images first, while the old version keeps serving.
      const plan = await this.d.installer.prepareImages(next, progress);
      // 2. Journal, stop, snapshot.
      const stored = toStored(target);
      const snapshot = this.d.snapshots.dirFor(appId);
      await this.d.updates.begin({ appId, fromSpec: rec.row.manifest, fromSpecVersion: rec.row.specVersion, toSpec: stored.json, step: "started", snapshot });
      crashPoint("update:started");
      this.d.health.untrack(appId);
      progress("Stopping the old version");
      await this.d.runtime.stop(await this.d.installer.plan(rec));
      progress("Saving the app's data");
      await this.d.snapshots.take(snapshot, await this.mountpoints(rec));
      await this.d.updates.step(appId, "snapshotted");
      crashPoint("update:snapshotted");
      try {
        // 3. Swap: the row now says the new version; new secrets it declares are generated.
        for (const c of new Set(Object.values(rec.resources.containers))) await this.d.runtime.removeContainer(appId, c);
        await this.addSecrets(appId, target);
        await this.d.repo.update(appId, { manifest: stored.json, specVersion: stored.version, version: target.version, name: target.name, resources: JSON.stringify(next.resources) });
        await this.d.updates.step(appId, "swapped");
        crashPoint("update:swapped");
        progress("Starting the new version");
        const fresh = await this.record(appId);
        const newPlan = await this.d.installer.prepare(fresh, progress, plan.images);
        await this.d.runtime.start(fresh.spec, newPlan, (step) => progress(step));
        // 4. Healthy: done.
        await this.d.updates.end(appId);
        await this.d.snapshots.drop(snapshot);
        await this.d.updates.record({ appId, fromVersion: from, toVersion: target.version, outcome: "updated", message: null });
        this.d.gateway.invalidate(appId);
        this.d.health.track(fresh.spec, fresh.resources, true);
        this.d.events.emit("app.done", { appId, action: "update", ok: true, message: `${target.name} is now ${target.version}.` });
        this.d.log.info({ app: appId, from, to: target.version }, "app updated");
        return { ok: true };
      } catch (e) {
        const why = toMessage(e);
        this.d.log.warn({ app: appId, error: why }, "update failed; rolling back");
        await this.rollback(appId);
        const message = `${target.name} ${target.version} did not start (${why}); PCC went back to ${from} with your data as it was.`;
        await this.d.updates.record({ appId, fromVersion: from, toVersion: target.version, outcome: "rolled-back", message });
        this.d.events.emit("app.done", { appId, action: "rollback", ok: false, message });
        return { ok: false, message };
      }
    });
  }

  /**
   * Back to the journaled old version, whole: its spec in the row, the snapshot's data, its containers
   * (from its images, never removed), started if the owner wants it running. Also what a restart after
   * a crash mid-update does.
   */
  async rollback(appId: string): Promise<boolean> {
    const j = await this.d.updates.journal(appId);
    if (!j) return false;
    const current = await this.record(appId).catch(() => null);
    const old = fromStored(j.fromSpecVersion, j.fromSpec);
    if (current) {
      this.d.health.untrack(appId);
      for (const c of new Set(Object.values(current.resources.containers))) await this.d.runtime.removeContainer(appId, c).catch(() => undefined);
    }
    await this.d.repo.update(appId, { manifest: j.fromSpec, specVersion: j.fromSpecVersion, version: old.version, name: old.name });
    const rec = await this.record(appId);
    if (j.step !== "started") await this.d.snapshots.restore(j.snapshot, await this.mountpoints(rec));
    await this.d.updates.end(appId);
    await this.d.snapshots.drop(j.snapshot);
    if (rec.row.desiredState === "running") {
      const plan = await this.d.installer.prepare(rec, () => undefined);
      await this.d.runtime.start(rec.spec, plan, () => undefined);
      this.d.gateway.invalidate(appId);
      this.d.health.track(rec.spec, rec.resources, true);
    }
    this.d.log.info({ app: appId, version: old.version }, "update rolled back");
    return true;
  }

  /**
   * An update a crash interrupted goes back to the old version. Runs under the app's lock, so an update
   * that is merely in progress finishes first and leaves no journal to act on.
   */
  async recover() {
    for (const j of await this.d.updates.journals()) {
      const rolledBack = await this.d.locks.run(j.appId, () => this.rollback(j.appId)).catch((err) => {
        this.d.log.error({ app: j.appId, err: toMessage(err) }, "could not roll back an interrupted update");
        return false;
      });
      if (!rolledBack) continue;
      const message = "PCC stopped in the middle of the update; the app is back on its earlier version, with its data as it was.";
      await this.d.updates.record({ appId: j.appId, fromVersion: fromStored(j.fromSpecVersion, j.fromSpec).version, toVersion: fromStored(1, j.toSpec).version, outcome: "failed", message });
      this.d.events.emit("app.done", { appId: j.appId, action: "rollback", ok: false, message });
    }
  }

  private async record(appId: string): Promise<AppRecord> {
    const row = await this.d.repo.get(appId);
    if (!row) throw new DomainError("NOT_FOUND", `The app "${appId}" is not installed.`);
    const rec = readRecord(row);
    if (isBroken(rec)) throw new DomainError("CONFLICT", rec.error);
    return rec;
  }

  private async mountpoints(rec: AppRecord): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const v of Object.values(rec.resources.volumes)) {
      const m = await this.d.engine.volumeMountpoint(v);
      if (m) out[v] = m;
    }
    return out;
  }

  private async addSecrets(appId: string, spec: AppSpec) {
    const have = await this.d.repo.secrets(appId);
    const fresh = Object.fromEntries(
      Object.entries(generatedSecrets(spec))
        .filter(([name]) => !have[name])
        .map(([name, s]) => [name, this.d.box.seal(generateSecret(s.length, s.alphabet), secretContext(appId, name))]),
    );
    if (Object.keys(fresh).length) await this.d.repo.addSecrets(appId, fresh);
  }
}
