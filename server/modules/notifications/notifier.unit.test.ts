import { describe, expect, it } from "vitest";
import pino from "pino";
import { EventBus } from "../../events";
import { MemoryPushRepository } from "../../testing/memory-push-repository";
import { messageFor, type PushMessage } from "./messages";
import { DOWN_DEBOUNCE_MS, Notifier } from "./notifier";
import type { PushSender, PushTarget, SendOptions, SendResult } from "./push-sender";

/** Records every send; answers per endpoint (ok unless told otherwise). */
class FakeSender implements PushSender {
  readonly sent: { endpoint: string; message: PushMessage; opts: SendOptions }[] = [];
  readonly answers = new Map<string, SendResult | Error>();
  async send(target: PushTarget, payload: string, opts: SendOptions): Promise<SendResult> {
    this.sent.push({ endpoint: target.endpoint, message: JSON.parse(payload) as PushMessage, opts });
    const a = this.answers.get(target.endpoint) ?? { ok: true };
    if (a instanceof Error) throw a;
    return a;
  }
}

const KEYS = { p256dh: "BP".padEnd(87, "A"), auth: "A".repeat(22) };

function setup(endpoints = ["https://push.example/a/TOKEN-A", "https://push.example/b/TOKEN-B"]) {
  const repo = new MemoryPushRepository(new Map([["phone", "Owner's phone"]]));
  for (const [i, endpoint] of endpoints.entries()) void repo.upsert({ id: `s${i}`, deviceId: "phone", endpoint, ...KEYS, browser: "Firefox" });
  const sender = new FakeSender();
  const lines: string[] = [];
  const log = pino({ level: "info" }, { write: (l: string) => void lines.push(l) });
  let now = 1_000_000;
  const notifier = new Notifier({ repo, sender, log, appInfo: async (id) => (id === "hello" ? { name: "Hello", web: true } : id === "dns" ? { name: "DNS", web: false } : null), now: () => now });
  const bus = new EventBus();
  notifier.start(bus);
  return { repo, sender, lines, notifier, bus, tick: (ms: number) => (now += ms) };
}

describe("which events become which messages", () => {
  const app = (payload: { action: "install" | "update" | "remove" | "rollback"; ok: boolean; message?: string }) => messageFor({ kind: "app.done", payload: { appId: "hello", ...payload }, appName: "Hello" });

  it("installs, updates and rollbacks each say what happened; removals say nothing", () => {
    expect(app({ action: "install", ok: true })).toEqual({ title: "Hello is installed", body: "Hello is ready to open.", url: "/", tag: "app-hello-install" });
    expect(app({ action: "install", ok: false, message: "x" })?.title).toBe("Hello could not be installed");
    expect(app({ action: "update", ok: true })?.title).toBe("Hello was updated");
    expect(app({ action: "rollback", ok: false })?.title).toBe("Hello update rolled back");
    expect(app({ action: "remove", ok: true })).toBeNull();
  });

  it("never carries the failure's own text (it may hold a host, a path or a value)", () => {
    const m = app({ action: "install", ok: false, message: "pull from https://user:hunter2@registry.internal/x failed" });
    expect(JSON.stringify(m)).not.toMatch(/hunter2|registry\.internal/);
  });

  it("failed and unhealthy are 'down'; running, starting and stopped are not news", () => {
    const state = (status: string) => messageFor({ kind: "app.state", payload: { appId: "hello", status, reason: "web: secret=abc" }, appName: "Hello" });
    expect(state("failed")).toMatchObject({ title: "Hello is down", tag: "app-hello-down" });
    expect(state("unhealthy")?.title).toBe("Hello is down");
    expect(JSON.stringify(state("failed"))).not.toContain("secret=abc");
    for (const s of ["running", "starting", "restarting", "stopped"]) expect(state(s), s).toBeNull();
  });

  it("a new device names itself and points to Security", () => {
    const m = messageFor({ kind: "device.joined", payload: { deviceId: "d1", name: "Chrome on Linux", how: "paired" } });
    expect(m).toMatchObject({ title: "New device on your PCC", url: "/?open=system", tag: "device-d1" });
    expect(m?.body).toContain("“Chrome on Linux” was paired with");
  });

  it("keeps long names to one line", () => {
    const m = messageFor({ kind: "app.done", payload: { appId: "x", action: "install", ok: true }, appName: "A".repeat(300) });
    expect(m!.title.length).toBeLessThan(60);
  });
});

