import { describe, expect, it } from "vitest";
import { MASK, secretMasker } from "./secret-mask";

describe("secretMasker", () => {
  const secret = "8FwvDvugzTuKKX5SXpnSWQswcTpCFQR7";

  it("masks every occurrence of a secret, wherever it is in the line", () => {
    const mask = secretMasker([secret]);
    expect(mask(`token=${secret} and again:${secret}!`)).toBe(`token=${MASK} and again:${MASK}!`);
    expect(mask(secret)).toBe(MASK);
    expect(mask("nothing secret here")).toBe("nothing secret here");
  });

  it("masks a secret as it appears inside a URL (percent-encoded) or a JSON string (escaped)", () => {
    const pw = 'p@ss/w"rd+1';
    const mask = secretMasker([pw]);
    expect(mask(`postgres://app:${encodeURIComponent(pw)}@db:5432/app`)).toBe(`postgres://app:${MASK}@db:5432/app`);
    expect(mask(JSON.stringify({ password: pw }))).toBe(`{"password":"${MASK}"}`);
    expect(mask(`raw ${pw}`)).toBe(`raw ${MASK}`);
  });

  it("treats a secret as text, not as a pattern", () => {
    const mask = secretMasker(["a.b*c(d)"]);
    expect(mask("aXbbbcd a.b*c(d)")).toBe(`aXbbbcd ${MASK}`);
  });

  it("masks the longer of two overlapping secrets whole", () => {
    const mask = secretMasker(["abcd", "abcdefgh"]);
    expect(mask("x abcdefgh y abcd")).toBe(`x ${MASK} y ${MASK}`);
  });

  it("leaves very short values alone (they would blank out ordinary text) and copes with none", () => {
    expect(secretMasker(["ab", ""])("ab abc")).toBe("ab abc");
    expect(secretMasker([])("anything")).toBe("anything");
  });
});
