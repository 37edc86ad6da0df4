import { Pool } from "undici";
import { DomainError } from "../errors";

export type HttpResult = { status: number; body: Buffer };

type RequestOptions = {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  query?: Record<string, string | number | boolean | undefined>;
  json?: unknown;
  body?: Buffer | NodeJS.ReadableStream;
  headers?: Record<string, string>;
  /** Every external call has a deadline; builds and pulls pass a longer one. */
  timeoutMs?: number;
  onChunk?: (chunk: Buffer) => void;
};

/** A small HTTP client for a local service on a unix socket, with a deadline on every call. */
export class UnixHttpClient {
  private readonly pool: Pool;

  constructor(
    readonly socketPath: string,
    private readonly serviceName: string,
    private readonly defaultTimeoutMs = 30_000,
    private readonly extraHeaders: Record<string, string> = {},
  ) {
    this.pool = new Pool("http://localhost", { socketPath, connections: 8 });
  }

  async request(path: string, opts: RequestOptions = {}): Promise<HttpResult> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) qs.set(k, String(v));
    const fullPath = qs.size ? `${path}?${qs}` : path;
    const timeoutMs = opts.timeoutMs ?? this.defaultTimeoutMs;
    const headers: Record<string, string> = { ...this.extraHeaders, ...opts.headers };
    let body: Buffer | NodeJS.ReadableStream | undefined = opts.body;
    if (opts.json !== undefined) {
      body = Buffer.from(JSON.stringify(opts.json));
      headers["content-type"] = "application/json";
    }
    try {
      const res = await this.pool.request({
        path: fullPath,
        method: opts.method ?? "GET",
        headers,
        body: body as never,
        signal: AbortSignal.timeout(timeoutMs),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const chunks: Buffer[] = [];
      for await (const chunk of res.body) {
        const b = Buffer.from(chunk as Uint8Array);
        opts.onChunk?.(b);
        chunks.push(b);
      }
      return { status: res.statusCode, body: Buffer.concat(chunks) };
    } catch (e) {
      const err = e as { name?: string; code?: string; message?: string };
      if (err.name === "TimeoutError" || err.name === "AbortError" || err.code === "UND_ERR_HEADERS_TIMEOUT" || err.code === "UND_ERR_BODY_TIMEOUT") {
        throw new DomainError("TIMEOUT", `${this.serviceName} did not answer within ${Math.round(timeoutMs / 1000)} s.`);
      }
      throw new DomainError("UNAVAILABLE", `${this.serviceName} is not reachable (${err.code ?? err.message}).`);
    }
  }

  async close() {
    await this.pool.close().catch(() => undefined);
  }
}

export function parseJson<T>(r: HttpResult): T {
  return JSON.parse(r.body.toString("utf8")) as T;
}
