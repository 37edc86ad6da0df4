import dgram from "node:dgram";
import fs from "node:fs";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dnsQuery } from "../helpers/images/dns-query";
import { freePort, PccInstance, waitFor } from "../helpers/pcc-instance";
import { testAppCatalog } from "../helpers/test-apps";

type Status = { id: string; status: string; services: { name: string; state: string; restarts: number }[]; ports: { name: string; hostPort: number }[] };

function tcpBanner(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: "127.0.0.1", port }, () => s.write("ping\n"));
    let got = "";
    s.setTimeout(5_000, () => (s.destroy(), reject(new Error(`no answer on ${port}: ${got}`))));
    s.on("data", (d) => {
      got += d;
      if (got.includes("ping")) (s.end(), resolve(got));
    });
    s.on("error", reject);
  });
}

describe("apps that are real: several services, ports, secrets, health, from a real registry", () => {
  let apps: Awaited<ReturnType<typeof testAppCatalog>>;
  let pcc: PccInstance;
  let session = "";
  const ports = { dns: 0, echo: 0 };
  const status = (id: string) => JSON.parse(pcc.cli("app", "status", id, "--json").stdout) as Status;

  beforeAll(async () => {
    ports.dns = await freePort();
    ports.echo = await freePort();
    apps = await testAppCatalog(ports);
    pcc = await PccInstance.start({ catalogDir: apps.dir, insecureRegistries: [apps.registry.host] });
    session = await pcc.claim();
  });
  afterAll(async () => {
    await pcc?.stop();
    await pcc?.cleanup();
    await apps?.cleanup();
  });

  it("installs a two-service app from the registry with a progress bar, the services sharing a generated secret", async () => {
    const r = pcc.cli("app", "install", "kv");
    // Byte progress from the registry's layer sizes: the local registry is too fast for Podman to report any.
    const percents = [...r.stderr.matchAll(/^Downloading (?:web|store) \[[#.]{20}\] (\d+)%$/gm)].map((m) => Number(m[1]));
    expect(percents.some((p) => p > 0 && p < 100), r.stderr).toBe(true);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^kv\s+(running|starting)/);
    await waitFor("kv healthy", async () => status("kv").status === "running", 60_000);
    expect(status("kv").services.map((s) => [s.name, s.state]).sort()).toEqual([
      ["store", "healthy"],
      ["web", "healthy"],
    ]);
    const cookie = await pcc.appCookie("kv", session);
    expect((await pcc.http(`${pcc.appUrl("kv")}/count`, { cookie })).text.trim()).toBe("1");
    expect((await pcc.http(`${pcc.appUrl("kv")}/count`, { cookie })).text.trim()).toBe("2");

    // The secret is the same in both services, and is nowhere in the database in the clear.
    const [web, store] = await Promise.all([pcc.podman("/containers/pcc_kv_web/json"), pcc.podman("/containers/pcc_kv_store/json")]);
    const pw = (j: unknown) => ((j as { Config: { Env: string[] } }).Config.Env.find((e) => e.startsWith("REDIS_PASSWORD=")) ?? "").split("=")[1]!;
    expect(pw(web.json)).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(pw(store.json)).toBe(pw(web.json));
    expect(fs.readFileSync(`${pcc.dataDir}/pcc.db`).includes(Buffer.from(pw(web.json)))).toBe(false);
    expect(fs.statSync(`${pcc.dataDir}/secrets.key`).mode & 0o777).toBe(0o600);
  });

  it("keeps the app's data and secret across a restart of PCC", async () => {
    await pcc.stop();
    await pcc.boot();
    await waitFor("kv running again", async () => status("kv").status === "running", 60_000);
    const cookie = await pcc.appCookie("kv", session);
    expect((await pcc.http(`${pcc.appUrl("kv")}/count`, { cookie })).text.trim()).toBe("3");
  });

  it("serves a DNS server on its UDP and TCP port, and a TCP server on another", async () => {
    expect(pcc.cli("app", "install", "dns").code).toBe(0);
    expect(pcc.cli("app", "install", "echo").code).toBe(0);
    const udp = await waitFor("a DNS answer", () => dnsQuery("127.0.0.1", ports.dns, "hello.pcc.test").catch(() => null), 30_000);
    expect(udp.answers.map((a) => a.data)).toEqual(["198.18.0.42"]);
    const tcp = await dnsQuery("127.0.0.1", ports.dns, "hello.pcc.test", { tcp: true });
    expect(tcp.answers.map((a) => a.data)).toEqual(["198.18.0.42"]);
    expect(await waitFor("the echo banner", () => tcpBanner(ports.echo).catch(() => null), 30_000)).toMatch(/^PCC-ECHO/);
    expect(status("echo").ports).toEqual([{ name: "echo", protocol: "tcp", hostPort: ports.echo }]);
  });

  it("refuses a port another app or a program already holds, naming both, before creating anything", async () => {
    const taken = pcc.cli("app", "install", "dns", "--port", `dns=${ports.echo}`);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(/already installed/);
    // A program on the host holding a UDP port.
    const holder = dgram.createSocket("udp4");
    const port = await freePort();
    await new Promise<void>((r) => holder.bind(port, "127.0.0.1", () => r()));
    try {
      expect(pcc.cli("app", "remove", "dns").code).toBe(0);
      const r = pcc.cli("app", "install", "dns", "--port", `dns=${port}`, "--port", `dns-tcp=${port}`);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`needs port ${port}/udp \\(Answers DNS queries\\), but node \\(pid ${process.pid}\\) already listens there`));
      expect((await pcc.podman("/containers/pcc_dns_dns/exists")).status).toBe(404);
      // Another app's port.
      const clash = pcc.cli("app", "install", "dns", "--port", `dns=${ports.dns}`, "--port", `dns-tcp=${ports.echo}`);
      expect(clash.code).toBe(1);
      expect(clash.stderr).toMatch(new RegExp(`needs port ${ports.echo}/tcp .* but Echo already uses it`));
    } finally {
      holder.close();
    }
    expect(pcc.cli("app", "install", "dns").code).toBe(0);
  });

  it("mounts a secret as a file only the app reads", async () => {
    expect(pcc.cli("app", "install", "files").code).toBe(0);
    const cookie = await pcc.appCookie("files", session);
    const seen = await pcc.http(`${pcc.appUrl("files")}/cgi-bin/env`, { cookie });
    expect(seen.text, seen.text.slice(seen.text.indexOf("== secrets"))).toMatch(/\/run\/secrets\/token=[0-9a-f]{40}\n/);
  });

  it("restarts a service that crashed, and says so", async () => {
    const before = status("echo").services[0]!.restarts;
    expect((await pcc.podman("/containers/pcc_echo_echo/kill?signal=KILL", "POST")).status).toBe(204);
    await waitFor("echo restarted", async () => {
      const s = status("echo");
      return s.status === "running" && s.services[0]!.restarts > before;
    }, 60_000);
    expect(await tcpBanner(ports.echo)).toMatch(/^PCC-ECHO/);
  });
});
