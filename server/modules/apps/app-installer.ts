import type { AppRow, AppsRepository } from "../../adapters/db/apps-repository";
import { toMessage } from "../../errors";
import type { EventBus } from "../../events";
import { crashPoint } from "../../lib/crash-point";
import { settleAll } from "../../lib/settle-all";
import type { Logger } from "../../logger";
import type { CatalogEntry } from "../catalog/catalog";
import type { AppRuntime, ReadyAt } from "../runtime/app-runtime";
import { imageFor, type ImageStore } from "../runtime/image-store";
import { planApp, type RuntimePlan } from "../runtime/runtime-plan";
import type { OidcAppContext } from "../oidc/oidc-client";
import type { SecretBox } from "../secrets/secret-box";
import { isBroken, readRecord, type AppRecord } from "./app-record";
import { plainSettings, secretContext } from "./install-request";

export type InstallerDeps = {
  repo: AppsRepository;
  runtime: AppRuntime;
  images: ImageStore;
  box: SecretBox;
  events: EventBus;
  /** The app's folder in the catalog, for builds; null if the catalog no longer has it. */
  catalogEntry: (id: string) => Promise<CatalogEntry | null>;
  ingressUrl: (subdomain: string) => string;
  hostIp: string;
  /** Applies the firewall for every app, this one included: before its containers run. */
  syncFirewall: () => Promise<void>;
  /** For an app that signs the owner in by OpenID Connect: its client and the issuer's back channel. */
  oidc?: (rec: AppRecord, secrets: Record<string, string>) => OidcAppContext | null;
  log: Logger;
};

export type Reporter = (step: string, percent?: number) => void;

/** A row as a record, or the reason it cannot be read. */
function readable(row: AppRow): AppRecord {
  const r = readRecord(row);
  if (isBroken(r)) throw new Error(r.error);
  return r;
}

/** Turns a journaled app into a running one, and back: the heavy half of the lifecycle. */
export class AppInstaller {
  constructor(private readonly d: InstallerDeps) {}

  async record(id: string): Promise<AppRecord> {
    const row = await this.d.repo.get(id);
    if (!row) throw new Error(`no app ${id}`);
    return readable(row);
  }

  /** The images of a record, downloaded (or built) if missing; the app keeps running meanwhile. */
  async prepareImages(rec: AppRecord, report: Reporter): Promise<{ images: Record<string, string> }> {
    const entry = await this.d.catalogEntry(rec.spec.id);
    const appDir = entry && entry.spec.version === rec.spec.version ? entry.dir : null;
    const images = await this.d.images.ensure(rec.spec, appDir, rec.grants.internet !== false, (step, p) =>
      report(step, p && p.total > 0 ? Math.min(99, Math.floor((100 * p.done) / p.total)) : undefined),
    );
    return { images };
  }

  /**
   * Images (unless given), then the Podman objects, for a record; idempotent. Returns the plan to start or
   * stop it by. The firewall is applied side by side from the first moment: it needs only the subnet and
   * bridge chosen when the install was journaled, and creating things starts nothing, so the rules only
   * have to be in place by the start that follows.
   */
  async prepare(rec: AppRecord, report: Reporter, images?: Record<string, string>, firewall?: Promise<void>): Promise<RuntimePlan> {
    const [, plan] = await settleAll([
      firewall ?? this.d.syncFirewall(),
      (async () => {
        const refs = images ?? (await this.prepareImages(rec, report)).images;
        crashPoint("install:images");
        const plan = await this.plan(rec, refs);
        await this.d.runtime.provision(rec.spec.id, plan, (step) => report(step));
        return plan;
      })(),
    ] as const);
    crashPoint("install:provisioned");
    return plan;
  }

  /** Whether every image of the app is in Podman's store already (nothing left to download or build). */
  imagesPresent(rec: AppRecord): Promise<boolean> {
    return this.d.images.present(rec.spec);
  }

  async plan(rec: AppRecord, images?: Record<string, string>): Promise<RuntimePlan> {
    const sealed = await this.d.repo.secrets(rec.spec.id);
    const secrets = Object.fromEntries(Object.entries(sealed).map(([k, v]) => [k, this.d.box.open(v, secretContext(rec.spec.id, k))]));
    return planApp({
      spec: rec.spec,
      resources: rec.resources,
      grants: rec.grants,
      subnet: rec.row.subnet,
      bridge: rec.row.bridge,
      images: images ?? Object.fromEntries(Object.keys(rec.spec.services).map((s) => [s, imageFor(rec.spec, s)])),
      secrets,
      settings: plainSettings(rec.spec, rec.settings, this.d.box),
      ingressUrl: (name) => this.d.ingressUrl(rec.spec.ingress.find((g) => g.name === name)?.subdomain ?? rec.spec.id),
      hostIp: this.d.hostIp,
      oidc: this.d.oidc?.(rec, secrets) ?? null,
    });
  }

  /**
   * Runs a journaled install to the end. On failure everything it made is undone, kept data excepted.
   * `firewall`: a firewall sync the caller started after journaling, to await instead of starting one.
   */
  async run(row: AppRow, report: Reporter, firewall?: Promise<void>): Promise<{ rec: AppRecord; answering: ReadyAt }> {
    const rec = readable(row);
    const id = rec.spec.id;
    try {
      const plan = await this.prepare(rec, report, undefined, firewall);
      const answering = await this.d.runtime.start(rec.spec, plan, (step) => report(step));
      crashPoint("install:started");
      await this.d.repo.update(id, { phase: "installed" });
      crashPoint("install:recorded");
      await this.d.repo.forgetKeptData(id);
      this.d.log.info({ app: id }, "app installed");
      return { rec, answering };
    } catch (e) {
      await this.rollback(rec, e);
      throw e;
    }
  }

  /** No half-installed app: remove what the install made; volumes (and secrets) kept from an earlier life stay kept. */
  async rollback(rec: AppRecord, cause: unknown) {
    const id = rec.spec.id;
    this.d.log.warn({ app: id, error: toMessage(cause) }, "install failed; rolling back");
    const kept = (await this.d.repo.keptData()).has(id);
    await this.d.runtime.teardown(id, rec.resources, kept).catch((err) => this.d.log.error({ app: id, err }, "rollback incomplete"));
    await this.d.repo.delete(id);
    await this.d.syncFirewall().catch(() => undefined);
  }
}
