import http from "node:http";
import https from "node:https";

/**
 * One HTTP request on Node's own http/https modules, with one deadline for all of it (connecting, the
 * headers, the last byte of the body) and a cap on the body kept. PCC's calls to local services (Podman
 * and Caddy on unix sockets), to its apps (health checks) and to registries go through here: an HTTP
 * client library would cost more idle memory than everything these need (see bench/idle-memory).
 */
export type HttpRequestOptions = {
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer | NodeJS.ReadableStream;
  timeoutMs: number;
  /** For a service on a unix socket: the socket, with `url` giving only the path. */
  socketPath?: string;
  /** The body kept is cut off here (the request then fails with BodyTooLarge); unlimited by default. */
  maxBytes?: number;
  /** Each piece of the body as it arrives (progress streams). */
  onChunk?: (chunk: Buffer) => void;
};

export type HttpResponse = { status: number; headers: http.IncomingHttpHeaders; body: Buffer };

export class HttpTimeout extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${Math.round(timeoutMs / 1000)} s`);
    this.name = "HttpTimeout";
  }
}

export class BodyTooLarge extends Error {
  constructor(readonly maxBytes: number) {
    super(`the answer is larger than ${maxBytes} bytes`);
    this.name = "BodyTooLarge";
  }
}

export function httpRequest(url: string | URL, opts: HttpRequestOptions): Promise<HttpResponse> {
  const u = typeof url === "string" ? new URL(url, "http://localhost") : url;
  const lib = u.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (err: Error | null, value?: HttpResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) {
        req.destroy();
        reject(err);
      } else resolve(value!);
    };
    // No keep-alive: a fresh connection per call costs little on loopback or a unix socket, and never
    // meets a socket the other side has just closed. On a socket the Host is empty: Caddy's admin API
    // allows only that there (its allowed origins for a unix listener), and Go servers want one present.
    const req = lib.request(
      opts.socketPath
        ? { socketPath: opts.socketPath, path: `${u.pathname}${u.search}`, method: opts.method ?? "GET", setHost: false, headers: { host: "", ...opts.headers }, agent: false }
        : { protocol: u.protocol, hostname: u.hostname.replace(/^\[(.*)\]$/, "$1"), port: u.port, path: `${u.pathname}${u.search}`, method: opts.method ?? "GET", headers: opts.headers, agent: false },
    );
    const timer = setTimeout(() => finish(new HttpTimeout(opts.timeoutMs)), opts.timeoutMs);
    req.on("error", (e) => finish(e));
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (c: Buffer) => {
        size += c.length;
        if (opts.maxBytes !== undefined && size > opts.maxBytes) return finish(new BodyTooLarge(opts.maxBytes));
        opts.onChunk?.(c);
        chunks.push(c);
      });
      res.on("error", (e) => finish(e));
      res.on("aborted", () => finish(new Error("the connection was cut off")));
      res.on("end", () => finish(null, { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks, size) }));
    });
    const body = opts.body;
    if (body === undefined || Buffer.isBuffer(body)) req.end(body);
    else {
      body.on("error", (e: Error) => finish(e));
      body.pipe(req);
    }
  });
}
