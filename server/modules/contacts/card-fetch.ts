import dns from "node:dns";
import https from "node:https";
import net from "node:net";
import tls from "node:tls";
import { HttpsGetError, httpsGet, UNTRUSTED_CERT_CODES } from "../../adapters/https-get/https-get";
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

/** The error code our lookup gives a name that resolves inside a private network. */
const PRIVATE_ADDRESS = "PCC_PRIVATE_ADDRESS";

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

  async fetch(friend: FriendDomain): Promise<Buffer> {
    const url = new URL(`https://${friend.domain}${CARD_PATH}`);
    try {
      return await httpsGet(url, {
        agent: this.agent,
        lookup: this.lookup,
        timeoutMs: this.timeoutMs,
        maxBytes: this.maxBytes,
        maxRedirects: this.maxRedirects,
        headers: { accept: "application/json", "user-agent": "PCC contacts" },
      });
    } catch (e) {
      throw e instanceof HttpsGetError ? toCardFetchError(e) : e;
    }
  }

  /** Resolves as the system does (or *.localhost to loopback, in tests) and refuses non-public addresses. */
  private lookup = (hostname: string, options: dns.LookupOptions, cb: LookupCallback) => {
    const all = !!options.all;
    const done = (addresses: dns.LookupAddress[]) => {
      const refused = this.allowLocal ? [] : addresses.filter((a) => !isPublicAddress(a.address));
      if (addresses.length === 0 || refused.length > 0) {
        const err: NodeJS.ErrnoException = new Error(`${hostname} resolves to an address inside a private network`);
        err.code = PRIVATE_ADDRESS;
        return cb(err, all ? [] : "", 4);
      }
      return all ? cb(null, addresses) : cb(null, addresses[0]!.address, addresses[0]!.family);
    };
    // Resolvers do not all know *.localhost (glibc does not); RFC 6761 says it is this machine.
    if (this.allowLocal && (hostname === "localhost" || hostname.endsWith(".localhost"))) return done([{ address: "127.0.0.1", family: 4 }]);
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => (err ? cb(err, all ? [] : "", 4) : done(addresses)));
  };
}

/** An HTTPS failure in the words the owner reads when adding a friend. */
function toCardFetchError({ failure: f }: HttpsGetError): CardFetchError {
  switch (f.kind) {
    case "timeout":
      return new CardFetchError("timeout", `it did not answer within ${f.timeoutMs / 1000} s`);
    case "too-big":
      return new CardFetchError("too-big", `its card is larger than ${Math.round(f.maxBytes / 1024)} KB`);
    case "redirect-elsewhere":
      return new CardFetchError("redirect", `it sends visitors elsewhere (${f.to.slice(0, 100)}); PCC reads a card only from the friend's own domain`);
    case "redirect-broken":
      return new CardFetchError("redirect", "it answered a redirect without a usable location");
    case "redirect-loop":
      return new CardFetchError("redirect", "it redirects too many times");
    case "status":
      return new CardFetchError("status", f.status === 404 ? "it has no public card (HTTP 404)" : `it answered HTTP ${f.status}`);
    case "cut-off":
      return new CardFetchError("unreachable", "the connection was cut off");
    case "network":
      return networkError(f.code, f.cause);
  }
}

function networkError(code: string | undefined, cause: string): CardFetchError {
  if (code === PRIVATE_ADDRESS) return new CardFetchError("private-address", cause);
  if (code && UNTRUSTED_CERT_CODES.has(code)) return new CardFetchError("untrusted", `its HTTPS certificate is not trusted (${code})`);
  switch (code) {
    case "ECONNREFUSED":
      return new CardFetchError("unreachable", "the connection was refused");
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return new CardFetchError("unreachable", "its name does not resolve");
    case "ETIMEDOUT":
    case "ECONNRESET":
      return new CardFetchError("unreachable", "the connection failed");
    default:
      return new CardFetchError("unreachable", cause.slice(0, 200));
  }
}
