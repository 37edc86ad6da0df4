import { describe, expect, it } from "vitest";
import { acceptBridgeMessage, BODY_MAX, displayOrigin, originOf, parseBridgeMessage, TITLE_MAX } from "./app-bridge";

const appWindow = { name: "hello's iframe" };
const otherWindow = { name: "another window" };
const ORIGIN = "https://hello.pcc.localhost:8443";
const endpoint = { source: appWindow, origin: ORIGIN };
const title = { type: "pcc:title", title: "Inbox (3)" };

describe("acceptBridgeMessage", () => {
  it("accepts a message from the window's own iframe and the app's origin", () => {
    expect(acceptBridgeMessage({ source: appWindow, origin: ORIGIN, data: title }, endpoint)).toEqual(title);
  });

  it("ignores the right origin from another window (a popup or a second frame of the app)", () => {
    expect(acceptBridgeMessage({ source: otherWindow, origin: ORIGIN, data: title }, endpoint)).toBeNull();
  });

  it("ignores the right window once it shows another origin (the iframe was navigated away)", () => {
    expect(acceptBridgeMessage({ source: appWindow, origin: "https://evil.example", data: title }, endpoint)).toBeNull();
    expect(acceptBridgeMessage({ source: appWindow, origin: "https://other.pcc.localhost:8443", data: title }, endpoint)).toBeNull();
    // Same host, another port or scheme is another origin.
    expect(acceptBridgeMessage({ source: appWindow, origin: "https://hello.pcc.localhost:9443", data: title }, endpoint)).toBeNull();
    expect(acceptBridgeMessage({ source: appWindow, origin: "http://hello.pcc.localhost:8443", data: title }, endpoint)).toBeNull();
  });

  it("ignores messages with no source, the shell's own, and opaque origins", () => {
    expect(acceptBridgeMessage({ source: null, origin: ORIGIN, data: title }, endpoint)).toBeNull();
    expect(acceptBridgeMessage({ source: appWindow, origin: "null", data: title }, endpoint)).toBeNull();
    // A window whose iframe is not loaded yet has no source to match.
    expect(acceptBridgeMessage({ source: null, origin: ORIGIN, data: title }, { source: null, origin: ORIGIN })).toBeNull();
    expect(acceptBridgeMessage({ source: appWindow, origin: "", data: title }, { source: appWindow, origin: "" })).toBeNull();
  });
});

describe("parseBridgeMessage", () => {
  it("parses the three message types", () => {
    expect(parseBridgeMessage({ type: "pcc:notify", title: "Backup done", body: "3 files" })).toEqual({
      type: "pcc:notify",
      title: "Backup done",
      body: "3 files",
    });
    expect(parseBridgeMessage({ type: "pcc:notify", title: "No body" })).toEqual({ type: "pcc:notify", title: "No body", body: "" });
    expect(parseBridgeMessage({ type: "pcc:open", appId: "uptime-kuma" })).toEqual({ type: "pcc:open", appId: "uptime-kuma" });
    expect(parseBridgeMessage({ type: "pcc:open", url: "https://example.org/a?b" })).toEqual({ type: "pcc:open", url: "https://example.org/a?b" });
  });

  it("rejects unknown types and malformed payloads", () => {
    for (const bad of [
      null,
      "pcc:title",
      42,
      { type: "pcc:eval", code: "1" },
      { type: "pcc:title", title: 5 },
      { type: "pcc:notify", body: "no title" },
      { type: "pcc:notify", title: "   " },
      { type: "pcc:notify", title: "x", body: {} },
      { type: "pcc:open" },
      { type: "pcc:open", url: "https://a.b", appId: "hello" },
      { type: "pcc:open", appId: "Hello!" },
      { type: "pcc:open", appId: "-x" },
    ]) {
      expect(parseBridgeMessage(bad), JSON.stringify(bad)).toBeNull();
    }
  });

  it("only opens http(s) URLs", () => {
    for (const url of ["javascript:alert(1)", "data:text/html,hi", "file:///etc/passwd", "/relative", "blob:https://a/b", "x".repeat(3000)]) {
      expect(parseBridgeMessage({ type: "pcc:open", url }), url).toBeNull();
    }
  });

  it("strips control and bidi characters and caps lengths", () => {
    expect(parseBridgeMessage({ type: "pcc:title", title: "  a\u202eb\nc\u0000d  " })).toEqual({ type: "pcc:title", title: "a b c d" });
    const long = parseBridgeMessage({ type: "pcc:notify", title: "t".repeat(500), body: "b".repeat(5000) });
    expect(long?.type === "pcc:notify" && long.title.length).toBe(TITLE_MAX);
    expect(long?.type === "pcc:notify" && long.body.length).toBe(BODY_MAX);
  });

  it("allows an empty title, which clears the app's title", () => {
    expect(parseBridgeMessage({ type: "pcc:title", title: "" })).toEqual({ type: "pcc:title", title: "" });
  });
});

describe("origins", () => {
  it("derives the origin and the host shown in title bars", () => {
    expect(originOf("https://hello.pcc.localhost:8443/")).toBe(ORIGIN);
    expect(originOf("not a url")).toBe("");
    expect(displayOrigin("https://hello.pcc.localhost:8443/x")).toBe("hello.pcc.localhost:8443");
  });
});
