import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../testing/fakes";
import { AppGrants } from "./app-grants";
import { GatewayFiles } from "./gateway-files";
import { GatewayService, type GatewayHost } from "./gateway.service";
import type { IngressForwarder } from "./ingress-forwarder";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function files() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pcc-sign-in-"));
  dirs.push(dir);
  const f = new GatewayFiles(dir);
  await f.init();
  return f;
}

const names = (f: GatewayFiles, host: string) => {
  const dir = path.join(f.signIn, host);
  return fs.existsSync(dir) ? fs.readdirSync(dir) : null;
};

describe("GatewayFiles: the header an app signs the owner in by", () => {
  it("is one empty file named after the header, under sign-in/<host>/", async () => {
    const f = await files();
    await f.setSignIn("wiki", "X-Webauth-User");
    expect(names(f, "wiki")).toEqual(["X-Webauth-User"]);
    expect(fs.readFileSync(path.join(f.signIn, "wiki/X-Webauth-User"), "utf8")).toBe("");
  });

  it("a new name replaces the old one (Caddy takes the first its glob finds); null removes the host's folder", async () => {
    const f = await files();
    await f.setSignIn("wiki", "Remote-User");
    await f.setSignIn("wiki", "X-Webauth-User");
    expect(names(f, "wiki")).toEqual(["X-Webauth-User"]);
    await f.setSignIn("wiki", null);
    expect(names(f, "wiki")).toBeNull();
  });

  it("refuses anything that is not a plain header name or host label, before touching the disk", async () => {
    const f = await files();
    for (const bad of ["../x", "A B", "", "X:y", "a/b", "-Lead"]) await expect(f.setSignIn("wiki", bad)).rejects.toThrow(/header/);
    await expect(f.setSignIn("../grants", "Remote-User")).rejects.toThrow(/host label/);
    expect(names(f, "wiki")).toBeNull();
  });

  it("goes with the host and counts as one of its files", async () => {
    const f = await files();
    await f.setSignIn("wiki", "Remote-User");
    expect(await f.knownHosts()).toEqual(new Set(["wiki"]));
    await f.removeHost("wiki");
    expect(names(f, "wiki")).toBeNull();
  });
});

describe("GatewayService: header sign-in per host", () => {
  async function setup() {
    const f = await files();
    const opened: { host: string; signIn: string[] | null }[] = [];
    const open = new Set<string>();
    // Records what was on disk when each socket opened: the app must never be reachable before it.
    const forwarder = {
      has: (h: string) => open.has(h),
      open: async (h: string) => void (open.add(h), opened.push({ host: h, signIn: names(f, h) })),
      close: async (h: string) => void open.delete(h),
      closeAll: async () => open.clear(),
    } as unknown as IngressForwarder;
    const gw = new GatewayService(f, forwarder, new AppGrants(f), async () => null, silentLogger());
    return { f, gw, opened };
  }
  const host = (h: string, signInHeader: string | null): GatewayHost => ({ host: h, appId: h, stopped: false, publicPaths: [], signInHeader });

  it("writes the header's file before the host's socket opens, and only for apps that sign in by header", async () => {
    const { f, gw, opened } = await setup();
    await gw.apply([host("wiki", "X-Webauth-User"), host("plain", null)]);
    expect(opened).toEqual([
      { host: "wiki", signIn: ["X-Webauth-User"] },
      { host: "plain", signIn: null },
    ]);
    expect(names(f, "plain")).toBeNull();
  });

  it("follows a changed spec and forgets removed hosts", async () => {
    const { f, gw } = await setup();
    await gw.apply([host("wiki", "Remote-User")]);
    await gw.apply([host("wiki", "X-Forwarded-User")]);
    expect(names(f, "wiki")).toEqual(["X-Forwarded-User"]);
    await gw.apply([host("wiki", null)]);
    expect(names(f, "wiki")).toBeNull();
    await gw.apply([host("wiki", "Remote-User")]);
    await gw.apply([]);
    expect(names(f, "wiki")).toBeNull();
  });

  it("rewrites the file at start even if a stale one is on disk", async () => {
    const { f, gw } = await setup();
    fs.mkdirSync(path.join(f.signIn, "wiki"));
    fs.writeFileSync(path.join(f.signIn, "wiki/Old-Header"), "");
    await gw.apply([host("wiki", "Remote-User")]);
    expect(names(f, "wiki")).toEqual(["Remote-User"]);
  });
});
