import fs from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import https from "node:https";
import path from "node:path";
import tls from "node:tls";

/**
 * How PCC reads a catalog source: files of a folder on this machine, or over HTTPS. Every read has a size
 * limit and (over HTTPS) a deadline; HTTPS verifies certificates against the system's CAs (plus, for the
 * tests only, one extra CA passed explicitly: never a global switch), follows redirects only within the
 * source's own origin and never downgrades to plain HTTP.
 */
export interface SourceReader {
  /** Where the source lives, for messages. */
  readonly where: string;
  /** The bytes at `rel` ('/'-separated, already checked to stay inside the source), or throws FetchError. */
  read(rel: string, maxBytes: number): Promise<Buffer>;
  /** Lets go of connections kept open for a refresh. */
  close(): void;
}

export class FetchError extends Error {
  constructor(
    message: string,
    readonly notFound = false,
    /** Larger than the limit it was read with. */
    readonly tooBig = false,
  ) {
    super(message);
  }
}

/** A missing optional file (index.json.sig of an unsigned source) is null; any other failure throws. */
export async function readOptional(reader: SourceReader, rel: string, maxBytes: number): Promise<Buffer | null> {
  try {
    return await reader.read(rel, maxBytes);
  } catch (e) {
    if (e instanceof FetchError && e.notFound) return null;
    throw e;
  }
}

const isInside = (child: string, root: string) => {
  const rel = path.relative(root, child);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
};

/** A source that is a folder on this machine (another disk, a shared folder, a checkout). */
export class FolderReader implements SourceReader {
  constructor(private readonly root: string) {}

  get where() {
    return this.root;
  }

  async read(rel: string, maxBytes: number): Promise<Buffer> {
    let root: string;
    try {
      root = await fs.realpath(this.root);
    } catch {
      throw new FetchError(`the folder ${this.root} cannot be read`);
    }
    const full = path.join(root, ...rel.split("/"));
    let real: string;
    try {
      real = await fs.realpath(full);
    } catch {
      throw new FetchError(`${rel} is missing from ${this.root}`, true);
    }
    if (!isInside(real, root)) throw new FetchError(`${rel} in ${this.root} is a symlink that leads outside the source`);
    const st = await fs.stat(real);
    if (!st.isFile()) throw new FetchError(`${rel} in ${this.root} is not a file`);
    if (st.size > maxBytes) throw new FetchError(`${rel} in ${this.root} is ${st.size} bytes; the limit is ${maxBytes}`, false, true);
    const body = await fs.readFile(real);
    if (body.length > maxBytes) throw new FetchError(`${rel} in ${this.root} grew past ${maxBytes} bytes while being read`, false, true);
    return body;
  }

  close() {}
}

export type HttpsOptions = {
  /** Extra trusted CA certificates (PEM), added to Node's own list for this source only: the tests' CA. */
  extraCa?: string | null;
  /** Per request, from connecting to the last byte. */
  timeoutMs?: number;
  maxRedirects?: number;
};

/** Checks an owner's URL: https, no credentials, query or fragment; returned as a folder URL (ending with /). */
export function sourceUrl(location: string): URL {
  let u: URL;
  try {
    u = new URL(location);
  } catch {
    throw new FetchError(`${location} is not a URL`);
  }
  if (u.protocol !== "https:") throw new FetchError(`${location}: a source URL must start with https:// (PCC fetches apps over HTTPS only)`);
  if (u.username || u.password) throw new FetchError(`${location}: a source URL must not carry a user name or password`);
  if (u.search || u.hash) throw new FetchError(`${location}: a source URL must not have a ?query or #fragment`);
  if (!u.pathname.endsWith("/")) u.pathname += "/";
  return u;
}

/** A source served over HTTPS: `<location>index.json`, `<location>index.json.sig`, `<location>apps/<id>/<path>`. */
export class HttpsReader implements SourceReader {
  private readonly base: URL;
  private readonly agent: https.Agent;
  private readonly timeoutMs: number;
  private readonly maxRedirects: number;

