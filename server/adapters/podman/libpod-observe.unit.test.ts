import { describe, expect, it } from "vitest";
import type { LogLine } from "./container-observer";
import { LogDecoder, MAX_LINE_CHARS } from "./libpod-observe";

/** One multiplexed frame as Podman writes it: 1 stdout / 2 stderr, three zeros, length, payload. */
function frame(stream: 1 | 2, payload: string | Buffer) {
  const body = typeof payload === "string" ? Buffer.from(payload) : payload;
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

/** Feeds `bytes` in pieces of `size` (1 = every byte alone) and collects every line. */
function decode(bytes: Buffer, size = bytes.length): LogLine[] {
  const d = new LogDecoder();
  const out: LogLine[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(...d.push(bytes.subarray(i, i + size)));
  return [...out, ...d.end()];
}

const T1 = "2026-11-25T17:20:22Z";
const T2 = "2026-11-25T17:20:23.123456789Z";

describe("LogDecoder", () => {
  const stream = Buffer.concat([
    frame(1, `${T1} hello from stdout\n`),
    frame(2, `${T1} oops on stderr\n`),
    frame(1, `${T2} héllo ✓ ünïcode\n`),
  ]);
  const expected: LogLine[] = [
    { stream: "stdout", time: T1, text: "hello from stdout" },
    { stream: "stderr", time: T1, text: "oops on stderr" },
    { stream: "stdout", time: T2, text: "héllo ✓ ünïcode" },
  ];

  it("splits multiplexed frames into lines, with their stream and time", () => {
    expect(decode(stream)).toEqual(expected);
  });

  it("gives the same lines whatever the chunking, down to single bytes (headers and UTF-8 cut anywhere)", () => {
    for (const size of [1, 2, 3, 7, 8, 9, 13, 64]) expect(decode(stream, size)).toEqual(expected);
  });

  it("joins an entry Podman split (no newline) with its continuation, keeping the first time", () => {
    const long = Buffer.concat([frame(1, `${T1} first half, `), frame(2, `${T1} between\n`), frame(1, `${T2} second half\n`)]);
    expect(decode(long, 5)).toEqual([
      { stream: "stderr", time: T1, text: "between" },
      { stream: "stdout", time: T1, text: "first half, second half" },
    ]);
  });

  it("keeps empty lines, strips a CR, and hands over an unfinished last line at the end", () => {
    expect(decode(Buffer.concat([frame(1, `${T1} \n`), frame(1, `${T1} dos line\r\n`), frame(2, `${T2} no newline`)]))).toEqual([
      { stream: "stdout", time: T1, text: "" },
      { stream: "stdout", time: T1, text: "dos line" },
      { stream: "stderr", time: T2, text: "no newline" },
    ]);
  });

  it("reads a terminal's stream (no headers) as stdout lines with their own times", () => {
    const raw = Buffer.from(`${T1} tty one\n${T2} tty two\n`);
    for (const size of [1, 5, raw.length]) {
      expect(decode(raw, size)).toEqual([
        { stream: "stdout", time: T1, text: "tty one" },
        { stream: "stdout", time: T2, text: "tty two" },
      ]);
    }
  });

  it("keeps text without a timestamp whole (timestamps off)", () => {
    expect(decode(frame(1, "plain text 2026\n"))).toEqual([{ stream: "stdout", time: null, text: "plain text 2026" }]);
  });

  it("cuts an endless line into bounded pieces instead of buffering it all", () => {
    const d = new LogDecoder();
    const big = "x".repeat(MAX_LINE_CHARS * 2 + 10);
    const lines = [...d.push(frame(1, `${T1} ${big}`)), ...d.end()];
    expect(lines.map((l) => l.text.length)).toEqual([MAX_LINE_CHARS, MAX_LINE_CHARS, 10]);
    expect(lines.every((l) => l.time === T1)).toBe(true);
  });

  it("cuts an endless line after a space near the limit, so a word (a secret) is never split", () => {
    const d = new LogDecoder();
    const word = "S3cr3tS3cr3tS3cr3t";
    const text = `${"a".repeat(MAX_LINE_CHARS - 10)} ${word} tail`;
    const lines = [...d.push(frame(1, `${T1} ${text}`)), ...d.end()];
    expect(lines.map((l) => l.text).join("")).toBe(text);
    expect(lines.some((l) => l.text.includes(word))).toBe(true);
    expect(lines.every((l) => l.text.length <= MAX_LINE_CHARS)).toBe(true);
  });

  it("waits for a whole header before deciding anything", () => {
    const d = new LogDecoder();
    const f = frame(2, `${T1} late\n`);
    expect(d.push(f.subarray(0, 2))).toEqual([]);
    expect(d.push(f.subarray(2, 6))).toEqual([]);
    expect(d.push(f.subarray(6))).toEqual([{ stream: "stderr", time: T1, text: "late" }]);
  });
});
