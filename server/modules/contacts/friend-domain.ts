import net from "node:net";

// What the owner may type as a friend: a PCC's domain (its shell's name), with a port when the friend's
// PCC does not serve on 443. Pasting the shell's URL works too. Addresses and names that mean "this
// machine or its network" are refused: PCC fetches the card from the server, so such a name would have it
// probe its own network (SSRF). The tests' PCCs live at pcc.localhost on this machine; only the
// test-only setting PCC_CONTACTS_EXTRA_CA (allowLocal) lets such names through.

export type FriendDomain = {
  /** host[:port], lower-case, port left out when 443: how the contact is stored and shown. */
  domain: string;
  hostname: string;
  port: number;
};

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** Names that never lead to another machine on the internet (RFC 6761, 6762, 8375 and common LAN suffixes). */
const LOCAL_NAME = /(^|\.)(localhost|local|internal|lan|home\.arpa|localdomain|intranet|corp|private)$/;

export class DomainRefused extends Error {}

export function parseFriendDomain(input: string, opts: { allowLocal: boolean }): FriendDomain {
  let s = input.trim().toLowerCase();
  if (s.length === 0) throw new DomainRefused("Type your friend's PCC domain, such as pcc.example.org.");
  if (s.length > 300) throw new DomainRefused("That is too long for a domain.");
  // A pasted shell URL: only its host counts, and only https makes sense.
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//.exec(s);
  if (scheme) {
    if (scheme[1] !== "https") throw new DomainRefused("A PCC is reached over https; type its domain, such as pcc.example.org.");
    s = s.slice(scheme[0].length);
    const slash = s.search(/[/?#]/);
    if (slash !== -1) {
      const rest = s.slice(slash);
      if (!/^\/?$/.test(rest)) throw new DomainRefused("Type only the domain of your friend's PCC, without a path.");
      s = s.slice(0, slash);
    }
  } else if (s.endsWith("/")) s = s.slice(0, -1);
  if (s.includes("@")) throw new DomainRefused("A domain has no user name in it.");
  if (s.startsWith("[") || net.isIP(s) || net.isIP(s.replace(/:\d+$/, ""))) throw new DomainRefused("Type a domain name, not an IP address.");

  const m = /^([^:]+)(?::(\d{1,5}))?$/.exec(s);
  if (!m) throw new DomainRefused(`“${input.trim().slice(0, 60)}” is not a domain.`);
  const hostname = m[1]!.replace(/\.$/, "");
  const port = m[2] === undefined ? 443 : Number(m[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new DomainRefused("That port is not valid (1 to 65535).");
  const labels = hostname.split(".");
  if (hostname.length > 253 || !labels.every((l) => LABEL.test(l))) {
    throw new DomainRefused(`“${hostname.slice(0, 60)}” is not a domain: use letters, digits, dashes and dots.`);
  }
  // Every IPv4 form (0x7f.1, 2130706433, 127.1) ends in a numeric label; no real top-level domain does.
  if (/^(0x[0-9a-f]*|\d+)$/.test(labels.at(-1)!)) throw new DomainRefused("Type a domain name, not an IP address.");
  const local = LOCAL_NAME.test(hostname) || labels.length < 2;
  if (local && !opts.allowLocal) throw new DomainRefused(`${hostname} is a name on a private network, not a PCC others can reach.`);
  return { domain: port === 443 ? hostname : `${hostname}:${port}`, hostname, port };
}
