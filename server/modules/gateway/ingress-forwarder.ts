import fs from "node:fs";
import net from "node:net";
import type { Logger } from "../../logger";

export type Upstream = { host: string; port: number };

const CONNECT_TIMEOUT_MS = 5_000;

/**
 * One unix socket per app host that Caddy dials (its config names the socket by the request's host,
 * so it never changes when apps come and go). Each connection is piped to the app's container as it
 * is now; if the app is down, the connection is closed and Caddy shows its "not answering" page.
 * It stays a byte pipe: the app sees the request exactly as Caddy wrote it, which is what header
 * sign-in relies on (Caddy strips and sets the header; see caddy-config.ts).
 */
export class IngressForwarder {
  private readonly servers = new Map<string, net.Server>();
  private readonly sockets = new Set<net.Socket>();
  /** The open connections of each host (Caddy keeps idle ones for minutes), ended when the host goes. */
  private readonly byHost = new Map<string, Set<net.Socket>>();

  constructor(
    private readonly socketPath: (host: string) => string,
    private readonly resolve: (host: string, refresh: boolean) => Promise<Upstream | null>,
    private readonly log: Logger,
    /** Gives Caddy access to a new socket (and nobody else); owner-only when absent. */
    private readonly share: (file: string) => Promise<void> = async (file) => fs.chmodSync(file, 0o600),
  ) {}

  has(host: string) {
    return this.servers.has(host);
  }

  async open(host: string) {
    if (this.servers.has(host)) return;
    const file = this.socketPath(host);
    fs.rmSync(file, { force: true });
    const server = net.createServer((client) => void this.pipe(host, client));
    server.on("error", (err) => this.log.error({ host, err }, "app socket failed"));
    this.servers.set(host, server);
    await new Promise<void>((resolve, reject) => server.once("error", reject).listen(file, () => resolve()));
    await this.share(file);
  }

  async close(host: string) {
    const server = this.servers.get(host);
    this.servers.delete(host);
    fs.rmSync(this.socketPath(host), { force: true });
    // server.close() waits for every connection to end: Caddy's idle keep-alive ones would hold an
    // app's removal (and every gateway change queued behind it) for as long as Caddy keeps them.
    for (const s of this.byHost.get(host) ?? []) s.destroy();
    this.byHost.delete(host);
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }

  async closeAll() {
    for (const s of this.sockets) s.destroy();
    await Promise.all([...this.servers.keys()].map((h) => this.close(h)));
  }

  private async pipe(host: string, client: net.Socket) {
    this.track(client, host);
    client.on("error", () => undefined);
    const upstream = await this.connect(host, false).catch(() => null) ?? (await this.connect(host, true).catch(() => null));
    if (!upstream || client.destroyed) {
      upstream?.destroy();
      client.destroy();
      return;
    }
    this.track(upstream, host);
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
    client.on("close", () => upstream.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  }

  /** The cached address first; a refused or timed-out connection retries once with a fresh lookup. */
  private async connect(host: string, refresh: boolean): Promise<net.Socket | null> {
    const target = await this.resolve(host, refresh);
    if (!target) return null;
    return new Promise((resolve, reject) => {
      const s = net.connect({ host: target.host, port: target.port });
      const timer = setTimeout(() => (s.destroy(), reject(new Error("connect timeout"))), CONNECT_TIMEOUT_MS);
      s.once("connect", () => (clearTimeout(timer), resolve(s)));
      s.once("error", (e) => (clearTimeout(timer), s.destroy(), reject(e)));
    });
  }

  private track(s: net.Socket, host: string) {
    this.sockets.add(s);
    const mine = this.byHost.get(host) ?? new Set<net.Socket>();
    this.byHost.set(host, mine.add(s));
    s.once("close", () => {
      this.sockets.delete(s);
      mine.delete(s);
    });
  }
}