describe("Notifier on the event bus", () => {
  it("sends an install to every subscription, as JSON {title, body, url, tag}", async () => {
    const { sender, bus, notifier } = setup();
    bus.emit("app.done", { appId: "hello", action: "install", ok: true });
    await notifier.settled();
    expect(sender.sent.map((s) => s.endpoint)).toEqual(["https://push.example/a/TOKEN-A", "https://push.example/b/TOKEN-B"]);
    expect(sender.sent[0]!.message).toEqual({ title: "Hello is installed", body: "Hello is ready to open.", url: "/", tag: "app-hello-install" });
    expect(sender.sent[0]!.opts).toMatchObject({ urgency: "normal" });
  });

  it("does not call an app without a web page ready to open", async () => {
    const { sender, bus, notifier } = setup(["https://push.example/a/T"]);
    bus.emit("app.done", { appId: "dns", action: "install", ok: true });
    await notifier.settled();
    expect(sender.sent[0]!.message).toEqual({ title: "DNS is installed", body: "DNS runs in the background; its settings show its ports.", url: "/", tag: "app-dns-install" });
  });

  it("falls back to the app id when the app is gone, and sends device joins", async () => {
    const { sender, bus, notifier } = setup(["https://push.example/a/T"]);
    bus.emit("app.done", { appId: "ghost", action: "install", ok: false });
    bus.emit("device.joined", { deviceId: "d2", name: "Firefox on Android", how: "cli-code" });
    bus.emit("app.done", { appId: "hello", action: "remove", ok: true });
    await notifier.settled();
    // Each event is delivered on its own: they may arrive in either order.
    expect(sender.sent.map((s) => s.message.title).sort()).toEqual(["New device on your PCC", "ghost could not be installed"]);
  });

  it("debounces a flapping app: one 'down' per app per window, high urgency", async () => {
    const { sender, bus, notifier, tick } = setup(["https://push.example/a/T"]);
    for (const status of ["unhealthy", "running", "unhealthy", "restarting", "failed", "running", "unhealthy"]) {
      bus.emit("app.state", { appId: "hello", status });
      tick(60_000);
    }
    bus.emit("app.state", { appId: "other", status: "failed" });
    await notifier.settled();
    expect(sender.sent.map((s) => s.message.tag)).toEqual(["app-hello-down", "app-other-down"]);
    expect(sender.sent[0]!.opts.urgency).toBe("high");
    tick(DOWN_DEBOUNCE_MS);
    bus.emit("app.state", { appId: "hello", status: "failed" });
    await notifier.settled();
    expect(sender.sent.map((s) => s.message.tag)).toEqual(["app-hello-down", "app-other-down", "app-hello-down"]);
  });

  it("removes a subscription the push service calls gone (404 or 410), keeps one that failed otherwise", async () => {
    const { sender, bus, notifier, repo, lines } = setup(["https://push.example/a/TOKEN-GONE", "https://push.example/b/TOKEN-404", "https://push.example/c/TOKEN-500"]);
    sender.answers.set("https://push.example/a/TOKEN-GONE", { ok: false, gone: true, status: 410, error: "status 410" });
    sender.answers.set("https://push.example/b/TOKEN-404", { ok: false, gone: true, status: 404, error: "status 404" });
    sender.answers.set("https://push.example/c/TOKEN-500", { ok: false, gone: false, status: 500, error: "status 500" });
    bus.emit("app.done", { appId: "hello", action: "update", ok: true });
    await notifier.settled();
    expect([...repo.rows.keys()]).toEqual(["https://push.example/c/TOKEN-500"]);
    expect(await notifier.deliver({ title: "t", body: "b", url: "/", tag: "t" })).toEqual({ sent: 0, removed: 0, failed: 1 });
    // The log names the push service, never the endpoint's capability path.
    expect(lines.join("")).toContain("push.example");
    expect(lines.join("")).not.toMatch(/TOKEN-(GONE|404|500)/);
  });

  it("a sender that throws is logged, not an unhandled rejection; other browsers and the next event still get theirs", async () => {
    const { sender, bus, notifier, lines } = setup(["https://push.example/a/T", "https://push.example/b/T"]);
    sender.answers.set("https://push.example/a/T", new Error("boom"));
    bus.emit("app.done", { appId: "hello", action: "install", ok: true });
    await notifier.settled();
    expect(lines.join("")).toContain("push notification failed");
    expect(await notifier.deliver({ title: "t", body: "b", url: "/", tag: "t" })).toEqual({ sent: 1, removed: 0, failed: 1 });
    sender.answers.clear();
    bus.emit("app.done", { appId: "hello", action: "update", ok: true });
    await notifier.settled();
    expect(sender.sent).toHaveLength(6);
  });

  it("stops listening when stopped; no subscriptions means no sends", async () => {
    const a = setup([]);
    a.bus.emit("app.done", { appId: "hello", action: "install", ok: true });
    await a.notifier.settled();
    expect(a.sender.sent).toHaveLength(0);
    const b = setup(["https://push.example/a/T"]);
    b.notifier.stop();
    b.bus.emit("app.done", { appId: "hello", action: "install", ok: true });
    await b.notifier.settled();
    expect(b.sender.sent).toHaveLength(0);
  });
});
