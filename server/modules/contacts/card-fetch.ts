import dns from "node:dns";
import type { IncomingMessage } from "node:http";
import https from "node:https";
import net from "node:net";
import tls from "node:tls";
import { CARD_MAX_BYTES, CARD_PATH } from "./card.schema";
import type { FriendDomain } from "./friend-domain";

/**
 * How PCC reads a friend's card: one HTTPS GET of https://<domain>/.well-known/pcc-card.json with a
 * deadline, a size cap, redirects only within that origin (and few), certificates checked against the
 * system's CAs, and nothing of the owner's sent along (no cookie, no credentials, no referrer).
 * The address a name resolves to is checked when connecting, not before, so a name that flips to an
 * address inside this network between a check and the connection (DNS rebinding) is still refused.
 */
export interface CardFetcher {
  fetch(friend: FriendDomain): Promise<Buffer>;
}

export type CardFetchFailure = "unreachable" | "timeout" | "too-big" | "redirect" | "status" | "untrusted" | "private-address";

export class CardFetchError extends Error {
  constructor(
    readonly reason: CardFetchFailure,
    message: string,
  ) {
    super(message);
  }
}

export type HttpsCardFetcherOptions = {
  /** Test-only (PCC_CONTACTS_EXTRA_CA): one more CA, and names and addresses on this machine allowed. */
  extraCa?: string | null;
  timeoutMs?: number;
  maxBytes?: number;
  maxRedirects?: number;
};

