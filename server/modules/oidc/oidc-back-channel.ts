import fs from "node:fs";
import https from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import tls from "node:tls";
import type { Logger } from "../../logger";

export type BackChannelOptions = {
  /** The shell's HTTPS port: the issuer URL carries it, so the app dials its gateway on that port. */
  port: number;
  /** Caddy's storage, where the shell's certificate and key are kept (internal CA or ACME alike). */
  caddyData: string;
  domain: string;
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  log: Logger;
  retryMs?: number;
};

/**
 * The issuer, reachable from the containers of OIDC apps: one HTTPS listener on each such app's gateway
 * address (its bridge's own address on the host), and nothing else of the host. Inside the app the shell's
 * name resolves to that gateway (a hosts entry) and the firewall lets exactly this port through. PCC
 * serves it itself, with Caddy's certificate for the shell's name, so the app verifies the issuer exactly
 * as a browser would; only the back-channel endpoints answer (discovery, keys, token, userinfo).
 *
 * Netavark brings a bridge (and its address) up with the app's first container: an address that is not
 * there yet is retried every few seconds, and a listener stays bound while its app is stopped.
 */
/**
 * Whether PCC must listen on the gateways itself. With Caddy bound to every address (0.0.0.0 or ::, the
 * default on a server with a real domain) a gateway address already is Caddy's: the app reaches the issuer
 * through the shell's own route (public to the internet anyway), and a listener of PCC's could not bind
 * that port (EADDRINUSE). With Caddy on one address (loopback, a LAN or public IP) the gateways are free.
 */
export function needsGatewayListeners(bindAddress: string): boolean {
  return bindAddress !== "0.0.0.0" && bindAddress !== "::";
}

export class OidcBackChannel {
  private readonly servers = new Map<string, https.Server>();
  private wanted = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private cached: { mtimeMs: number; file: string; context: tls.SecureContext } | null = null;

  constructor(private readonly o: BackChannelOptions) {}

  /** Listens on exactly these gateway addresses. */
  async sync(addresses: string[]) {
    this.wanted = new Set(addresses);
    for (const [addr, server] of this.servers) {
      if (this.wanted.has(addr)) continue;
      this.servers.delete(addr);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    }
    await this.listenMissing();
  }

  listening(): string[] {
    return [...this.servers.keys()];
  }

  async close() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.sync([]);
  }

  private async listenMissing() {
    let missing = 0;
    for (const addr of this.wanted) {
      if (this.servers.has(addr)) continue;
      const server = this.server();
      const ok = await new Promise<boolean>((resolve) => {
        server.once("error", (e: NodeJS.ErrnoException) => {
          if (e.code !== "EADDRNOTAVAIL") this.o.log.warn({ err: e, address: addr }, "OIDC back channel cannot listen");
          resolve(false);
        });
        server.listen({ host: addr, port: this.o.port }, () => resolve(true));
      });
      if (ok && this.wanted.has(addr)) this.servers.set(addr, server);
      else {
        server.close();
        if (this.wanted.has(addr)) missing += 1;
      }
    }
    if (missing && !this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        void this.listenMissing();
      }, this.o.retryMs ?? 2_000);
      this.timer.unref();
    }
  }

  private server() {
    const server = https.createServer({ SNICallback: (_name, cb) => cb(null, this.context()) }, (req, res) => {
      this.o.handler(req, res).catch((err) => {
        this.o.log.warn({ err }, "OIDC back-channel request failed");
        if (!res.headersSent) res.statusCode = 500;
        res.end();
      });
    });
    server.headersTimeout = 10_000;
    server.requestTimeout = 15_000;
    return server;
  }

  /** The shell's current certificate from Caddy's storage; re-read when Caddy renews it. */
  private context(): tls.SecureContext | undefined {
    const found = findCertificate(this.o.caddyData, this.o.domain);
    if (!found) return undefined;
    if (this.cached && this.cached.file === found.cert && this.cached.mtimeMs === found.mtimeMs) return this.cached.context;
    const context = tls.createSecureContext({ cert: fs.readFileSync(found.cert), key: fs.readFileSync(found.key) });
    this.cached = { file: found.cert, mtimeMs: found.mtimeMs, context };
    return context;
  }
}

/** `<storage>/certificates/<issuer>/<name>/<name>.crt` and `.key`, the newest if several issuers have one. */
export function findCertificate(caddyData: string, domain: string): { cert: string; key: string; mtimeMs: number } | null {
  const root = path.join(caddyData, "certificates");
  let best: { cert: string; key: string; mtimeMs: number } | null = null;
  for (const issuer of safeList(root)) {
    const dir = path.join(root, issuer, domain);
    const cert = path.join(dir, `${domain}.crt`);
    const key = path.join(dir, `${domain}.key`);
    try {
      const st = fs.statSync(cert);
      if (fs.existsSync(key) && (!best || st.mtimeMs > best.mtimeMs)) best = { cert, key, mtimeMs: st.mtimeMs };
    } catch {
      // this issuer has no certificate for the name
    }
  }
  return best;
}

function safeList(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
