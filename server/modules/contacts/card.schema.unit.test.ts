import { describe, expect, it } from "vitest";
import { AVATAR_MAX_BYTES, parseCard, sanitizeAvatar } from "./card.schema";

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(40)]);
const png = `data:image/png;base64,${PNG.toString("base64")}`;
const card = (over: Record<string, unknown> = {}) => ({ type: "pcc-card", version: 1, domain: "alice.example", name: "Alice", avatar: null, entries: [], ...over });

describe("sanitizeAvatar", () => {
  it("takes PNG, JPEG and WebP data URLs whose bytes match their type", () => {
    expect(sanitizeAvatar(png)).toBe(png);
    expect(sanitizeAvatar(`data:image/jpeg;base64,${Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2]).toString("base64")}`)).toMatch(/^data:image\/jpeg;base64,/);
    const webp = Buffer.concat([Buffer.from("RIFF"), Buffer.alloc(4), Buffer.from("WEBPVP8 ")]);
    expect(sanitizeAvatar(`data:image/webp;base64,${webp.toString("base64")}`)).toMatch(/^data:image\/webp/);
  });

  it("refuses SVG, other types, mislabelled bytes, remote URLs and oversized pictures", () => {
    expect(sanitizeAvatar(`data:image/svg+xml;base64,${Buffer.from("<svg onload=alert(1)>").toString("base64")}`)).toBeNull();
    expect(sanitizeAvatar(`data:image/png;base64,${Buffer.from("<svg/>").toString("base64")}`)).toBeNull();
    expect(sanitizeAvatar("https://alice.example/me.png")).toBeNull();
    expect(sanitizeAvatar("data:image/png,rawbytes")).toBeNull();
    const big = Buffer.concat([PNG, Buffer.alloc(AVATAR_MAX_BYTES)]);
    expect(sanitizeAvatar(`data:image/png;base64,${big.toString("base64")}`)).toBeNull();
  });
});

describe("parseCard", () => {
  it("keeps a valid card and its entries on the friend's own domain", () => {
    const r = parseCard(
      card({
        avatar: png,
        entries: [
          { kind: "feed", title: "Posts", url: "https://blog.alice.example/feed.xml" },
          { kind: "activitypub", title: "Microblog", handle: "me@social.alice.example" },
        ],
      }),
      "alice.example",
    );
    expect(r).toMatchObject({ ok: true, dropped: 0, card: { name: "Alice", avatar: png, entries: [{ url: "https://blog.alice.example/feed.xml" }, { handle: "@me@social.alice.example" }] } });
  });

  it("drops entries that point elsewhere, at plain http, at another port, or that it does not know", () => {
    const r = parseCard(
      card({
        entries: [
          { kind: "feed", title: "Elsewhere", url: "https://evil.example/feed.xml" },
          { kind: "feed", title: "Lookalike", url: "https://alice.example.evil.example/feed" },
          { kind: "feed", title: "Plain", url: "http://blog.alice.example/feed.xml" },
          { kind: "feed", title: "Other port", url: "https://blog.alice.example:8443/feed.xml" },
          { kind: "feed", title: "Creds", url: "https://u:p@blog.alice.example/feed.xml" },
          { kind: "activitypub", title: "Far", handle: "@me@evil.example" },
          { kind: "video", title: "From the future", url: "https://alice.example/v" },
          { kind: "feed", title: "Fine", url: "https://alice.example/feed.xml" },
        ],
      }),
      "alice.example",
    );
    expect(r.ok && r.card.entries.map((e) => e.title)).toEqual(["Fine"]);
    expect(r.ok && r.dropped).toBe(7);
  });

  it("matches ports: a card of pcc.localhost:8443 lists its apps on :8443", () => {
    const r = parseCard(card({ domain: "pcc.localhost:8443", entries: [{ kind: "feed", title: "T", url: "https://blog.pcc.localhost:8443/f" }] }), "pcc.localhost:8443");
    expect(r.ok && r.card.entries).toHaveLength(1);
  });

  it("refuses what is not a card, or a card of another PCC", () => {
    expect(parseCard({ hello: "world" }, "alice.example")).toEqual({ ok: false, why: "its fields are not those of a card" });
    expect(parseCard([], "alice.example").ok).toBe(false);
    expect(parseCard(card({ version: 2 }), "alice.example").ok).toBe(false);
    expect(parseCard(card({ name: "x".repeat(500) }), "alice.example").ok).toBe(false);
    expect(parseCard(card({ domain: "bob.example" }), "alice.example")).toEqual({ ok: false, why: "that card is for bob.example, not alice.example" });
  });

  it("removes control and bidi characters from names, and a bad avatar becomes none", () => {
    const r = parseCard(card({ name: "Al\u202eice\u0000 ", avatar: "data:image/svg+xml;base64,PHN2Zy8+" }), "alice.example");
    expect(r).toMatchObject({ ok: true, card: { name: "Alice", avatar: null } });
  });
});
