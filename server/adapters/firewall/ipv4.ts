/** Strict IPv4 parsing: anything that is not a plain dotted quad (or quad/prefix) is refused, never guessed. */

const QUAD = /^(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})$/;

export function parseIpv4(s: string): number | null {
  const m = QUAD.exec(s);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

export const formatIpv4 = (n: number) => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join(".");

export type Cidr = { base: number; prefix: number };

const mask = (prefix: number) => (prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);

/** Parses "a.b.c.d/n"; refuses host bits, so "10.1.2.3/24" is an error rather than a silent 10.1.2.0/24. */
export function parseCidr(s: string): Cidr | null {
  const slash = s.indexOf("/");
  if (slash < 0) return null;
  const base = parseIpv4(s.slice(0, slash));
  const p = s.slice(slash + 1);
  if (base === null || !/^(0|[1-9][0-9]?)$/.test(p) || Number(p) > 32) return null;
  const prefix = Number(p);
  if ((base & mask(prefix)) >>> 0 !== base) return null;
  return { base, prefix };
}

export const formatCidr = (c: Cidr) => `${formatIpv4(c.base)}/${c.prefix}`;

export const cidrContains = (c: Cidr, ip: number) => ((ip & mask(c.prefix)) >>> 0) === c.base;

export const cidrWithin = (inner: Cidr, outer: Cidr) => inner.prefix >= outer.prefix && cidrContains(outer, inner.base);
