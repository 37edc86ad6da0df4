import type { ProxyServer } from "../../adapters/caddy/caddy-admin";
import { buildCaddyConfig, type ProxyApp, type ProxyInput } from "../../adapters/caddy/caddy-config";
import type { Logger } from "../../logger";

/**
 * Brings Caddy to the desired state. Calls coalesce: while one /load runs, any number of requests
 * collapse into a single follow-up load, which reads the state afresh.
 */
export class ProxyService {
  private inFlight: Promise<void> | null = null;
  private queued: Promise<void> | null = null;
  private lastLoaded: string | null = null;

  constructor(
    private readonly server: ProxyServer,
    private readonly base: Omit<ProxyInput, "apps">,
    private readonly apps: () => Promise<ProxyApp[]>,
    private readonly log: Logger,
  ) {}

  sync(): Promise<void> {
    if (!this.inFlight) {
      this.inFlight = this.load().finally(() => (this.inFlight = null));
      return this.inFlight;
    }
    this.queued ??= this.inFlight.catch(() => undefined).then(() => {
      this.queued = null;
      return this.sync();
    });
    return this.queued;
  }

  /** Loads the config even if unchanged: after Caddy restarted with an empty one. */
  reload(): Promise<void> {
    this.lastLoaded = null;
    return this.sync();
  }

  private async load() {
    const apps = await this.apps();
    const config = JSON.stringify(buildCaddyConfig({ ...this.base, apps }));
    // A /load restarts Caddy's servers: skip it when nothing changed (the periodic reconcile).
    if (config === this.lastLoaded) return;
    await this.server.load(JSON.parse(config));
    this.lastLoaded = config;
    this.log.debug({ apps: apps.length }, "proxy configured");
  }
}
