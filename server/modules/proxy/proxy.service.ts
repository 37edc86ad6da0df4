import type { ProxyServer } from "../../adapters/caddy/caddy-admin";
import { buildCaddyConfig, type ProxyInput } from "../../adapters/caddy/caddy-config";
import type { Logger } from "../../logger";

/**
 * Gives Caddy its configuration. It depends only on PCC's settings, so it is loaded once at start and
 * again only when Caddy itself was restarted; apps change through the gateway's files instead.
 */
export class ProxyService {
  private loading: Promise<void> | null = null;

  constructor(
    private readonly server: ProxyServer,
    private input: ProxyInput,
    private readonly log: Logger,
  ) {}

  /** Where Caddy asks whether a name may get a certificate (PCC's ask endpoint, known once it listens). */
  setAskUrl(askUrl: string) {
    if (this.input.tls.mode === "acme") this.input = { ...this.input, tls: { ...this.input.tls, askUrl } };
  }

  config() {
    return buildCaddyConfig(this.input);
  }

  /** Loads the configuration; concurrent calls share one load. */
  reload(): Promise<void> {
    this.loading ??= this.server
      .load(this.config())
      .then(() => this.log.debug("proxy configured"))
      .finally(() => (this.loading = null));
    return this.loading;
  }
}
