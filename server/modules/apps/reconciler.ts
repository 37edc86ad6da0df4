import type { AppsRepository } from "../../adapters/db/apps-repository";
import type { ContainerEngine } from "../../adapters/podman/container-engine";
import { toMessage } from "../../errors";
import type { Logger } from "../../logger";
import type { AppRuntime } from "./app-runtime";
import { manifestOf, type AppsService, type GatewaySync } from "./apps.service";
import { names } from "./network-plan";

const MANAGED = { "pcc.managed": "true" };

/**
 * Brings Podman and Caddy to the state in SQLite: at boot, after a crash, and periodically (which is
 * also how crashed apps come back, since there is no systemd to run Podman's timers).
 */
export class Reconciler {
  private running: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly apps: AppsService,
    private readonly repo: AppsRepository,
    private readonly engine: ContainerEngine,
    private readonly runtime: AppRuntime,
    private readonly gateway: GatewaySync,
    private readonly log: Logger,
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
    const rows = await this.repo.list();
    await Promise.all(rows.map((r) => this.runtime.stop(r.id).catch((err) => this.log.warn({ app: r.id, err }, "stop failed"))));
  }

  private async pass() {
    // Podman first, then SQLite: anything created after this listing has its row already, so the
    // leftover sweep below cannot race with an install that is just starting.
    const [containers, networks, volumes] = await Promise.all([
      this.engine.listContainers(MANAGED),
      this.engine.listNetworks(MANAGED),
      this.engine.listVolumes(MANAGED),
    ]);
    const [rows, kept] = await Promise.all([this.repo.list(), this.repo.keptVolumes()]);
    const known = new Set(rows.map((r) => r.id));

    for (const row of rows) {
      if (row.phase === "installing") void this.apps.resumeInstall(row.id);
      else if (row.phase !== "installed") await this.apps.locks.run(row.id, () => this.apps.runRemove(row.id)).catch((e) => this.fail(row.id, e));
      else if (!this.apps.locks.busy(row.id)) await this.apps.locks.run(row.id, () => this.converge(row.id)).catch((e) => this.fail(row.id, e));
    }

    const keptNames = new Set([...kept.values()].flat());
    const orphan = (labels: Record<string, string>) => !known.has(labels["pcc.app"] ?? "");
    for (const c of containers.filter((c) => orphan(c.labels))) await this.sweep("container", c.name, () => this.engine.removeContainer(c.name));
    for (const n of networks.filter((n) => orphan(n.labels))) await this.sweep("network", n.name, () => this.engine.removeNetwork(n.name));
    for (const v of volumes.filter((v) => orphan(v.labels) && !keptNames.has(v.name))) await this.sweep("volume", v.name, () => this.engine.removeVolume(v.name));

    await this.gateway.sync();
  }

  private async converge(id: string) {
    const row = await this.repo.get(id);
    if (!row || row.phase !== "installed") return;
    const m = manifestOf(row);
    await this.runtime.provision(row, m, () => undefined);
    const info = await this.engine.inspectContainer(names.container(id));
    if (row.desiredState === "running" && info?.state !== "running") {
      this.log.info({ app: id }, "starting app to match desired state");
      await this.runtime.startAndWait(m, () => undefined);
      this.gateway.invalidate(id);
    } else if (row.desiredState === "stopped" && info?.state === "running") {
      await this.runtime.stop(id);
    }
  }

  private async sweep(kind: string, name: string, remove: () => Promise<void>) {
    this.log.info({ kind, name }, "removing leftover");
    await remove().catch((err) => this.log.warn({ kind, name, err }, "could not remove leftover"));
  }

  private fail(id: string, e: unknown) {
    this.log.error({ app: id, error: toMessage(e) }, "could not bring app to its desired state");
  }
}
