import { DomainError } from "../errors";
import { HttpTimeout, httpRequest } from "./http-request";

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
  constructor(
    readonly socketPath: string,
    private readonly serviceName: string,
    private readonly defaultTimeoutMs = 30_000,
    private readonly extraHeaders: Record<string, string> = {},
  ) {}

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
      const res = await httpRequest(fullPath, { socketPath: this.socketPath, method: opts.method ?? "GET", headers, body, timeoutMs, onChunk: opts.onChunk });
      return { status: res.status, body: res.body };
    } catch (e) {
      if (e instanceof HttpTimeout) throw new DomainError("TIMEOUT", `${this.serviceName} did not answer within ${Math.round(timeoutMs / 1000)} s.`);
      const err = e as { code?: string; message?: string };
      throw new DomainError("UNAVAILABLE", `${this.serviceName} is not reachable (${err.code ?? err.message}).`);
    }
  }

  /** Nothing is kept open between calls. */
  async close() {}
}

export function parseJson<T>(r: HttpResult): T {
  return JSON.parse(r.body.toString("utf8")) as T;
}
