import { isIP } from "node:net";
import { DomainError } from "../../errors";

/** Who is asking, as PCC can know it: the address Caddy saw on the connection, and the browser's UA. */
export type ClientInfo = { ip: string | null; userAgent: string | null };

/**
 * The rate-limit key of a client: its IPv4 address, or its IPv6 /64 (one subscriber usually holds a
 * whole /64, so per-address limits would be no limit at all).
 */
export function clientKey(ip: string | null): string {
  if (!ip) return "unknown";
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (isIP(ip) !== 6) return ip;
  const [head = "", tail = ""] = ip.toLowerCase().split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = ip.includes("::") ? [...left, ...Array(8 - left.length - right.length).fill("0"), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, "")).join(":")}::/64`;
}

/**
 * At most `limit` counted events per client in any sliding window of `windowMs`. Counting failures only
 * (wrong codes) limits guessing without ever locking out a client that gets it right, and keying by
 * client means a stranger's wrong guesses cost the owner nothing.
 */
export class RateLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now = () => Date.now(),
    private readonly maxClients = 10_000,
  ) {}

  /** Throws RATE_LIMITED when this client has no budget left. */
  check(key: string) {
    if (this.recent(key).length >= this.limit) {
      throw new DomainError("RATE_LIMITED", "Too many attempts from this network. Wait a few minutes, then try again.");
    }
  }

  hit(key: string) {
    const list = this.recent(key);
    list.push(this.now());
    this.hits.delete(key);
    this.hits.set(key, list);
    // Bounded memory: forget the least recently active clients first.
    while (this.hits.size > this.maxClients) this.hits.delete(this.hits.keys().next().value!);
  }

  /** check, then count: for actions limited whether or not they succeed (creating requests). */
  take(key: string) {
    this.check(key);
    this.hit(key);
  }

  private recent(key: string): number[] {
    const since = this.now() - this.windowMs;
    const list = (this.hits.get(key) ?? []).filter((t) => t > since);
    if (list.length) this.hits.set(key, list);
    else this.hits.delete(key);
    return list;
  }
}
