import { describe, expect, it } from "vitest";
import { batched, interleave, lastN, mergeByTime } from "./log-merge";

type L = { time: string | null; text: string };
const at = (s: number, text: string): L => ({ time: new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString(), text });

async function* from<T>(items: T[], delayMs = 0) {
  for (const i of items) {
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
    yield i;
  }
}
const collect = async <T>(g: AsyncIterable<T>) => {
  const out: T[] = [];
  for await (const x of g) out.push(x);
  return out;
};

describe("mergeByTime", () => {
  it("merges streams that are each in order into one in order; equal times keep the order of the streams", async () => {
    const web = [at(1, "w1"), at(3, "w3"), at(3, "w3b"), at(7, "w7")];
    const db = [at(0, "d0"), at(3, "d3"), at(5, "d5")];
    const merged = await collect(mergeByTime([from(web), from(db)]));
    expect(merged.map((l) => l.text)).toEqual(["d0", "w1", "w3", "w3b", "d3", "d5", "w7"]);
  });

  it("keeps a line without a time next to the one before it in its stream, and copes with empty streams", async () => {
    const a = [at(1, "a1"), { time: null, text: "a-cont" }, at(4, "a4")];
    const b = [at(2, "b2")];
    expect((await collect(mergeByTime([from(a), from([] as L[]), from(b)]))).map((l) => l.text)).toEqual(["a1", "a-cont", "b2", "a4"]);
  });
});

describe("lastN", () => {
  it("keeps only the last n items, in order", async () => {
    expect(await collect(lastN(from([1, 2, 3, 4, 5]), 2))).toEqual([4, 5]);
    expect(await collect(lastN(from([1, 2]), 5))).toEqual([1, 2]);
    expect(await collect(lastN(from([1, 2]), 0))).toEqual([]);
  });
});

describe("interleave", () => {
  it("passes items on as they arrive, from whichever stream", async () => {
    const slow = from(["s1", "s2"], 30);
    const fast = from(["f1", "f2", "f3"], 5);
    const got = await collect(interleave([slow, fast]));
    expect(got.sort()).toEqual(["f1", "f2", "f3", "s1", "s2"]);
    expect(got.indexOf("f3")).toBeLessThan(got.indexOf("s2"));
  });
});

describe("batched", () => {
  it("sends what is already there together, up to max per batch", async () => {
    const got = await collect(batched(from([1, 2, 3, 4, 5]), 2, 50));
    expect(got).toEqual([[1, 2], [3, 4], [5]]);
  });

  it("does not hold a lone item longer than the window", async () => {
    async function* slow() {
      yield 1;
      await new Promise((r) => setTimeout(r, 200));
      yield 2;
    }
    const t0 = Date.now();
    const it = batched(slow(), 100, 20);
    expect((await it.next()).value).toEqual([1]);
    expect(Date.now() - t0).toBeLessThan(150);
    expect((await it.next()).value).toEqual([2]);
    expect((await it.next()).done).toBe(true);
  });
});
