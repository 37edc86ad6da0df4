import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startRegistry, type Registry } from "./registry";
import { ensureTestImages, type TestImages } from "./test-images";
import { writeApp } from "./test-catalog";

/**
 * The offline test apps, written as a catalog whose images live in a real registry on this machine:
 * kv (web + store, a shared generated secret, health-gated), dns (UDP/TCP), echo (TCP), ws (WebSocket),
 * files (a secret as a file), probe (asks for the internet), escape (the sandbox probes).
 */
export async function testAppCatalog(ports: { dns: number; echo: number }): Promise<{ registry: Registry; images: TestImages; dir: string; cleanup(): Promise<void> }> {
  const registry = await startRegistry();
  const images = await ensureTestImages(registry.host);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pcc-test-apps-"));
  const tcp = (port: number) => ({ tcp: { port }, interval: "1s", timeout: "1s", retries: 3, startPeriod: "20s" });
  const http = (port: number, p = "/health") => ({ http: { port, path: p }, interval: "1s", timeout: "1s", retries: 3, startPeriod: "20s" });
  writeApp(dir, "kv", {
    services: {
      web: {
        image: images["kv-web"].pinned,
        env: { REDIS_HOST: "${services.store.host}", REDIS_PASSWORD: "${secrets.redis-password}" },
        healthcheck: http(8080),
        dependsOn: { store: { condition: "healthy" } },
      },
      store: { image: images["kv-store"].pinned, env: { REDIS_PASSWORD: "${secrets.redis-password}" }, volumes: [{ volume: "data", path: "/data" }], healthcheck: tcp(6379) },
    },
    ingress: [{ service: "web", port: 8080 }],
    volumes: { data: {} },
    secrets: { "redis-password": { length: 32 } },
  });
  writeApp(dir, "dns", {
    services: { dns: { image: images.dns.pinned, env: { DNS_PORT: "53" }, healthcheck: tcp(53) } },
    ports: [
      { name: "dns", service: "dns", containerPort: 53, protocol: "udp", hostPort: ports.dns, description: "Answers DNS queries" },
      { name: "dns-tcp", service: "dns", containerPort: 53, protocol: "tcp", hostPort: ports.dns, description: "Answers DNS queries over TCP" },
    ],
  });
  writeApp(dir, "echo", {
    services: { echo: { image: images["tcp-echo"].pinned, healthcheck: tcp(7000) } },
    ports: [{ name: "echo", service: "echo", containerPort: 7000, protocol: "tcp", hostPort: ports.echo, description: "The echo service" }],
  });
  writeApp(dir, "ws", { services: { web: { image: images["ws-echo"].pinned, healthcheck: http(8080) } }, ingress: [{ service: "web", port: 8080 }] });
  writeApp(dir, "files", {
    services: { web: { image: images.web.pinned, secretFiles: [{ secret: "token", path: "/run/secrets/token" }], healthcheck: http(8080, "/") } },
    ingress: [{ service: "web", port: 8080 }],
    secrets: { token: { length: 40, alphabet: "hex" } },
  });
  writeApp(dir, "probe", {
    services: { web: { image: images["egress-probe"].pinned } },
    ingress: [{ service: "web", port: 8080 }],
    permissions: { internet: true },
  });
  writeApp(dir, "escape", { services: { web: { image: images["escape-probes"].pinned } }, ingress: [{ service: "web", port: 8080 }] });
  writeApp(dir, "chatty", chattySpec(images));
  return {
    registry,
    images,
    dir,
    async cleanup() {
      await registry.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * chatty (the logs tests): the web image's busybox httpd, whose command first prints its generated
 * secret on stdout and on stderr (as careless apps do), then a numbered tick with the secret every
 * second, writes a 1 MiB file to its volume (for the disk figure), and serves / on 8080.
 */
export function chattySpec(images: TestImages) {
  const script = [
    'echo "chatty: starting with token=$CHATTY_TOKEN"',
    'echo "chatty: on stderr token=$CHATTY_TOKEN" >&2',
    "head -c 1048576 /dev/zero > /data/blob",
    '(i=0; while :; do i=$((i+1)); echo "chatty: tick $i token=$CHATTY_TOKEN"; sleep 1; done) &',
    "exec httpd -f -v -p 8080 -h /www",
  ].join("\n");
  return {
    services: {
      web: {
        image: images.web.pinned,
        command: ["sh", "-c", script],
        // Root of the app's own user namespace (no capabilities): a fresh volume belongs to it.
        user: "0:0",
        env: { CHATTY_TOKEN: "${secrets.token}" },
        volumes: [{ volume: "data", path: "/data" }],
        healthcheck: { http: { port: 8080, path: "/health" }, interval: "1s", timeout: "1s", retries: 3, startPeriod: "20s" },
      },
    },
    ingress: [{ service: "web", port: 8080 }],
    volumes: { data: {} },
    secrets: { token: { length: 32 } },
  };
}
