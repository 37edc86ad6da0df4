import type { AppLogLine } from "@/server/modules/runtime/observe/app-observe";

export type LogLine = AppLogLine & { n: number };

/**
 * The lines a log view holds: at most `max`, the oldest dropped first, each numbered so React can key
 * it. Appending is amortised O(batch): the array is trimmed only once it is a quarter over, so a chatty
 * app costs the shell neither memory nor a copy of the whole list per line.
 */
export class LogBuffer {
  private items: LogLine[] = [];
  private next = 0;
  /** Lines dropped from the start since the last clear. */
  dropped = 0;

  constructor(readonly max: number) {}

  push(lines: readonly AppLogLine[]) {
    for (const l of lines) this.items.push({ ...l, n: this.next++ });
    if (this.items.length > this.max + Math.ceil(this.max / 4)) this.trim();
  }

  clear() {
    this.items = [];
    this.dropped = 0;
  }

  get size() {
    return Math.min(this.items.length, this.max);
  }

  /** The lines kept, oldest first. */
  lines(): LogLine[] {
    this.trim();
    return this.items;
  }

  private trim() {
    const over = this.items.length - this.max;
    if (over <= 0) return;
    this.items = this.items.slice(over);
    this.dropped += over;
  }
}
