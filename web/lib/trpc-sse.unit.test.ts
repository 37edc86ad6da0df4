import { TRPCClientError } from "@trpc/client";
import { observable } from "@trpc/server/observable";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { subscriptionLink, subscriptionUrl } from "./trpc-sse";

/** Just enough of the browser's EventSource to replay what tRPC's SSE producer sends. */
class FakeEventSource {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  static last: FakeEventSource | null = null;
  readyState = FakeEventSource.CONNECTING;
  closed = false;
  private readonly listeners = new Map<string, ((e: { data: string }) => void)[]>();
  constructor(readonly url: string) {
    FakeEventSource.last = this;
  }
  addEventListener(type: string, fn: (e: { data: string }) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), fn]);
  }
  close() {
    this.closed = true;
    this.readyState = FakeEventSource.CLOSED;
  }
  emit(type: string, data = "") {
    for (const fn of this.listeners.get(type) ?? []) fn({ data });
  }
}

type Seen = { next: unknown[]; error: unknown; complete: boolean };

function run(path = "apps.logs", input: unknown = { id: "chatty", follow: true }) {
  const link = subscriptionLink({ observable, TRPCClientError })({} as never);
  const seen: Seen = { next: [], error: null, complete: false };
  const sub = link({ op: { id: 1, type: "subscription", path, input, context: {}, signal: null }, next: () => observable(() => undefined) } as never).subscribe({
    next: (v) => seen.next.push((v as { result: unknown }).result),
    error: (e) => (seen.error = e),
    complete: () => (seen.complete = true),
  });
  return { seen, sub, es: FakeEventSource.last! };
}

describe("the SSE subscription link", () => {
  beforeEach(() => {
    (globalThis as { EventSource?: unknown }).EventSource = FakeEventSource;
  });
  afterEach(() => {
    delete (globalThis as { EventSource?: unknown }).EventSource;
  });

  it("asks for the procedure with its input, as tRPC's own link does", () => {
    expect(subscriptionUrl("/api/trpc", { path: "apps.stats", input: { id: "kv" } })).toBe("/api/trpc/apps.stats?input=%7B%22id%22%3A%22kv%22%7D");
    expect(subscriptionUrl("/api/trpc", { path: "apps.events", input: undefined })).toBe("/api/trpc/apps.events");
    const { es, sub } = run();
    expect(es.url).toBe(`/api/trpc/apps.logs?input=${encodeURIComponent('{"id":"chatty","follow":true}')}`);
    sub.unsubscribe();
    expect(es.closed).toBe(true);
  });

  it("reports the start (again after a reconnect), the data, and the end", () => {
    const { es, seen } = run();
    es.emit("connected", "{}");
    es.emit("message", JSON.stringify([{ text: "a" }]));
    es.emit("error"); // the browser reconnects by itself
    es.emit("connected", "{}");
    es.emit("message", JSON.stringify([{ text: "b" }]));
    es.emit("return");
    const types = seen.next.map((r) => (r as { type: string; state?: string }).type + ((r as { state?: string }).state ? `:${(r as { state: string }).state}` : ""));
    expect(types).toEqual(["state:connecting", "started", "state:pending", "data", "state:connecting", "started", "state:pending", "data", "stopped", "state:idle"]);
    expect(seen.next.filter((r) => (r as { type: string }).type === "data").map((r) => (r as { data: unknown }).data)).toEqual([[{ text: "a" }], [{ text: "b" }]]);
    expect(seen.complete).toBe(true);
    expect(es.closed).toBe(true);
  });

  it("fails with the server's error, its code and domain code kept, unless the server may recover", () => {
    const shape = { message: "Sign in to your PCC first.", code: -32001, data: { code: "UNAUTHORIZED", domainCode: "UNAUTHORIZED" } };
    const { es, seen } = run();
    es.emit("serialized-error", JSON.stringify(shape));
    expect(seen.error).toBeInstanceOf(TRPCClientError);
    expect((seen.error as TRPCClientError<never>).message).toBe("Sign in to your PCC first.");
    expect((seen.error as TRPCClientError<never>).data).toMatchObject({ code: "UNAUTHORIZED", domainCode: "UNAUTHORIZED" });
    expect(es.closed).toBe(true);

    const retry = run();
    retry.es.emit("serialized-error", JSON.stringify({ message: "busy", code: -32603, data: { code: "INTERNAL_SERVER_ERROR" } }));
    expect(retry.seen.error).toBeNull();
    expect(retry.es.closed).toBe(false);
    retry.sub.unsubscribe();
  });

  it("fails when the browser gives up on the connection", () => {
    const { es, seen } = run();
    es.readyState = FakeEventSource.CLOSED;
    es.emit("error");
    expect((seen.error as Error).message).toBe("The connection to your PCC was lost.");
  });
});
