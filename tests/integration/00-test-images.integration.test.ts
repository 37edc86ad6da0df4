import dgram from "node:dgram";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { dnsQuery } from "../helpers/images/dns-query";
import { PodmanCli } from "../helpers/images/podman-cli";
import { listTags, manifestDigest, moveTag, startRegistry, type Registry } from "../helpers/registry";
import { APP_IMAGES, BASE_IMAGES, buildVariant, ensureTestImages, type TestImages } from "../helpers/test-images";
import { waitFor } from "../helpers/wait-for";

/**
 * The test images themselves: built offline, pushed to a real registry, pullable by digest into a
 * fresh Podman storage, and each one starts and answers under the sandbox PCC gives every app.
 */

const HARDENED = [
  "--read-only",
  "--read-only-tmpfs=false",
  "--tmpfs=/tmp:rw,nosuid,nodev,size=64m,mode=1777",
  "--cap-drop=ALL",
  "--security-opt=no-new-privileges",
  "--userns=auto:size=65536",
  "--memory=256m",
  "--pids-limit=128",
  "--init",
];

async function get(url: string, headers: Record<string, string> = {}) {
  const r = await fetch(url, { headers, signal: AbortSignal.timeout(5_000) });
  return { status: r.status, headers: r.headers, text: await r.text() };
}

const until = <T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 30_000) => waitFor(what, fn, timeoutMs, 250);

function tcpLines(host: string, port: number, send: string[], expectLines: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host, port });
    let buf = "";
    const t = setTimeout(() => {
      sock.destroy();
      reject(new Error(`tcp ${host}:${port}: got only ${JSON.stringify(buf)}`));
    }, 5_000);
    sock.on("error", reject);
    sock.on("data", (d) => {
      buf += d.toString();
      const lines = buf.split("\n");
      if (lines.length === 2 && send.length) sock.write(send.map((l) => `${l}\n`).join(""));
      if (lines.length > expectLines) {
        clearTimeout(t);
        sock.destroy();
        resolve(lines.slice(0, expectLines));
      }
    });
  });
}

