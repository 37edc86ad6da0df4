import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { Agent, request } from "undici";
import { freePort, PccInstance, waitFor } from "../helpers/pcc-instance";
import { testAppCatalog } from "../helpers/test-apps";
import fs from "node:fs";
import path from "node:path";

/**
 * Changing one app must not disturb traffic to another, nor to the shell. Caddy's configuration never
 * changes with apps (a reload would close every WebSocket and idle connection): this proves it from
 * outside, with keep-alive HTTP and a WebSocket open the whole time.
 */
describe("one app changes, the others do not notice", () => {
  let apps: Awaited<ReturnType<typeof testAppCatalog>>;
  let pcc: PccInstance;
  let session = "";

  beforeAll(async () => {
    apps = await testAppCatalog({ dns: await freePort(), echo: await freePort() });
    fs.cpSync(path.join(process.cwd(), "apps-catalog/hello"), path.join(apps.dir, "hello"), { recursive: true });
    pcc = await PccInstance.start({ catalogDir: apps.dir, insecureRegistries: [apps.registry.host] });
    session = await pcc.claim();
    expect(pcc.cli("app", "install", "ws").code).toBe(0);
    await waitFor("ws running", async () => JSON.parse(pcc.cli("app", "status", "ws", "--json").stdout).status === "running", 60_000);
  });
  afterAll(async () => {
    await pcc?.stop();
    await pcc?.cleanup();
    await apps?.cleanup();
  });

  it("keeps every request to app A and its WebSocket while app B is installed, stopped, started and removed", async () => {
    const appCookie = await pcc.appCookie("ws", session);
    // Every name is this machine (*.localhost is not in glibc).
    const lookup = (_h: string, o: unknown, cb: (...a: unknown[]) => void) => ((o as { all?: boolean }).all ? cb(null, [{ address: "127.0.0.1", family: 4 }]) : cb(null, "127.0.0.1", 4));
    // Keep-alive connections to Caddy, as a browser holds them.
    const agent = new Agent({ connections: 4, keepAliveTimeout: 60_000, connect: { rejectUnauthorized: false, lookup: lookup as never } });
    const ws = new WebSocket(`wss://ws.${pcc.domain}:${pcc.httpsPort}/ws`, {
      headers: { cookie: appCookie },
      rejectUnauthorized: false,
      lookup,
    } as unknown as WebSocket.ClientOptions);
    await new Promise<void>((resolve, reject) => ws.once("open", () => resolve()).once("error", reject));
    let closed = false;
    ws.on("close", () => (closed = true));
    let echoes = 0;
    ws.on("message", () => echoes++);

    const failures: string[] = [];
    let ok = 0;
    let shellOk = 0;
    let running = true;
    const hammer = async (url: string, cookie: string, count: () => void) => {
      while (running) {
        try {
          const r = await request(url, { dispatcher: agent, headers: { cookie }, headersTimeout: 10_000, bodyTimeout: 10_000 });
          await r.body.text();
          if (r.statusCode === 200) count();
          else failures.push(`${url} ${r.statusCode}`);
        } catch (e) {
          failures.push(`${url} ${(e as Error).message}`);
        }
      }
    };
    const pings = setInterval(() => ws.readyState === WebSocket.OPEN && ws.send("ping"), 100);
    const load = [
      hammer(`https://ws.${pcc.domain}:${pcc.httpsPort}/health`, appCookie, () => ok++),
      hammer(`https://ws.${pcc.domain}:${pcc.httpsPort}/`, appCookie, () => ok++),
      hammer(`${pcc.shellUrl}/api/trpc/apps.list`, session, () => shellOk++),
    ];
    try {
      for (const step of [["install", "hello"], ["stop", "hello"], ["start", "hello"], ["remove", "hello"]]) {
        const r = await pcc.cliAsync("app", ...step);
        expect(r.code, `${step.join(" ")}: ${r.stderr}`).toBe(0);
      }
    } finally {
      running = false;
      clearInterval(pings);
      await Promise.all(load);
    }
    const before = echoes;
    ws.send("last");
    await waitFor("the last echo", async () => echoes > before, 5_000);
    expect(failures).toEqual([]);
    expect(ok).toBeGreaterThan(100);
    expect(shellOk).toBeGreaterThan(20);
    expect(closed).toBe(false);
    ws.close();
    await agent.close();
  });
});
