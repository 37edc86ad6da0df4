import type { AppsRepository } from "../../adapters/db/apps-repository";
import type { ContainerEngine } from "../../adapters/podman/container-engine";
import { toMessage } from "../../errors";
import type { Logger } from "../../logger";
import { MANAGED } from "../runtime/app-resources";
import type { AppRuntime } from "../runtime/app-runtime";
import type { HealthMonitor } from "../runtime/health-monitor";
import type { AppInstaller } from "./app-installer";
import { isBroken, readRecord, type AppRecord } from "./app-record";
import type { AppsService, GatewaySync } from "./apps.service";

const CONVERGE_TIMEOUT_MS = 5 * 60_000;

/**
 * Brings Podman, the firewall and the gateway to the state in SQLite: at boot, after a crash, and
 * periodically. Each app converges on its own (a broken app never delays the others); journaled installs
 * and removals are finished, and PCC-labelled objects that belong to no app are swept.
 */
export class Reconciler {
  private running: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly apps: AppsService,
    private readonly installer: AppInstaller,
    private readonly repo: AppsRepository,
    private readonly engine: ContainerEngine,
    private readonly runtime: AppRuntime,
    private readonly health: HealthMonitor,
    private readonly gateway: GatewaySync,
    private readonly syncFirewall: () => Promise<void>,
    private readonly log: Logger,
    /** Puts apps whose update a crash interrupted back on their earlier version (before converging). */
    private readonly recoverUpdates: () => Promise<void> = async () => undefined,
  ) {}

  reconcile(): Promise<void> {
    this.running ??= this.pass().finally(() => (this.running = null));
    return this.running;
  }

  startLoop(intervalMs = 30_000) {
    this.timer = setInterval(() => void this.reconcile().catch((err) => this.log.error({ err }, "reconcile failed")), intervalMs);
    this.timer.unref();
  }

  stopLoop() {
    if (this.timer) clearInterval(this.timer);
  }

  /** Stops every app container without changing what the owner asked for, so the next boot restores it. */
  async stopAll() {
    const records = (await this.repo.list()).map(readRecord).filter((r): r is AppRecord => !isBroken(r));
    await Promise.all(records.map((r) => this.runtime.stopAll(r.resources).catch((err) => this.log.warn({ app: r.row.id, err }, "stop failed"))));
  }

  private async pass() {
    // Podman first, then SQLite: anything created after this listing has its row already, so the
    // leftover sweep below cannot race with an install that is just starting.
    const [containers, networks, volumes, secrets] = await Promise.all([
      this.engine.listContainers(MANAGED),
      this.engine.listNetworks(MANAGED),
      this.engine.listVolumes(MANAGED),
      this.engine.listSecrets(MANAGED),
    ]);
    const rows = await this.repo.list();
    await this.syncFirewall().catch((err) => this.log.error({ err }, "firewall sync failed"));
    await this.gateway.sync().catch((err) => this.log.error({ err }, "gateway sync failed"));
    await this.recoverUpdates().catch((err) => this.log.error({ err }, "update recovery failed"));

    await Promise.all(
      rows.map(async (row) => {
        if (row.phase === "installing") return void this.apps.recoverInstall(row.id).catch((e) => this.fail(row.id, e));
        if (row.phase !== "installed") return this.apps.locks.run(row.id, () => this.apps.runRemove(row.id)).catch((e) => this.fail(row.id, e));
        if (this.apps.locks.busy(row.id)) return;
        return this.apps.locks.run(row.id, () => withTimeout(this.converge(row.id), CONVERGE_TIMEOUT_MS)).catch((e) => this.fail(row.id, e));
      }),
    );

    // Leftovers: objects labelled as PCC's that no app row claims (by name, so an update's old objects go too).
    // Rows and kept data are read again: a removal finished above has just turned its volumes into kept data.
    const [after, kept] = await Promise.all([this.repo.list(), this.repo.keptData()]);
    const records = after.map(readRecord);
    const known = new Set(records.map((r) => r.row.id));
    const claimed = new Set(records.flatMap((r) => (isBroken(r) ? [] : [r.resources.network, ...Object.values(r.resources.containers), ...Object.values(r.resources.volumes), ...Object.values(r.resources.secrets)])));
    const keptNames = new Set([...kept.values()].flatMap((k) => (Array.isArray(k.volumes) ? k.volumes : Object.values(k.volumes))));
    const orphan = (name: string, labels: Record<string, string>) => !claimed.has(name) && !(isBrokenApp(records, labels["pcc.app"]) && known.has(labels["pcc.app"] ?? ""));
    for (const c of containers.filter((c) => orphan(c.name, c.labels))) await this.sweep("container", c.name, () => this.engine.removeContainer(c.name));
    for (const n of networks.filter((n) => orphan(n.name, n.labels))) await this.sweep("network", n.name, () => this.engine.removeNetwork(n.name));
    for (const v of volumes.filter((v) => orphan(v.name, v.labels) && !keptNames.has(v.name))) await this.sweep("volume", v.name, () => this.engine.removeVolume(v.name));
    for (const s of secrets.filter((s) => !claimed.has(s) && !records.some((r) => s.startsWith(`pcc_${r.row.id}_`)))) await this.sweep("secret", s, () => this.engine.removeSecret(s));
    await this.gateway.sync();
  }

  /** One installed app: its objects exist, and it runs or not as the owner asked. */
  private async converge(id: string) {
    const row = await this.repo.get(id);
    if (!row || row.phase !== "installed") return;
    const rec = readRecord(row);
    if (isBroken(rec)) return this.log.error({ app: id, error: rec.error }, "installed app cannot be read; leaving it alone");
    if (row.desiredState === "stopped") {
      this.health.untrack(id);
      const plan = await this.installer.plan(rec);
      const infos = await this.runtime.inspect(rec.resources);
      if (Object.values(infos).some((i) => i?.state === "running")) await this.runtime.stop(plan);
      return;
    }
    if (this.health.status(id)) return; // watched: the health monitor restarts what crashes
    const infos = await this.runtime.inspect(rec.resources);
    const allRunning = Object.values(infos).every((i) => i?.state === "running");
    if (!allRunning) {
      this.log.info({ app: id }, "starting app to match desired state");
      const plan = await this.installer.prepare(rec, () => undefined);
      await this.runtime.start(rec.spec, plan, () => undefined);
      this.gateway.invalidate(id);
    }
    // Found running (or just started and checked): the monitor's next pass confirms each service.
    this.health.track(rec.spec, rec.resources, !allRunning);
  }

  private async sweep(kind: string, name: string, remove: () => Promise<void>) {
    this.log.info({ kind, name }, "removing leftover");
    await remove().catch((err) => this.log.warn({ kind, name, err }, "could not remove leftover"));
  }

  private fail(id: string, e: unknown) {
    this.log.error({ app: id, error: toMessage(e) }, "could not bring app to its desired state");
  }
}

/** A broken (unreadable) app's objects are left alone: PCC cannot tell which are its. */
const isBrokenApp = (records: ReturnType<typeof readRecord>[], id: string | undefined) => records.some((r) => r.row.id === id && isBroken(r));

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([p, new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`did not converge within ${ms / 1000} s`)), ms)))]).finally(() => clearTimeout(timer));
}
