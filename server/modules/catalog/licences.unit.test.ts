import { createPrivateKey } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DomainError } from "../../errors";
import { parseAppSpec } from "../spec";
import { fullSpec } from "../spec/spec-fixtures";
import { checkLicence, issueLicence, verifyLicence, type LicencePayload } from "./licences";
import { newKeyPair } from "./source-publish";

const dev = newKeyPair();
const key = createPrivateKey(dev.privatePem);
const payload = (extra: Partial<LicencePayload> = {}): LicencePayload => ({ v: 1, app: "photos", licence: "L-0001", buyer: "Ann", issued: "2026-01-01T00:00:00.000Z", ...extra });
const paid = () => {
  const raw = fullSpec();
  raw.license.publicKey = dev.publicKey;
  return parseAppSpec(raw).spec!;
};
const app = { id: "photos", publicKey: dev.publicKey };

describe("licence keys", () => {
  it("look like PCCL1.<payload>.<signature> and verify offline against the developer's key", () => {
    const text = issueLicence(key, payload());
    expect(text).toMatch(/^PCCL1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{86}$/);
    const l = verifyLicence(text, app);
    expect(l.payload).toEqual(payload());
    // Whitespace from a mail or a web page is not part of the key.
    const pasted = `  ${text.slice(0, 40)}\n${text.slice(40)}\n`;
    expect(verifyLicence(pasted, app).key).toBe(text);
  });

  it.each([
    ["garbage", () => "hello", /not a PCC licence key/],
    ["another prefix", () => issueLicence(key, payload()).replace("PCCL1", "PCCL2"), /not a PCC licence key/],
    ["a truncated key", () => issueLicence(key, payload()).slice(0, -3), /damaged/],
    ["another developer's key", () => issueLicence(createPrivateKey(newKeyPair().privatePem), payload()), /not issued by this app's developer/],
    ["a changed payload", () => {
      const [p, body, sig] = issueLicence(key, payload()).split(".");
      const forged = Buffer.from(Buffer.from(body!, "base64url").toString().replace("L-0001", "L-0002")).toString("base64url");
      return [p, forged, sig].join(".");
    }, /not issued by this app's developer/],
    ["another app's key", () => issueLicence(key, payload({ app: "music" })), /for the app "music", not this one/],
    ["an expired key", () => issueLicence(key, payload({ expires: "2020-01-01T00:00:00Z" })), /expired on 2020-01-01/],
    ["a huge key", () => `PCCL1.${"A".repeat(5000)}.x`, /far too long/],
  ])("refuses %s", (_what, make, message) => {
    expect(() => verifyLicence(make(), app)).toThrow(message);
  });

  it("accepts a key until it expires", () => {
    const text = issueLicence(key, payload({ expires: "2030-01-01T00:00:00Z" }));
    expect(verifyLicence(text, app, new Date("2029-12-31T23:59:59Z")).payload.expires).toBe("2030-01-01T00:00:00Z");
    expect(() => verifyLicence(text, app, new Date("2030-01-01T00:00:00Z"))).toThrow(/expired/);
  });

  it("a signature over another kind of message (an index signed with the same key) is not a licence", async () => {
    const { signIndex } = await import("./source-publish");
    const body = Buffer.from(JSON.stringify(payload()));
    const sig = Buffer.from(signIndex(body, key).trim(), "base64").toString("base64url");
    expect(() => verifyLicence(`PCCL1.${body.toString("base64url")}.${sig}`, app)).toThrow(/not issued by this app's developer/);
  });
});

describe("checkLicence, at install", () => {
  it("needs nothing for a free app", () => {
    const free = parseAppSpec({ ...fullSpec(), license: undefined }).spec!;
    expect(checkLicence(free, undefined)).toBeNull();
    expect(checkLicence(free, "anything")).toBeNull();
  });

  it("refuses a paid app without a key, saying what it costs and where to buy it", () => {
    const e = (() => {
      try {
        checkLicence(paid(), undefined);
      } catch (x) {
        return x as DomainError;
      }
    })()!;
    expect(e).toBeInstanceOf(DomainError);
    expect(e.code).toBe("INVALID_INPUT");
    expect(e.message).toBe("Photos costs 5 EUR. Buy it at https://immich.app/buy, then install it with the licence key you get. Nothing was installed.");
    expect(() => checkLicence(paid(), "  ")).toThrow(/Buy it at/);
  });

  it("refuses a bad key with the reason, and accepts a good one", () => {
    expect(() => checkLicence(paid(), issueLicence(key, payload({ app: "music" })))).toThrow(/^That licence key is for the app "music", not this one\. Photos costs 5 EUR \(https:\/\/immich\.app\/buy\)\. Nothing was installed\.$/);
    const text = issueLicence(key, payload());
    expect(checkLicence(paid(), text)).toEqual({ key: text, payload: payload() });
  });
});
