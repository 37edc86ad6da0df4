import { describe, expect, it } from "vitest";
import type { AppStatus } from "@/server/modules/apps/apps.types";
import { diffAppEvents, type AppSnapshot } from "./app-events";

const snap = (status: AppStatus, extra: Partial<AppSnapshot> = {}): AppSnapshot => ({ name: "Hello", status, version: "1.0.0", error: null, url: "https://hello.pcc.example", ports: [], ...extra });
const kinds = (prev: Record<string, AppSnapshot>, next: Record<string, AppSnapshot>) =>
  diffAppEvents(new Map(Object.entries(prev)), new Map(Object.entries(next))).map((e) => e.kind);

describe("diffAppEvents", () => {
  it("reports a finished install, whether or not the installing state was seen", () => {
    expect(kinds({ hello: snap("installing") }, { hello: snap("running") })).toEqual(["installed"]);
    expect(kinds({}, { hello: snap("running") })).toEqual(["installed"]);
  });

  it("says where an app without a web page answers, rather than that it is ready to open", () => {
    const body = (next: AppSnapshot) => diffAppEvents(new Map([["dns", snap("installing")]]), new Map([["dns", next]]))[0]?.body;
    expect(body(snap("running"))).toBe("It is ready to open.");
    expect(body(snap("running", { url: null, ports: [{ name: "dns", protocol: "udp", hostPort: 53 }] }))).toBe("It runs in the background, on port 53/udp of your PCC.");
  });

  it("reports a failed install, as an error or as the app vanishing (rolled back)", () => {
    expect(kinds({ hello: snap("installing") }, { hello: snap("failed", { error: "pull failed" }) })).toEqual(["install-failed"]);
    expect(kinds({ hello: snap("installing") }, {})).toEqual(["install-failed"]);
    const [e] = diffAppEvents(new Map([["hello", snap("installing")]]), new Map([["hello", snap("failed", { error: "pull failed" })]]));
    expect(e?.body).toBe("pull failed");
  });

  it("reports a running app that stops working, once", () => {
    expect(kinds({ hello: snap("running") }, { hello: snap("failed") })).toEqual(["crashed"]);
    expect(kinds({ hello: snap("restarting") }, { hello: snap("failed") })).toEqual(["crashed"]);
    expect(kinds({ hello: snap("failed") }, { hello: snap("failed") })).toEqual([]);
    expect(kinds({ hello: snap("failed") }, { hello: snap("broken") })).toEqual([]);
  });

  it("reports a running app whose health check starts failing, and an unhealthy app just installed as installed", () => {
    expect(kinds({ hello: snap("running") }, { hello: snap("unhealthy") })).toEqual(["unhealthy"]);
    expect(kinds({ hello: snap("unhealthy") }, { hello: snap("unhealthy") })).toEqual([]);
    expect(kinds({ hello: snap("installing") }, { hello: snap("unhealthy") })).toEqual(["installed"]);
  });

  it("reports version changes and uninstalls", () => {
    expect(kinds({ hello: snap("running") }, { hello: snap("running", { version: "1.1.0" }) })).toEqual(["updated"]);
    expect(kinds({ hello: snap("removing") }, {})).toEqual(["uninstalled"]);
  });

  it("stays quiet for steps the owner started and can see", () => {
    expect(kinds({ hello: snap("running") }, { hello: snap("stopping") })).toEqual([]);
    expect(kinds({ hello: snap("stopping") }, { hello: snap("stopped") })).toEqual([]);
    expect(kinds({ hello: snap("stopped") }, { hello: snap("starting") })).toEqual([]);
    expect(kinds({ hello: snap("starting") }, { hello: snap("running") })).toEqual([]);
    expect(kinds({ hello: snap("running") }, { hello: snap("restarting") })).toEqual([]);
    expect(kinds({ hello: snap("restarting") }, { hello: snap("running") })).toEqual([]);
    expect(kinds({}, { hello: snap("installing") })).toEqual([]);
  });
});
