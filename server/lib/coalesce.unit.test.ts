import { describe, expect, it } from "vitest";
import { coalesce } from "./coalesce";

describe("coalesce", () => {
  it("runs once when alone, and shares one more run among everyone who calls meanwhile", async () => {
    let runs = 0;
    let state = 0;
    const seen: number[] = [];
    const sync = coalesce(async () => {
      runs++;
      const s = state;
      await new Promise((r) => setTimeout(r, 20));
      seen.push(s);
      return s;
    });
    state = 1;
    const first = sync();
    state = 2;
    const others = [sync(), sync(), sync()];
    expect(await first).toBe(1);
    // The calls made while the first ran get a run that began after them: it sees state 2.
    expect(await Promise.all(others)).toEqual([2, 2, 2]);
    expect(runs).toBe(2);
    expect(await sync()).toBe(2);
    expect(runs).toBe(3);
    expect(seen).toEqual([1, 2, 2]);
  });

  it("a failed run fails its callers only; the next run still happens", async () => {
    let n = 0;
    const sync = coalesce(async () => {
      n++;
      await new Promise((r) => setTimeout(r, 5));
      if (n === 1) throw new Error("boom");
      return n;
    });
    const a = sync();
    const b = sync();
    await expect(a).rejects.toThrow("boom");
    expect(await b).toBe(2);
  });
});
