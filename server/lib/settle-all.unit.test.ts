import { describe, expect, it } from "vitest";
import { settleAll } from "./settle-all";

const later = <T>(ms: number, v: T, fail = false) => new Promise<T>((res, rej) => setTimeout(() => (fail ? rej(v) : res(v)), ms));

describe("settleAll", () => {
  it("resolves with every value, in order", async () => {
    expect(await settleAll([later(5, 1), later(1, "b")] as const)).toEqual([1, "b"]);
  });

  it("throws the first rejection only after the slower promises have settled", async () => {
    let slowDone = false;
    const slow = later(30, "slow").then((v) => ((slowDone = true), v));
    await expect(settleAll([later(1, new Error("boom"), true), slow])).rejects.toThrow("boom");
    expect(slowDone).toBe(true);
  });
});
