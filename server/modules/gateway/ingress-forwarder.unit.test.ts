import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../testing/fakes";
import { IngressForwarder, type Upstream } from "./ingress-forwarder";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function echoServer(): Promise<Upstream> {
  const server = net.createServer((s) => s.pipe(s));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  return { host: "127.0.0.1", port: (server.address() as net.AddressInfo).port };
}

function talk(socketPath: string, text: string): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect(socketPath, () => s.write(text));
    let got = "";
    s.on("data", (d) => {
      got += d;
      if (got.length >= text.length) s.end();
    });
    s.on("close", () => resolve(got));
    s.on("error", () => resolve(got));
  });
}

function setup(resolve: (host: string, refresh: boolean) => Promise<Upstream | null>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pcc-fwd-"));
  const fwd = new IngressForwarder((h) => path.join(dir, `${h}.sock`), resolve, silentLogger());
  cleanups.push(async () => {
    await fwd.closeAll();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return { dir, fwd };
}

describe("IngressForwarder", () => {
  it("pipes a connection on the host's socket to its upstream; the socket is owner-only", async () => {
    const up = await echoServer();
    const { dir, fwd } = setup(async () => up);
    await fwd.open("hello");
    expect(fs.statSync(path.join(dir, "hello.sock")).mode & 0o777).toBe(0o600);
    expect(await talk(path.join(dir, "hello.sock"), "ping")).toBe("ping");
  });

  it("closing a host ends its open connections (an idle keep-alive never holds a removal), and only its", async () => {
    const up = await echoServer();
    const { dir, fwd } = setup(async () => up);
    await fwd.open("gone");
    await fwd.open("stays");
    const idle = (host: string) =>
      new Promise<net.Socket>((resolve) => {
        const s = net.connect(path.join(dir, `${host}.sock`), () => s.write("x"));
        s.once("data", () => resolve(s));
      });
    const [gone, stays] = await Promise.all([idle("gone"), idle("stays")]);
    const ended = new Promise((r) => gone.once("close", r));
    const started = Date.now();
    await fwd.close("gone");
    await ended;
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(stays.destroyed).toBe(false);
    stays.destroy();
  });

  it("closes the connection at once when the app has no upstream (Caddy then shows its page)", async () => {
    const { dir, fwd } = setup(async () => null);
    await fwd.open("hello");
    expect(await talk(path.join(dir, "hello.sock"), "ping")).toBe("");
  });

  it("retries once with a fresh address when the cached one refuses", async () => {
    const up = await echoServer();
    const dead = await echoServer();
    await cleanups.pop()!(); // closes `dead`: its port now refuses
    const asked: boolean[] = [];
    const { dir, fwd } = setup(async (_h, refresh) => (asked.push(refresh), refresh ? up : dead));
    await fwd.open("hello");
    expect(await talk(path.join(dir, "hello.sock"), "pong")).toBe("pong");
    expect(asked).toEqual([false, true]);
  });

  it("close removes the socket and ends nothing else", async () => {
    const up = await echoServer();
    const { dir, fwd } = setup(async () => up);
    await fwd.open("a");
    await fwd.open("b");
    await fwd.close("a");
    expect(fs.existsSync(path.join(dir, "a.sock"))).toBe(false);
    expect(await talk(path.join(dir, "b.sock"), "still")).toBe("still");
  });
});
