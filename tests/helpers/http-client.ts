import { Agent, request } from "undici";

/** Resolves every name to one address (*.localhost is not in glibc) and accepts Caddy's internal CA. */
export function agentFor(address: string) {
  return new Agent({
    connect: {
      rejectUnauthorized: false,
      lookup: (_host, opts, cb) => ((opts as { all?: boolean }).all ? cb(null, [{ address, family: 4 }] as never, 4) : cb(null, address, 4)),
    },
  });
}

export const loopbackAgent = agentFor("127.0.0.1");

export type HttpResponse = { status: number; headers: Record<string, string | string[] | undefined>; text: string };

export type HttpOptions = { cookie?: string; method?: string; body?: string; headers?: Record<string, string>; dispatcher?: Agent };

export async function httpGet(url: string, opts: HttpOptions = {}): Promise<HttpResponse> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.cookie) headers.cookie = opts.cookie;
  const r = await request(url, {
    method: (opts.method ?? "GET") as "GET",
    headers,
    body: opts.body,
    dispatcher: opts.dispatcher ?? loopbackAgent,
    headersTimeout: 30_000,
    bodyTimeout: 30_000,
  });
  return { status: r.statusCode, headers: r.headers, text: await r.body.text() };
}
