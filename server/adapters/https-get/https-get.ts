import type dns from "node:dns";
import type { IncomingMessage } from "node:http";
import https from "node:https";

/**
 * One bounded HTTPS GET, the way PCC reads anything from another server (a catalog source, a friend's
 * card): a deadline from connecting to the last byte, a size cap checked against the declared length and
 * again while reading, redirects followed only within the first URL's origin (so never to plain HTTP) and
 * only a few times, and nothing of the owner's sent along. Certificates are checked by the caller's agent.
 * Callers turn an HttpsGetError into their own sentence; `kind` says what went wrong.
 */
export type HttpsGetOptions = {
  agent: https.Agent;
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  headers: Record<string, string>;
  /** Resolves names, and may refuse them (an error with a `code` the caller recognises). */
  lookup?: (hostname: string, options: dns.LookupOptions, cb: (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void) => void;
};

export type HttpsGetFailure =
  | { kind: "timeout"; timeoutMs: number }
  | { kind: "too-big"; maxBytes: number; declared: number | null }
  | { kind: "redirect-elsewhere"; to: string }
  | { kind: "redirect-broken" }
  | { kind: "redirect-loop" }
  | { kind: "status"; status: number }
  | { kind: "cut-off" }
  | { kind: "network"; code: string | undefined; cause: string };

export class HttpsGetError extends Error {
  constructor(
    readonly url: URL,
    readonly failure: HttpsGetFailure,
  ) {
    super(`${url.href}: ${failure.kind}`);
  }
}

export async function httpsGet(url: URL, opts: HttpsGetOptions): Promise<Buffer> {
  const origin = url.origin;
  for (let redirectsLeft = opts.maxRedirects; ; redirectsLeft--) {
    const res = await requestOnce(url, opts);
    if (res.redirect === undefined) return res.body!;
    let next: URL;
    try {
      next = new URL(res.redirect, url);
    } catch {
      throw new HttpsGetError(url, { kind: "redirect-broken" });
    }
    if (next.origin !== origin) throw new HttpsGetError(url, { kind: "redirect-elsewhere", to: next.origin });
    if (redirectsLeft <= 0) throw new HttpsGetError(url, { kind: "redirect-loop" });
    url = next;
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

function requestOnce(url: URL, opts: HttpsGetOptions): Promise<{ body?: Buffer; redirect?: string }> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (failure: HttpsGetFailure) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(new HttpsGetError(url, failure));
    };
    const succeed = (value: { body?: Buffer; redirect?: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(value);
    };
    const req = https.request(url, {
      method: "GET",
      agent: opts.agent,
      headers: { "accept-encoding": "identity", ...opts.headers },
      ...(opts.lookup ? { lookup: opts.lookup as unknown as typeof dns.lookup } : {}),
    });
    const timer = setTimeout(() => fail({ kind: "timeout", timeoutMs: opts.timeoutMs }), opts.timeoutMs);
    const network = (e: NodeJS.ErrnoException) => fail({ kind: "network", code: e.code, cause: e.message });
    req.on("error", network);
    req.on("response", (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      if (REDIRECTS.has(status)) {
        res.resume();
        const location = res.headers.location;
        return location ? succeed({ redirect: location }) : fail({ kind: "redirect-broken" });
      }
      if (status !== 200) {
        res.resume();
        return fail({ kind: "status", status });
      }
      const declared = Number(res.headers["content-length"] ?? NaN);
      if (Number.isFinite(declared) && declared > opts.maxBytes) return fail({ kind: "too-big", maxBytes: opts.maxBytes, declared });
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (c: Buffer) => {
        size += c.length;
        if (size > opts.maxBytes) return fail({ kind: "too-big", maxBytes: opts.maxBytes, declared: null });
        chunks.push(c);
      });
      res.on("error", network);
      res.on("aborted", () => fail({ kind: "cut-off" }));
      res.on("end", () => succeed({ body: Buffer.concat(chunks, size) }));
    });
    req.end();
  });
}

/** Node's names for a certificate that does not verify. */
export const UNTRUSTED_CERT_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);
