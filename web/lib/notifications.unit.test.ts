import { describe, expect, it } from "vitest";
import { addNotification, KEEP, markRead, parseStoredNotifications, RATE_LIMIT, RATE_WINDOW_MS, unreadByApp, type ShellNotification } from "./notifications";

let seq = 0;
const n = (extra: Partial<ShellNotification> = {}): ShellNotification => ({
  id: String(++seq),
  appId: "hello",
  source: "app",
  title: "t",
  body: "",
  at: 1_000_000,
  read: false,
  ...extra,
});

describe("notifications", () => {
  it("keeps the newest first and caps the list", () => {
    let s = { items: [] as ShellNotification[] };
    for (let i = 0; i < KEEP + 10; i++) s = addNotification(s, n({ appId: `app${i}`, at: i }));
    expect(s.items).toHaveLength(KEEP);
    expect(s.items[0]?.appId).toBe(`app${KEEP + 9}`);
  });

  it("rate-limits each app, but not the PCC's own events", () => {
    let s = { items: [] as ShellNotification[] };
    for (let i = 0; i < RATE_LIMIT + 3; i++) s = addNotification(s, n({ at: 1000 + i }));
    expect(s.items).toHaveLength(RATE_LIMIT);
    s = addNotification(s, n({ at: 1000 + RATE_WINDOW_MS + 10 }));
    expect(s.items).toHaveLength(RATE_LIMIT + 1);
    for (let i = 0; i < RATE_LIMIT + 3; i++) s = addNotification(s, n({ source: "system", at: 5000 + i }));
    expect(s.items.filter((i) => i.source === "system")).toHaveLength(RATE_LIMIT + 3);
  });

  it("counts unread per app and marks one app or all as read", () => {
    let s = { items: [n(), n(), n({ appId: "other" }), n({ appId: null, source: "system" })] };
    expect(unreadByApp(s)).toEqual(new Map([["hello", 2], ["other", 1]]));
    s = markRead(s, "hello");
    expect(unreadByApp(s)).toEqual(new Map([["other", 1]]));
    s = markRead(s);
    expect(s.items.every((i) => i.read)).toBe(true);
    expect(markRead(s)).toBe(s);
  });

  it("reads back only well-formed stored items", () => {
    expect(parseStoredNotifications(null).items).toEqual([]);
    expect(parseStoredNotifications("{oops").items).toEqual([]);
    expect(parseStoredNotifications('{"a":1}').items).toEqual([]);
    const good = n();
    expect(parseStoredNotifications(JSON.stringify([good, { id: 1 }, null])).items).toEqual([good]);
  });
});