// Addresses that are not somebody else's server on the internet: this machine, private and shared
// networks, link-local (cloud metadata at 169.254.169.254), documentation, benchmark, multicast, reserved.
const NOT_PUBLIC = new net.BlockList();
for (const [a, p] of [
  ["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12],
  ["192.0.0.0", 24], ["192.0.2.0", 24], ["192.168.0.0", 16], ["198.18.0.0", 15], ["198.51.100.0", 24],
  ["203.0.113.0", 24], ["224.0.0.0", 4], ["240.0.0.0", 4],
] as const) NOT_PUBLIC.addSubnet(a, p, "ipv4");
for (const [a, p] of [["::", 128], ["::1", 128], ["64:ff9b::", 96], ["100::", 64], ["2001:db8::", 32], ["fc00::", 7], ["fe80::", 10], ["ff00::", 8]] as const) {
  NOT_PUBLIC.addSubnet(a, p, "ipv6");
}

/** True for an address of somebody else's server on the internet. IPv4-mapped IPv6 is judged as IPv4. */
export function isPublicAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return isPublicAddress(mapped[1]!);
  const family = net.isIP(address);
  if (family === 0) return false;
  return !NOT_PUBLIC.check(address, family === 4 ? "ipv4" : "ipv6");
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

export class HttpsCardFetcher implements CardFetcher {
  private readonly agent: https.Agent;
  private readonly allowLocal: boolean;
  private readonly timeoutMs: number;
  private readonly maxBytes: number;
  private readonly maxRedirects: number;

  constructor(opts: HttpsCardFetcherOptions = {}) {
    this.allowLocal = !!opts.extraCa;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.maxBytes = opts.maxBytes ?? CARD_MAX_BYTES;
    this.maxRedirects = opts.maxRedirects ?? 2;
    // Only this agent trusts the extra CA; nothing else in PCC does. No keep-alive: a card is read rarely.
    this.agent = new https.Agent({ keepAlive: false, ...(opts.extraCa ? { ca: [...tls.rootCertificates, opts.extraCa] } : {}) });
  }

  fetch(friend: FriendDomain): Promise<Buffer> {
    const url = new URL(`https://${friend.domain}${CARD_PATH}`);
    return this.get(url, url.origin, this.maxRedirects);
  }

  private async get(url: URL, origin: string, redirectsLeft: number): Promise<Buffer> {
    const res = await this.request(url);
    if (res.redirect === undefined) return res.body!;
    let next: URL;
    try {
      next = new URL(res.redirect, url);
    } catch {
      throw new CardFetchError("redirect", "it answered with a broken redirect");
    }
    if (next.origin !== origin) throw new CardFetchError("redirect", `it sends visitors elsewhere (${next.origin.slice(0, 100)}); PCC reads a card only from the friend's own domain`);
    if (redirectsLeft <= 0) throw new CardFetchError("redirect", "it redirects too many times");
    return this.get(next, origin, redirectsLeft - 1);
  }

  /** Resolves as the system does (or *.localhost to loopback, in tests) and refuses non-public addresses. */
  private lookup = (hostname: string, options: dns.LookupOptions, cb: LookupCallback) => {
    const all = !!options.all;
    const done = (addresses: dns.LookupAddress[]) => {
      const refused = this.allowLocal ? [] : addresses.filter((a) => !isPublicAddress(a.address));
      if (addresses.length === 0 || refused.length > 0) {
        const err: NodeJS.ErrnoException = new Error(`${hostname} resolves to an address inside a private network`);
        err.code = "PCC_PRIVATE_ADDRESS";
        return cb(err, all ? [] : "", 4);
      }
      return all ? cb(null, addresses) : cb(null, addresses[0]!.address, addresses[0]!.family);
    };
    // Resolvers do not all know *.localhost (glibc does not); RFC 6761 says it is this machine.
    if (this.allowLocal && (hostname === "localhost" || hostname.endsWith(".localhost"))) return done([{ address: "127.0.0.1", family: 4 }]);
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => (err ? cb(err, all ? [] : "", 4) : done(addresses)));
  };

  private request(url: URL): Promise<{ body?: Buffer; redirect?: string }> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (e: CardFetchError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.destroy();
        reject(e);
      };
      const req = https.request(url, {
        method: "GET",
        agent: this.agent,
        lookup: this.lookup as unknown as typeof dns.lookup,
        headers: { accept: "application/json", "accept-encoding": "identity", "user-agent": "PCC contacts" },
      });
      const timer = setTimeout(() => fail(new CardFetchError("timeout", `it did not answer within ${this.timeoutMs / 1000} s`)), this.timeoutMs);
      req.on("error", (e: NodeJS.ErrnoException) => fail(describe(e)));
      req.on("response", (res: IncomingMessage) => {
        const status = res.statusCode ?? 0;
        if ([301, 302, 303, 307, 308].includes(status)) {
          res.resume();
          const location = res.headers.location;
          if (!location) return fail(new CardFetchError("redirect", "it answered a redirect without a location"));
          settled = true;
          clearTimeout(timer);
          return resolve({ redirect: location });
        }
        if (status !== 200) {
          res.resume();
          return fail(new CardFetchError("status", status === 404 ? "it has no public card (HTTP 404)" : `it answered HTTP ${status}`));
        }
        const declared = Number(res.headers["content-length"] ?? NaN);
        if (Number.isFinite(declared) && declared > this.maxBytes) return fail(tooBig(this.maxBytes));
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          size += c.length;
          if (size > this.maxBytes) return fail(tooBig(this.maxBytes));
          chunks.push(c);
        });
        res.on("error", (e) => fail(describe(e)));
        res.on("aborted", () => fail(new CardFetchError("unreachable", "the connection was cut off")));
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

const tooBig = (max: number) => new CardFetchError("too-big", `its card is larger than ${Math.round(max / 1024)} KB`);

function describe(e: NodeJS.ErrnoException): CardFetchError {
  switch (e.code) {
    case "PCC_PRIVATE_ADDRESS":
      return new CardFetchError("private-address", e.message);
    case "ECONNREFUSED":
      return new CardFetchError("unreachable", "the connection was refused");
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return new CardFetchError("unreachable", "its name does not resolve");
    case "ETIMEDOUT":
    case "ECONNRESET":
      return new CardFetchError("unreachable", "the connection failed");
    case "DEPTH_ZERO_SELF_SIGNED_CERT":
    case "SELF_SIGNED_CERT_IN_CHAIN":
    case "UNABLE_TO_VERIFY_LEAF_SIGNATURE":
    case "UNABLE_TO_GET_ISSUER_CERT_LOCALLY":
    case "CERT_HAS_EXPIRED":
    case "ERR_TLS_CERT_ALTNAME_INVALID":
      return new CardFetchError("untrusted", `its HTTPS certificate is not trusted (${e.code})`);
    default:
      return new CardFetchError("unreachable", e.message.slice(0, 200));
  }
}
