import type { ProxyServer } from "../../adapters/caddy/caddy-admin";
import type { ContainerEngine } from "../../adapters/podman/container-engine";
import type { AppsService } from "../apps/apps.service";
import type { UsageHistory, UsageOverview } from "./usage-history";

export type SystemStatus = {
  version: string;
  domain: string;
  shellUrl: string;
  podman: { ok: boolean; version: string | null };
  caddy: { ok: boolean };
  apps: { installed: number; running: number };
  uptimeSeconds: number;
};

export class SystemService {
  private readonly startedAt = Date.now();

  constructor(
    private readonly engine: ContainerEngine,
    private readonly proxy: ProxyServer,
    private readonly apps: AppsService,
    readonly usage: UsageHistory,
    private readonly info: { version: string; domain: string; shellUrl: string },
  ) {}

  /** The machine's and each app's CPU, memory and disk, now and over the last day. */
  overview(): UsageOverview {
    return this.usage.overview();
  }

  async status(): Promise<SystemStatus> {
    const [podmanVersion, caddyOk, apps] = await Promise.all([
      this.engine.version().catch(() => null),
      this.proxy.ping(),
      this.apps.list(),
    ]);
    return {
      ...this.info,
      podman: { ok: podmanVersion !== null, version: podmanVersion },
      caddy: { ok: caddyOk },
      apps: { installed: apps.length, running: apps.filter((a) => a.status === "running").length },
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
    };
  }
}
