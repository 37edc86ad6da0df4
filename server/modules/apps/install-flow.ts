import { DomainError, toMessage } from "../../errors";
import { crashPoint } from "../../lib/crash-point";
import { checkLicence } from "../catalog/licences";
import { generatedSecrets } from "../oidc/oidc-client";
import { pickUidBase, resourcesFor } from "../runtime/app-resources";
import { generateSecret } from "../secrets/secret-box";
import { toStored } from "../spec";
import type { AppActivity } from "./app-activity";
import { isBroken, readRecord, type AppRecord } from "./app-record";
import type { AppsDeps, InstallOptions, Who } from "./apps-deps";
import { checkPorts, checkSubdomains } from "./install-conflicts";
import { resolveGrants, resolveSettings, secretContext } from "./install-request";
import { planNetwork } from "./network-plan";

const ALLOCATION = "\0allocation";

/**
 * An install, from the owner's request to a running app: the checks, the journal row (written before
 * Podman is touched), then the installer's work in the background, and its recovery after a crash.
 */
export class InstallFlow {
  private readonly installs = new Map<string, Promise<void>>();
  /** Installs this process journaled itself: never mistaken for one a crash interrupted. */
  private readonly begun = new Set<string>();

  constructor(
    private readonly d: AppsDeps,
    private readonly a: AppActivity,
  ) {}

  /** Checks the request, journals the install and runs it in the background; progress shows in `list` and on the event bus. */
  async begin(id: string, opts: InstallOptions = {}, who: Who = { actor: "cli" }): Promise<void> {
    // One at a time across apps: two installs must not pick the same subnet or id range.
    const { audited } = await this.a.locks.run(ALLOCATION, () => this.journal(id, opts, who));
    void this.resume(id).catch(() => undefined);
    // The audit entry is written while the install runs (it never throws): it is not on the install's path.
    await audited;
  }

  private async journal(id: string, opts: InstallOptions, who: Who): Promise<{ audited: Promise<void> }> {
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
    this.a.lastError.delete(id);
    this.a.report(id, "Queued");
    this.d.log.info({ app: id }, "install requested");
    crashPoint("install:journaled");
    const audited = this.d.audit?.record({ action: "app.installed", ...who, details: { app: id, version: spec.version, grants, ...(licence ? { licence: licence.payload.licence } : {}) } });
    return { audited: audited ?? Promise.resolve() };
  }

  /** Resolves when the install of `id` this process runs (if any) has ended, however it ended. */
  async settled(id: string): Promise<void> {
    await this.installs.get(id)?.catch(() => undefined);
  }

  /** (Re)runs an install from the journal; safe after a crash at any step. */
  resume(id: string): Promise<void> {
    const existing = this.installs.get(id);
    if (existing) return existing;
    const task = this.a.locks
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
          const { rec, answering } = await this.d.installer.run(row, (step, percent) => this.a.report(id, step, percent), firewall);
          if (await early) this.d.gateway.invalidate(id, answering);
          this.d.health.track(rec.spec, rec.resources, true);
        } catch (e) {
          failure = { error: e };
          this.a.lastError.set(id, toMessage(e));
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
        this.a.progress.delete(id);
      });
    this.installs.set(id, task);
    return task;
  }

  /**
   * An install found half-done in the journal (PCC was stopped or crashed during it). With all its images
   * here, what is left is quick, so it is finished; otherwise (the download was cut off) it is undone at
   * once rather than leaving the app "installing" for as long as a download takes, and the owner sees why.
   */
  recover(id: string): Promise<void> {
    if (this.begun.has(id) || this.installs.has(id)) return this.resume(id);
    return this.a.locks
      .run(id, async () => {
        const row = await this.d.repo.get(id);
        if (!row || row.phase !== "installing") return false;
        const rec = readRecord(row);
        if (isBroken(rec) || (await this.d.installer.imagesPresent(rec))) return true;
        const message = `PCC stopped while installing ${rec.spec.name}, before its images were all downloaded, so the install was undone. Install it again.`;
        await this.d.installer.rollback(rec, message);
        this.a.lastError.set(id, message);
        await this.d.gateway.sync().catch((err) => this.d.log.error({ err }, "gateway sync failed"));
        this.d.events.emit("app.done", { appId: id, action: "install", ok: false, message });
        return false;
      })
      .then((resume) => (resume ? this.resume(id) : undefined));
  }
}
