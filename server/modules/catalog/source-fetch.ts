import fs from "node:fs/promises";
import https from "node:https";
import path from "node:path";
import tls from "node:tls";
import { HttpsGetError, httpsGet, UNTRUSTED_CERT_CODES } from "../../adapters/https-get/https-get";

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

  async read(rel: string, maxBytes: number): Promise<Buffer> {
    const url = new URL(rel.split("/").map(encodeURIComponent).join("/"), this.base);
    try {
      return await httpsGet(url, { agent: this.agent, timeoutMs: this.timeoutMs, maxBytes, maxRedirects: this.maxRedirects, headers: { accept: "*/*", "user-agent": "PCC catalog source" } });
    } catch (e) {
      throw e instanceof HttpsGetError ? toFetchError(e) : e;
    }
  }

  close() {
    this.agent.destroy();
  }
}

/** An HTTPS failure in the words the owner reads in the store's source list. */
function toFetchError({ url, failure: f }: HttpsGetError): FetchError {
  const at = url.href;
  switch (f.kind) {
    case "timeout":
      return new FetchError(`${at} did not answer within ${f.timeoutMs / 1000} s`);
    case "too-big":
      return f.declared !== null
        ? new FetchError(`${at} is ${f.declared} bytes; the limit is ${f.maxBytes}`, false, true)
        : new FetchError(`${at} is more than ${f.maxBytes} bytes, the limit`, false, true);
    case "redirect-elsewhere":
      return new FetchError(`${at} redirects to ${f.to}; PCC follows redirects only within ${url.origin}`);
    case "redirect-broken":
      return new FetchError(`${at} answered a redirect without a usable location`);
    case "redirect-loop":
      return new FetchError(`${at} redirects too many times`);
    case "status":
      return new FetchError(`${at} answered HTTP ${f.status}`, f.status === 404 || f.status === 410);
    case "cut-off":
      return new FetchError(`${at}: the connection was cut off`);
    case "network":
      return new FetchError(`${at}: ${describeNetError(f.code, f.cause)}`);
  }
}

function describeNetError(code: string | undefined, cause: string): string {
  if (code && UNTRUSTED_CERT_CODES.has(code)) return `its HTTPS certificate is not trusted (${code})`;
  switch (code) {
    case "ECONNREFUSED":
      return "the connection was refused";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "the host name does not resolve";
    case "ETIMEDOUT":
      return "the connection timed out";
    default:
      return cause;
  }
}
