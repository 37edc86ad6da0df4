import { createHash, createPrivateKey, generateKeyPairSync, sign } from "node:crypto";
import { describe, expect, it } from "vitest";
import { fingerprint, isPublicKeyText, parseSignature, parseSourceIndex, rawPublicKey, SourceIndexError, verifyIndexSignature } from "./source-index";
import { newKeyPair, signIndex } from "./source-publish";

const index = Buffer.from(JSON.stringify({ format: "pcc.source/v1", name: "x", generatedAt: "2026-01-01T00:00:00Z", apps: [] }));

describe("index signatures (Ed25519 over the exact bytes of index.json)", () => {
  const pair = newKeyPair();
  const key = createPrivateKey(pair.privatePem);

  it("verify with the publisher's key, base64 with or without a trailing newline", () => {
    const sig = signIndex(index, key);
    expect(sig).toMatch(/^[A-Za-z0-9+/]{86}==\n$/);
    expect(verifyIndexSignature(index, Buffer.from(sig), pair.publicKey)).toBe(true);
    expect(verifyIndexSignature(index, Buffer.from(sig.trim()), pair.publicKey)).toBe(true);
    // The same signature Node's own API makes.
    expect(Buffer.from(sig, "base64").equals(sign(null, index, key))).toBe(true);
  });

  it("fail for one changed byte, a trailing space in the index, another key, or a garbled signature", () => {
    const sig = Buffer.from(signIndex(index, key));
    const flipped = Buffer.from(index);
    flipped[10] ^= 1;
    expect(verifyIndexSignature(flipped, sig, pair.publicKey)).toBe(false);
    expect(verifyIndexSignature(Buffer.concat([index, Buffer.from(" ")]), sig, pair.publicKey)).toBe(false);
    expect(verifyIndexSignature(index, sig, newKeyPair().publicKey)).toBe(false);
    for (const bad of ["", "not base64!", Buffer.alloc(63).toString("base64"), Buffer.alloc(65).toString("base64"), sig.toString().replace(/.$/m, "A=")]) {
      expect(verifyIndexSignature(index, Buffer.from(bad), pair.publicKey)).toBe(false);
    }
    expect(parseSignature(Buffer.from("x".repeat(5000)))).toBeNull();
  });

  it("refuse keys that are not raw 32-byte Ed25519 keys", () => {
    expect(isPublicKeyText(pair.publicKey)).toBe(true);
    expect(isPublicKeyText(pair.publicKey.slice(0, -1))).toBe(true);
    for (const bad of ["", "abc", Buffer.alloc(33).toString("base64"), `${pair.publicKey}A`, pair.publicKey.replace(/[+/]/g, "-").replace(/^./, "-")]) {
      expect(isPublicKeyText(bad)).toBe(false);
    }
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    expect(() => rawPublicKey(privateKey)).toThrow(SourceIndexError);
  });

  it("fingerprints as ssh-keygen -l does: SHA256 of the raw key, unpadded base64", () => {
    const expected = createHash("sha256").update(Buffer.from(pair.publicKey, "base64")).digest("base64").replace(/=+$/, "");
    expect(fingerprint(pair.publicKey)).toBe(`SHA256:${expected}`);
    expect(pair.fingerprint).toBe(fingerprint(pair.publicKey));
  });
});

describe("parseSourceIndex", () => {
  it("reads a good index and ignores fields it does not know (a newer publisher's)", () => {
    const r = parseSourceIndex(Buffer.from(JSON.stringify({ ...JSON.parse(index.toString()), homepage: "https://x", apps: [] })));
    expect(r).toEqual({ format: "pcc.source/v1", name: "x", generatedAt: "2026-01-01T00:00:00Z", apps: [] });
  });

  it("refuses more apps than the limit, and says how many problems there are", () => {
    const app = (i: number) => ({ id: `a${i}`, version: "1.0.0", hash: `sha256:${"a".repeat(64)}`, files: [{ path: "app.yaml", size: 1, sha256: "b".repeat(64) }] });
    const many = { ...JSON.parse(index.toString()), apps: Array.from({ length: 501 }, (_, i) => app(i)) };
    expect(() => parseSourceIndex(Buffer.from(JSON.stringify(many)))).toThrow(/apps: .*500/);
    const bad = { ...JSON.parse(index.toString()), apps: Array.from({ length: 8 }, (_, i) => ({ ...app(i), version: "latest" })) };
    expect(() => parseSourceIndex(Buffer.from(JSON.stringify(bad)))).toThrow(/\(and 3 more\)$/);
  });

  it("is not fooled by __proto__ keys", () => {
    const text = `{"format":"pcc.source/v1","name":"x","generatedAt":"2026-01-01T00:00:00Z","apps":[],"__proto__":{"polluted":true}}`;
    const r = parseSourceIndex(Buffer.from(text));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(r)).toEqual(["format", "name", "generatedAt", "apps"]);
  });
});
