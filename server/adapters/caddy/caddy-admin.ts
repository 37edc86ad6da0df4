import { DomainError } from "../../errors";
import { UnixHttpClient } from "../../lib/unix-http";

export interface ProxyServer {
  load(config: unknown): Promise<void>;
  ping(): Promise<boolean>;
}

/** Caddy's admin API on a unix socket. It answers 403 unless the Host header is empty. */
export class CaddyAdmin implements ProxyServer {
  private readonly http: UnixHttpClient;

  constructor(socketPath: string) {
    this.http = new UnixHttpClient(socketPath, "Caddy", 20_000, { host: "" });
  }

  async load(config: unknown) {
    const r = await this.http.request("/load", {
      method: "POST",
      json: config,
      // Without it Caddy skips a /load it thinks is unchanged.
      headers: { "cache-control": "must-revalidate" },
    });
    if (r.status !== 200) throw new DomainError("EXTERNAL_FAILURE", `Caddy rejected its configuration: ${r.body.toString("utf8").slice(0, 400)}`);
  }

  async ping() {
    try {
      return (await this.http.request("/config/", { timeoutMs: 3_000 })).status === 200;
    } catch {
      return false;
    }
  }

  async close() {
    await this.http.close();
  }
}