  constructor(location: string, opts: HttpsOptions = {}) {
    this.base = sourceUrl(location);
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.maxRedirects = opts.maxRedirects ?? 3;
    // Only this agent trusts the extra CA; nothing else in PCC does.
    this.agent = new https.Agent({ keepAlive: true, maxSockets: 4, ...(opts.extraCa ? { ca: [...tls.rootCertificates, opts.extraCa] } : {}) });
  }

  get where() {
    return this.base.href;
  }

  read(rel: string, maxBytes: number): Promise<Buffer> {
    const url = new URL(rel.split("/").map(encodeURIComponent).join("/"), this.base);
    return this.get(url, maxBytes, this.maxRedirects);
  }

  close() {
    this.agent.destroy();
  }

  private async get(url: URL, maxBytes: number, redirectsLeft: number): Promise<Buffer> {
    const res = await this.request(url, maxBytes);
    if (res.redirect) {
      const next = new URL(res.redirect, url);
      if (next.origin !== this.base.origin) {
        throw new FetchError(`${url.href} redirects to ${next.origin}; PCC follows redirects only within ${this.base.origin}`);
      }
      if (redirectsLeft <= 0) throw new FetchError(`${url.href} redirects too many times`);
      return this.get(next, maxBytes, redirectsLeft - 1);
    }
    return res.body!;
  }

  private request(url: URL, maxBytes: number): Promise<{ body?: Buffer; redirect?: string }> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (e: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.destroy();
        reject(e);
      };
      const req = https.request(url, {
        method: "GET",
        agent: this.agent,
        headers: { accept: "*/*", "accept-encoding": "identity", "user-agent": "PCC catalog source" },
      });
      const timer = setTimeout(() => fail(new FetchError(`${url.href} did not answer within ${this.timeoutMs / 1000} s`)), this.timeoutMs);
      req.on("error", (e) => fail(new FetchError(`${url.href}: ${describeNetError(e)}`)));
      req.on("response", (res: IncomingMessage) => {
        const status = res.statusCode ?? 0;
        if ([301, 302, 303, 307, 308].includes(status)) {
          const location = res.headers.location;
          res.resume();
          if (!location) return fail(new FetchError(`${url.href} answered a redirect without a location`));
          settled = true;
          clearTimeout(timer);
          return resolve({ redirect: location });
        }
        if (status !== 200) {
          res.resume();
          return fail(new FetchError(`${url.href} answered HTTP ${status}`, status === 404 || status === 410));
        }
        const declared = Number(res.headers["content-length"] ?? NaN);
        if (Number.isFinite(declared) && declared > maxBytes) return fail(new FetchError(`${url.href} is ${declared} bytes; the limit is ${maxBytes}`, false, true));
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          size += c.length;
          if (size > maxBytes) return fail(new FetchError(`${url.href} is more than ${maxBytes} bytes, the limit`, false, true));
          chunks.push(c);
        });
        res.on("error", (e) => fail(new FetchError(`${url.href}: ${describeNetError(e)}`)));
        res.on("aborted", () => fail(new FetchError(`${url.href}: the connection was cut off`)));
        res.on("end", () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve({ body: Buffer.concat(chunks, size) });
        });
      });
      req.end();
    });
  }
}

function describeNetError(e: Error & { code?: string }): string {
  switch (e.code) {
    case "ECONNREFUSED":
      return "the connection was refused";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "the host name does not resolve";
    case "ETIMEDOUT":
      return "the connection timed out";
    case "DEPTH_ZERO_SELF_SIGNED_CERT":
    case "SELF_SIGNED_CERT_IN_CHAIN":
    case "UNABLE_TO_VERIFY_LEAF_SIGNATURE":
    case "UNABLE_TO_GET_ISSUER_CERT_LOCALLY":
    case "CERT_HAS_EXPIRED":
    case "ERR_TLS_CERT_ALTNAME_INVALID":
      return `its HTTPS certificate is not trusted (${e.code})`;
    default:
      return e.message;
  }
}
