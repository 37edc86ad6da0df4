import { z } from "zod";

// The public card every claimed PCC serves at /.well-known/pcc-card.json, and the one shape PCC accepts
// when it reads a friend's. A card comes from anywhere on the internet: every field has a length limit,
// links must be https and live on the friend's own domain (so a card cannot point the owner's feed reader
// at someone else's server or at an address inside the owner's network), and an avatar is only a small
// raster image inlined as a data URL, checked by its magic bytes. SVG is never taken (it can carry script).

export const CARD_PATH = "/.well-known/pcc-card.json";
export const CARD_TYPE = "pcc-card";
/** The whole document, avatar included. */
export const CARD_MAX_BYTES = 64 * 1024;
/** The avatar's decoded bytes: a 256×256 JPEG or WebP fits with room to spare. */
export const AVATAR_MAX_BYTES = 40 * 1024;

const MAGIC: Record<string, (b: Buffer) => boolean> = {
  "image/png": (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  "image/jpeg": (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  "image/webp": (b) => b.subarray(0, 4).toString("latin1") === "RIFF" && b.subarray(8, 12).toString("latin1") === "WEBP",
};

/**
 * Returns the avatar as a canonical data URL if it is a PNG, JPEG or WebP (by its bytes, not only its
 * label) of at most AVATAR_MAX_BYTES; null otherwise.
 */
export function sanitizeAvatar(value: string): string | null {
  const m = /^data:(image\/(?:png|jpeg|webp));base64,([A-Za-z0-9+/]+={0,2})$/.exec(value);
  if (!m) return null;
  const bytes = Buffer.from(m[2]!, "base64");
  if (bytes.length === 0 || bytes.length > AVATAR_MAX_BYTES || !MAGIC[m[1]!]!(bytes)) return null;
  return `data:${m[1]};base64,${bytes.toString("base64")}`;
}

/** Text a person typed: no control characters (they could reorder or hide what is shown), trimmed. */
const plain = (max: number) =>
  z
    .string()
    .max(max * 4)
    .transform((s) => s.replace(/[\p{Cc}\p{Cf}]/gu, "").trim())
    .pipe(z.string().max(max));

const entrySchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("feed"), title: plain(80).pipe(z.string().min(1)), url: z.string().max(500) }),
  z.strictObject({ kind: z.literal("activitypub"), title: plain(80).pipe(z.string().min(1)), handle: z.string().max(200) }),
]);

const cardShape = z.strictObject({
  type: z.literal(CARD_TYPE),
  version: z.literal(1),
  domain: z.string().max(260),
  name: plain(80),
  avatar: z.string().max(CARD_MAX_BYTES).nullable().default(null),
  entries: z.array(entrySchema).max(20).default([]),
});

export type CardEntry = z.output<typeof entrySchema>;
export type Card = { type: typeof CARD_TYPE; version: 1; domain: string; name: string; avatar: string | null; entries: CardEntry[] };

/** True if `host` (a URL's hostname) is the friend's domain or one of its subdomains (its apps). */
function onDomain(hostname: string, port: string, domain: string): boolean {
  const [dHost, dPort = ""] = domain.split(":");
  const samePort = (port === "443" ? "" : port) === (dPort === "443" ? "" : dPort);
  return samePort && (hostname === dHost || hostname.endsWith(`.${dHost}`));
}

export type CardProblem = { ok: false; why: string };

/**
 * Parses a card read from `domain` (host[:port], as the owner added it). Entries that point off the
 * friend's domain or are malformed are dropped one by one (a card from a newer PCC may carry kinds this
 * one does not know); a card that is not a card at all, or claims to be another PCC's, is refused.
 */
export function parseCard(raw: unknown, domain: string): { ok: true; card: Card; dropped: number } | CardProblem {
  const base = cardShape.extend({ entries: z.array(z.unknown()).max(20).default([]) }).safeParse(raw);
  if (!base.success) return { ok: false, why: "its fields are not those of a card" };
  const c = base.data;
  if (c.domain.toLowerCase() !== domain) return { ok: false, why: `that card is for ${c.domain.slice(0, 80)}, not ${domain}` };
  const entries: CardEntry[] = [];
  for (const e of c.entries) {
    const parsed = entrySchema.safeParse(e);
    const checked = parsed.success ? checkEntry(parsed.data, domain) : null;
    if (checked) entries.push(checked);
  }
  return {
    ok: true,
    card: { type: CARD_TYPE, version: 1, domain, name: c.name, avatar: c.avatar === null ? null : sanitizeAvatar(c.avatar), entries },
    dropped: c.entries.length - entries.length,
  };
}

function checkEntry(e: CardEntry, domain: string): CardEntry | null {
  if (e.kind === "feed") {
    let u: URL;
    try {
      u = new URL(e.url);
    } catch {
      return null;
    }
    if (u.protocol !== "https:" || u.username || u.password || !onDomain(u.hostname, u.port, domain)) return null;
    return { ...e, url: u.href };
  }
  const m = /^@?([A-Za-z0-9_.-]{1,64})@([a-z0-9.-]{1,253}(?::\d{1,5})?)$/.exec(e.handle);
  if (!m) return null;
  const [host, port = ""] = m[2]!.split(":");
  return onDomain(host!, port, domain) ? { ...e, handle: `@${m[1]}@${m[2]}` } : null;
}

/** The card's JSON as served: what the owner chose, nothing else. */
export function cardDocument(c: { domain: string; name: string; avatar: string | null; entries: CardEntry[] }): Card {
  return { type: CARD_TYPE, version: 1, domain: c.domain, name: c.name, avatar: c.avatar, entries: c.entries };
}
