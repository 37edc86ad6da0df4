import { describe, expect, it } from "vitest";
import { LogBuffer } from "./log-buffer";

const line = (text: string) => ({ service: "web", stream: "stdout" as const, time: null, text });

describe("the log view's buffer", () => {
  it("keeps the newest lines up to its cap, numbered, and counts what it dropped", () => {
    const b = new LogBuffer(100);
    for (let i = 0; i < 1000; i++) b.push([line(`l${i}`)]);
    const lines = b.lines();
    expect(lines).toHaveLength(100);
    expect(lines[0]!.text).toBe("l900");
    expect(lines[99]).toMatchObject({ text: "l999", n: 999 });
    expect(b.dropped).toBe(900);
    expect(b.size).toBe(100);
  });

  it("takes a batch bigger than its cap, and starts over when cleared", () => {
    const b = new LogBuffer(10);
    b.push(Array.from({ length: 50 }, (_, i) => line(String(i))));
    expect(b.lines().map((l) => l.text)).toEqual(["40", "41", "42", "43", "44", "45", "46", "47", "48", "49"]);
    b.clear();
    expect(b.lines()).toEqual([]);
    expect(b.dropped).toBe(0);
    b.push([line("again")]);
    expect(b.lines()[0]!.n).toBe(50);
  });
});
