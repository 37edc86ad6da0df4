import type { AppsRepository } from "../../adapters/db/apps-repository";
import type { EventBus } from "../../events";
import type { Logger } from "../../logger";
import type { Catalog } from "../catalog/catalog";
import type { AppGrants } from "../gateway/app-grants";
import type { Upstream } from "../gateway/ingress-forwarder";
import type { AppRuntime } from "../runtime/app-runtime";
import type { HealthMonitor } from "../runtime/health-monitor";
import type { SecretBox } from "../secrets/secret-box";
import type { AppInstaller } from "./app-installer";
import type { GrantsInput, SettingsInput } from "./install-request";

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

export type InstallOptions = { grants?: GrantsInput; settings?: SettingsInput; licence?: string };

/** Who asked, for the audit log: a device ("device:<id>") or root on the machine ("cli"). */
export type Who = { actor: string; ip?: string | null };
export type Audit = { record(e: { action: string; actor: string; ip?: string | null; details?: Record<string, unknown> }): Promise<void> };
