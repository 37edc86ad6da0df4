import { describe, expect, it } from "vitest";
import { OneTimeCode } from "./one-time-code";

const clock = (start = 1_000_000) => {
  const c = { t: start, now: () => c.t };
  return c;
};

describe("OneTimeCode", () => {
  it("issues human codes like ABCD-EFGH without ambiguous characters", () => {
    const code = new OneTimeCode(60_000).issue();
    expect(code).toMatch(/^[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}$/);
  });

  it("is 'none' before any code is issued", () => {
    const otc = new OneTimeCode(60_000);
    expect(otc.active).toBe(false);
    expect(otc.consume("ABCD-EFGH")).toBe("none");
  });

  it("works once", () => {
    const otc = new OneTimeCode(60_000);
    const code = otc.issue();
    expect(otc.active).toBe(true);
    expect(otc.consume(code)).toBe("ok");
    expect(otc.active).toBe(false);
    expect(otc.consume(code)).toBe("none");
  });

  it("check does not spend the code", () => {
    const otc = new OneTimeCode(60_000);
    const code = otc.issue();
    expect(otc.check(code)).toBe("ok");
    expect(otc.check(code)).toBe("ok");
    expect(otc.consume(code)).toBe("ok");
  });

  it("ignores case, dashes and spaces", () => {
    const otc = new OneTimeCode(60_000);
    const code = otc.issue();
    const sloppy = ` ${code.toLowerCase().replace("-", " ")} `;
    expect(otc.consume(sloppy)).toBe("ok");

    const code2 = otc.issue();
    expect(otc.consume(code2.replace("-", ""))).toBe("ok");
  });

  it("any number of wrong codes leaves the right one usable: strangers cannot burn it", () => {
    const otc = new OneTimeCode(60_000);
    const code = otc.issue();
    for (let i = 0; i < 1000; i++) expect(otc.consume(`WRONG-${String(i).padStart(4, "0")}`)).toBe("wrong");
    expect(otc.consume("")).toBe("wrong");
    expect(otc.active).toBe(true);
    expect(otc.consume(code)).toBe("ok");
  });

  it("expires at its deadline (injected clock)", () => {
    const c = clock();
    const otc = new OneTimeCode(10_000, c.now);
    const code = otc.issue();
    c.t += 9_999;
    expect(otc.active).toBe(true);
    c.t += 1;
    expect(otc.active).toBe(false);
    expect(otc.consume(code)).toBe("expired");
    // Once reported expired it is gone.
    expect(otc.consume(code)).toBe("none");
  });

  it("a new issue replaces the old code; clear() ends it", () => {
    const otc = new OneTimeCode(60_000);
    const old = otc.issue();
    let fresh = otc.issue();
    while (fresh === old) fresh = otc.issue();
    expect(otc.consume(old)).toBe("wrong");
    expect(otc.check(fresh)).toBe("ok");
    otc.clear();
    expect(otc.consume(fresh)).toBe("none");
  });
});