describe("offline test images in a real registry", () => {
  let registry: Registry;
  let images: TestImages;
  let fresh: PodmanCli;
  let network: ReturnType<PodmanCli["createNetwork"]>;
  const ips: Record<string, string> = {};

  /** Starts a container from a pinned image with the hardened flags and returns its IP. */
  async function start(name: string, image: string, extra: string[] = [], cmd: string[] = []) {
    await fresh.run(["run", "-d", "--name", name, "--network", network.name, ...HARDENED, ...extra, image, ...cmd], { timeoutMs: 60_000 });
    ips[name] = await fresh.containerIp(name);
    return ips[name]!;
  }

  async function logs(name: string) {
    return (await fresh.run(["logs", name], { allowFail: true, timeoutMs: 15_000 })).stderr.slice(-2000);
  }

  beforeAll(async () => {
    registry = await startRegistry();
    const t0 = Date.now();
    images = await ensureTestImages(registry.host);
    console.log(`ensureTestImages: ${Date.now() - t0} ms`);
    fresh = PodmanCli.temp("pcc-images-test-");
    network = fresh.createNetwork("pcctimg");
  });

  afterAll(async () => {
    await fresh?.cleanup();
    await registry?.stop();
  });

  it("pushes every image to the registry under the digest it reports", async () => {
    expect(Object.keys(images).sort()).toEqual([...BASE_IMAGES, ...APP_IMAGES].sort());
    for (const [name, img] of Object.entries(images)) {
      expect(img.ref).toBe(`${registry.host}/pcc-test/${name}:1`);
      expect(img.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(img.pinned).toBe(`${img.ref}@${img.digest}`);
      expect(await manifestDigest(registry.host, img.repo, "1")).toBe(img.digest);
      expect(await listTags(registry.host, img.repo)).toEqual(["1"]);
    }
  });

  it("pulls each image by digest into a fresh storage over plain HTTP from 127.0.0.1", async () => {
    const t0 = Date.now();
    for (const img of Object.values(images)) {
      await fresh.run(["pull", "--quiet", "--tls-verify=false", img.pinned], { timeoutMs: 180_000 });
      const digest = await fresh.text(["image", "inspect", "--format", "{{.Digest}}", img.pinned]);
      expect(digest).toBe(img.digest);
    }
    console.log(`pulled ${Object.keys(images).length} images in ${Date.now() - t0} ms`);
  });

  it("base images run as the non-root test user", async () => {
    const busybox = await fresh.text(["run", "--rm", ...HARDENED, "--network=none", "--user=1000:1000", images.busybox.pinned, "sh", "-c", "id -u; ls /usr/bin/wget"]);
    expect(busybox.split("\n")).toEqual(["1000", "/usr/bin/wget"]);
    const debian = await fresh.text(["run", "--rm", ...HARDENED, "--network=none", "--user=1000:1000", images.debian.pinned, "python3", "-c", "import os, ctypes; print(os.getuid())"]);
    expect(debian).toBe("1000");
  });

  it("web: serves its page and shows headers, environment and secrets to its CGI", async () => {
    const secretFile = path.join(os.tmpdir(), `pcc-secret-${process.pid}`);
    fs.writeFileSync(secretFile, "file-secret-value");
    try {
      await fresh.run(["secret", "create", "pcctimg-file", secretFile], { timeoutMs: 30_000 });
      await fresh.run(["secret", "create", "pcctimg-env", secretFile], { timeoutMs: 30_000 });
    } finally {
      fs.rmSync(secretFile, { force: true });
    }
    // A file secret on a read-only root needs a tmpfs at /run/secrets: Podman 4.3 cannot create the
    // mount point /run/secrets/<name> in a read-only root (even with a tmpfs on /run).
    const ip = await start("web", images.web.pinned, [
      "--env=PLAIN_SETTING=plain",
      "--tmpfs=/run/secrets:rw,nosuid,nodev,noexec,size=1m,mode=0755",
      "--secret=pcctimg-file",
      "--secret=pcctimg-env,type=env,target=API_TOKEN",
    ]);
    const page = await until("web page", () => get(`http://${ip}:8080/`));
    expect(page.status).toBe(200);
    expect(page.text).toContain("Hello from PCC test web");
    expect((await get(`http://${ip}:8080/health`)).status).toBe(200);
    const env = await get(`http://${ip}:8080/cgi-bin/env?q=1`, { "x-test-header": "abc" });
    expect(env.status).toBe(200);
    expect(env.text).toContain("GET /cgi-bin/env?q=1");
    expect(env.text).toContain("HTTP_X_TEST_HEADER=abc");
    expect(env.text).toContain("PLAIN_SETTING=plain");
    expect(env.text).toContain("API_TOKEN=file-secret-value");
    expect(env.text).toContain("/run/secrets/pcctimg-file=file-secret-value");
    expect(env.text).toContain("uid=1000");
  });

  it("ws-echo: page, health and a WebSocket echo (text, 64-bit length binary, ping)", async () => {
    const ip = await start("ws-echo", images["ws-echo"].pinned);
    await until("ws-echo health", async () => (await get(`http://${ip}:8080/health`)).status === 200);
    expect((await get(`http://${ip}:8080/`)).text).toContain("Hello from PCC test ws-echo");
    const ws = new WebSocket(`ws://${ip}:8080/ws`);
    const received: (string | Buffer)[] = [];
    const pongs: Buffer[] = [];
    ws.on("message", (d, isBinary) => received.push(isBinary ? (d as Buffer) : d.toString()));
    ws.on("pong", (d) => pongs.push(d));
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    const big = Buffer.alloc(70_000, 7);
    ws.send("hello pcc");
    ws.send(big);
    ws.ping(Buffer.from("p1"));
    await until("echoes", async () => received.length === 2 && pongs.length === 1, 10_000);
    expect(received[0]).toBe("hello pcc");
    expect(Buffer.compare(received[1] as Buffer, big)).toBe(0);
    expect(pongs[0]!.toString()).toBe("p1");
    const code = await new Promise<number>((resolve) => {
      ws.once("close", (c) => resolve(c));
      ws.close(1000);
    });
    expect(code).toBe(1000);
  });

  it("kv-store + kv-web: a counter in password-protected redis on a volume", async () => {
    const storeIp = await start("kv-store", images["kv-store"].pinned, ["--env=REDIS_PASSWORD=s3cret-pw", "--volume=pcctimg-kv:/data:U"]);
    const webIp = await start("kv-web", images["kv-web"].pinned, ["--env=REDIS_PASSWORD=s3cret-pw", `--add-host=kv-store:${storeIp}`]);
    const wrongIp = await start("kv-web-wrong", images["kv-web"].pinned, ["--env=REDIS_PASSWORD=wrong", `--add-host=kv-store:${storeIp}`]);
    await until("kv-web health", async () => (await get(`http://${webIp}:8080/health`)).status === 200).catch(async (e) => {
      throw new Error(`${e}\nkv-store: ${await logs("kv-store")}\nkv-web: ${await logs("kv-web")}`);
    });
    expect((await get(`http://${webIp}:8080/count`)).text.trim()).toBe("1");
    expect((await get(`http://${webIp}:8080/count`)).text.trim()).toBe("2");
    const wrong = await until("kv-web (wrong password) up", () => get(`http://${wrongIp}:8080/health`));
    expect(wrong.status).toBe(503);
    expect(wrong.text).toMatch(/WRONGPASS|invalid/i);
    // The data lives on the volume: a new kv-store on it still has the counter. The old one is stopped, not
    // removed: Podman 4.3's `rm` races the cleanup process conmon runs when a container exits and can fail
    // with "userdata/shm: device or resource busy" (containers/podman#11594, closed upstream after Debian
    // 12's 4.3.1), and removal is not what this test is about. (PCC's own removals go through the libpod
    // API, which retries that error: server/adapters/podman/libpod-engine.ts.)
    await fresh.stopContainer("kv-store");
    const storeIp2 = await start("kv-store-2", images["kv-store"].pinned, ["--env=REDIS_PASSWORD=s3cret-pw", "--volume=pcctimg-kv:/data:U"]);
    const webIp2 = await start("kv-web-2", images["kv-web"].pinned, ["--env=REDIS_PASSWORD=s3cret-pw", `--add-host=kv-store:${storeIp2}`]);
    await until("kv-web-2 health", async () => (await get(`http://${webIp2}:8080/health`)).status === 200);
    expect((await get(`http://${webIp2}:8080/count`)).text.trim()).toBe("3");
  });

  it("dns: answers over UDP and TCP on 5353, and on 53 with ip_unprivileged_port_start=0", async () => {
    const ip = await start("dns", images.dns.pinned, ["--env=DNS_RECORDS=extra.pcc.test,198.18.0.43"]);
    const udp = await until("dns over UDP", () => dnsQuery(ip, 5353, "hello.pcc.test"));
    expect(udp.answers.map((a) => a.data)).toEqual(["198.18.0.42"]);
    const tcp = await dnsQuery(ip, 5353, "hello.pcc.test", { tcp: true });
    expect(tcp.answers.map((a) => a.data)).toEqual(["198.18.0.42"]);
    expect((await dnsQuery(ip, 5353, "extra.pcc.test")).answers.map((a) => a.data)).toEqual(["198.18.0.43"]);
    expect((await dnsQuery(ip, 5353, "hello.pcc.test", { type: 16 })).answers.map((a) => a.data)).toEqual(["PCC test DNS"]);
    // No upstream: anything else is refused, never forwarded.
    expect((await dnsQuery(ip, 5353, "example.com")).rcode).toBe(5);

    const ip53 = await start("dns-53", images.dns.pinned, ["--env=DNS_PORT=53", "--sysctl=net.ipv4.ip_unprivileged_port_start=0"]);
    const a53 = await until("dns on 53", () => dnsQuery(ip53, 53, "hello.pcc.test")).catch(async (e) => {
      throw new Error(`${e}\n${await logs("dns-53")}`);
    });
    expect(a53.answers.map((a) => a.data)).toEqual(["198.18.0.42"]);
    expect((await dnsQuery(ip53, 53, "hello.pcc.test", { tcp: true })).answers.map((a) => a.data)).toEqual(["198.18.0.42"]);
    expect(await logs("dns")).toContain("query[A] hello.pcc.test");
  });

  it("tcp-echo: a banner line, then echoes lines", async () => {
    const ip = await start("tcp-echo", images["tcp-echo"].pinned);
    const lines = await until("tcp-echo", () => tcpLines(ip, 7000, ["first", "second"], 3));
    expect(lines).toEqual(["PCC-ECHO", "first", "second"]);
  });

  it("egress-probe: says connected or blocked for a TCP target", async () => {
    const ip = await start("egress-probe", images["egress-probe"].pinned);
    const echoIp = ips["tcp-echo"] ?? (await start("tcp-echo-2", images["tcp-echo"].pinned));
    await until("egress-probe", async () => (await get(`http://${ip}:8080/health`)).status === 200);
    const ok = await until("connected", async () => {
      const r = await get(`http://${ip}:8080/cgi-bin/fetch?host=${echoIp}&port=7000`);
      return r.text.startsWith("connected") && r;
    });
    expect(ok.text.split("\n")[1]).toBe(`tcp ${echoIp}:7000`);
    const closed = await get(`http://${ip}:8080/cgi-bin/fetch?host=${echoIp}&port=7001`);
    expect(closed.text.split("\n")[0]).toBe("blocked");
    expect(closed.text).toContain("refused");
    expect((await get(`http://${ip}:8080/cgi-bin/fetch?host=$(id)&port=1`)).text.split("\n")[0]).toBe("error");
  });

  describe("escape-probes", () => {
    const noArgs = ["raw-socket", "mount", "proc-sys", "keyctl", "ptrace", "bpf", "unshare-user", "mknod", "caps", "pids", "write-root", "uid-map"];
    let udpServer: dgram.Socket;
    let udpPort = 0;

    beforeAll(async () => {
      // A UDP echo on the network's gateway (the host), as the udp probe's target.
      udpServer = dgram.createSocket("udp4");
      udpServer.on("message", (m, rinfo) => udpServer.send(m, rinfo.port, rinfo.address));
      await new Promise<void>((r) => udpServer.bind(0, network.gateway, () => r()));
      udpPort = udpServer.address().port;
    });
    afterAll(() => udpServer?.close());

    const parse = (out: string) => Object.fromEntries(out.trim().split("\n").map((l) => [/^\S+ ([^:]+):/.exec(l)?.[1] ?? l, l]));

    it("every probe can succeed: all PASS against an unprotected target (root, --privileged, no user namespace)", async () => {
      const out = await fresh.text(["run", "--rm", "--privileged", "--init", "--user=0", "--network", network.name, images["escape-probes"].pinned, "probe", "all"], { timeoutMs: 120_000 });
      const r = parse(out);
      for (const p of noArgs) expect(r[p], out).toMatch(/^PASS /);
    });

    it("the hardened sandbox blocks them", async () => {
      const ip = await start("escape-probes", images["escape-probes"].pinned);
      await until("probe server", async () => (await get(`http://${ip}:8080/health`)).status === 200);
      const out = await fresh.text(["exec", "escape-probes", "probe", "all"], { timeoutMs: 120_000 });
      console.log(`escape probes under the hardened flags:\n${out}`);
      const r = parse(out);
      for (const p of ["raw-socket", "mount", "proc-sys", "keyctl", "bpf", "mknod", "caps", "write-root", "uid-map"]) expect(r[p], out).toMatch(/^BLOCKED /);
      expect(r.caps).toContain("CapEff=0000000000000000");
      expect(r.caps).toContain("NoNewPrivs=1");
      expect(r.pids).toMatch(/^BLOCKED pids: stopped after \d+ processes/);
      expect(Number(/after (\d+)/.exec(r.pids!)![1])).toBeLessThan(128);
      expect(r["uid-map"]).not.toMatch(/uid_map \[0 0 /);
      // ptrace (of the container's own init) and unshare-user are reported, not asserted here:
      // they are properties of the sandbox (seccomp profile), which the runtime tests own.

      // Over HTTP too, with the exit code in a header.
      const viaHttp = await get(`http://${ip}:8080/probe/caps`);
      expect(viaHttp.text).toMatch(/^BLOCKED caps:/);
      expect(viaHttp.headers.get("x-probe-exit")).toBe("1");
    });

    it("network probes: PASS to what answers, BLOCKED otherwise", async () => {
      const echoIp = ips["tcp-echo"] ?? ips["tcp-echo-2"];
      expect(echoIp).toBeTruthy();
      const tcp = await fresh.run(["exec", "escape-probes", "probe", "tcp", echoIp!, "7000"], { allowFail: true, timeoutMs: 30_000 });
      expect(tcp.stdout).toMatch(/^PASS tcp: connected to .*PCC-ECHO/);
      expect(tcp.code).toBe(0);
      const refused = await fresh.run(["exec", "escape-probes", "probe", "tcp", echoIp!, "7001"], { allowFail: true, timeoutMs: 30_000 });
      expect(refused.stdout).toMatch(/^BLOCKED tcp: .*refused/);
      expect(refused.code).toBe(1);
      const udp = await fresh.text(["exec", "escape-probes", "probe", "udp", network.gateway, String(udpPort)], { timeoutMs: 30_000 });
      expect(udp).toMatch(/^PASS udp: .*answered/);
    });
  });

  it("variants and moved tags: web:2, a broken web, and web:1 moved to another digest", async () => {
    const v2 = await buildVariant(registry.host, "web", "2", {
      files: { "www/index.html": "<!doctype html><h1>Hello from PCC test web</h1><p>version 2</p>\n" },
    });
    expect(v2.ref).toBe(`${registry.host}/pcc-test/web:2`);
    expect(v2.digest).not.toBe(images.web.digest);
    const broken = await buildVariant(registry.host, "web", "broken", { cmd: ["sleep", "1000000"] });
    expect(new Set([broken.digest, v2.digest, images.web.digest]).size).toBe(3);
    expect((await listTags(registry.host, "pcc-test/web")).sort()).toEqual(["1", "2", "broken"]);

    for (const img of [v2, broken]) await fresh.run(["pull", "--quiet", "--tls-verify=false", img.pinned], { timeoutMs: 120_000 });
    const ip2 = await start("web-v2", v2.pinned);
    expect((await until("web v2", () => get(`http://${ip2}:8080/`))).text).toContain("version 2");
    const ipBroken = await start("web-broken", broken.pinned);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await fresh.text(["inspect", "--format", "{{.State.Status}}", "web-broken"])).toBe("running");
    await expect(get(`http://${ipBroken}:8080/health`)).rejects.toThrow();

    // Upstream moves :1 to the v2 manifest, then back.
    expect(await moveTag(registry.host, "pcc-test/web", "1", v2.digest)).toBe(v2.digest);
    expect(await manifestDigest(registry.host, "pcc-test/web", "1")).toBe(v2.digest);
    await fresh.run(["pull", "--quiet", "--tls-verify=false", images.web.ref], { timeoutMs: 60_000 });
    expect(await fresh.text(["image", "inspect", "--format", "{{.Digest}}", images.web.ref])).toBe(v2.digest);
    await moveTag(registry.host, "pcc-test/web", "1", images.web.digest);
    expect(await manifestDigest(registry.host, "pcc-test/web", "1")).toBe(images.web.digest);
  });
});
