/**
 * Cost of PCC's owner-only gateway: the same app behind (b) a bare Caddy reverse_proxy and
 * (c) what PCC does: buildCaddyConfig()'s app route (credential file check, cookie strip) into the
 * app's unix socket, forwarded by PCC's IngressForwarder (in its own process, as in PCC) to the app.
 * Design target: c / b >= 0.85.  Run: node --import tsx bench/app-proxy.bench.ts
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { CaddyAdmin } from "../server/adapters/caddy/caddy-admin";
import { APP_COOKIE, buildCaddyConfig } from "../server/adapters/caddy/caddy-config";
import { randomToken } from "../server/modules/identity/tokens";
import { TOKEN_PATTERN } from "../server/modules/gateway/gateway-files";
import { runBench } from "./run-bench";

const CONNECTIONS = 32;
const WARMUP_S = 2;
const DURATION_S = 5;
// Short alternated pairs rather than two long runs: on a shared 2-core box load drifts
// within seconds, and more b/c pairs spread that drift evenly over both sides.
const PAIRS = 4;
const DEADLINE_MS = 88_000; // the whole run must stay under 90 s, whatever hangs
const DOMAIN = "bench.localhost";
const APP_HOST = `app.${DOMAIN}`;
const BARE_HOST = `bare.${DOMAIN}`;
const LOOPBACK = "127.0.0.1";

// The upstream runs in its own process: in-process it would share one event loop with
// the load generator and the bench would measure Node, not Caddy.
const UPSTREAM_SRC = `
const http = require("node:http");
const body = Buffer.from("<!doctype html><title>bench</title><p>Hello from the upstream.</p>\\n");
let lastCookie = "";
const server = http.createServer((req, res) => {
  if (req.url === "/__last-cookie") return res.end(lastCookie);
  lastCookie = req.headers.cookie ?? "";
  res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-length": body.length });
  res.end(body);
});
server.keepAliveTimeout = 60000;
server.listen(0, "127.0.0.1", () => process.stdout.write(server.address().port + "\\n"));
`;

const state: { tmp?: string; caddy?: ChildProcess; upstream?: ChildProcess; gateway?: ChildProcess; admin?: CaddyAdmin; caddyLog: string; caddyGone?: string } = {
  caddyLog: "",
};

type Res = { status: number; headers: http.IncomingHttpHeaders; body: string };

/** One request to 127.0.0.1 with the given Host/SNI; certificates are Caddy's throwaway internal CA. */
function get(port: number, opts: { tls?: boolean; host?: string; path?: string; cookie?: string } = {}): Promise<Res> {
  const headers: Record<string, string> = { host: opts.host ?? LOOPBACK };
  if (opts.cookie) headers.cookie = opts.cookie;
  const common = { host: LOOPBACK, port, path: opts.path ?? "/", headers, agent: false as const, timeout: 3_000 };
  return new Promise((resolve, reject) => {
    const cb = (res: http.IncomingMessage) => {
      let body = "";
      res.setEncoding("utf8").on("data", (c) => (body += c)).on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    };
    const req = opts.tls
      ? https.request({ ...common, servername: opts.host, rejectUnauthorized: false }, cb)
      : http.request(common, cb);
    req.on("timeout", () => req.destroy(new Error("timeout"))).on("error", reject).end();
  });
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = net.createServer().listen(0, LOOPBACK, () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    if (state.caddyGone) throw new Error(`caddy is gone (${state.caddyGone}) while waiting for ${what}`);
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}

/** Stops a child and waits for it, escalating to SIGKILL so cleanup never hangs. */
function stop(child: ChildProcess | undefined) {
  if (!child || child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const t = setTimeout(() => child.kill("SIGKILL"), 3_000);
    child.once("exit", () => (clearTimeout(t), resolve()));
    child.kill("SIGTERM");
  });
}

type Target = { label: string; url: string; host?: string; cookie?: string };

/** Warm-up, then a measured run; returns mean req/s and fails on any non-2xx or error. */
async function measure(t: Target): Promise<number> {
  const headers: Record<string, string> = {};
  if (t.host) headers.host = t.host;
  if (t.cookie) headers.cookie = t.cookie;
  const opts = { url: t.url, connections: CONNECTIONS, headers, servername: t.host };
  await autocannon({ ...opts, duration: WARMUP_S });
  const r = await autocannon({ ...opts, duration: DURATION_S });
  if (r.non2xx > 0 || r.errors > 0 || r.timeouts > 0) {
    throw new Error(`${t.label}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`);
  }
  const rps = r.requests.total / (r.duration || DURATION_S);
  console.log(`  ${t.label.padEnd(34)} ${rps.toFixed(0).padStart(8)} req/s   p99 ${r.latency.p99} ms`);
  return rps;
}

async function cleanup() {
  await state.admin?.close().catch(() => {});
  await Promise.all([stop(state.caddy), stop(state.upstream), stop(state.gateway)]);
  if (state.tmp) await rm(state.tmp, { recursive: true, force: true });
}

async function main() {
  state.tmp = await mkdtemp(join(tmpdir(), "pcc-bench-"));
  const tmp = state.tmp;

  // 1. Upstream.
  const upstream = spawn(process.execPath, ["-e", UPSTREAM_SRC], { stdio: ["ignore", "pipe", "inherit"] });
  state.upstream = upstream;
  const upstreamPort = await new Promise<number>((resolve, reject) => {
    upstream.stdout!.once("data", (d) => resolve(Number(String(d).trim())));
    upstream.once("exit", (c) => reject(new Error(`upstream exited (${c})`)));
  });
  const dial = `${LOOPBACK}:${upstreamPort}`;

  // 2. Throwaway Caddy with everything (data, CA, config) inside the temp dir.
  const adminSocket = join(tmp, "admin.sock");
  await writeFile(join(tmp, "init.json"), JSON.stringify({ admin: { listen: `unix/${adminSocket}` } }));
  const env = { ...process.env, HOME: tmp, XDG_DATA_HOME: join(tmp, "data"), XDG_CONFIG_HOME: join(tmp, "config") };
  const caddy = spawn("caddy", ["run", "--config", join(tmp, "init.json")], { env, stdio: ["ignore", "ignore", "pipe"] });
  state.caddy = caddy;
  caddy.stderr!.on("data", (d) => (state.caddyLog = (state.caddyLog + d).slice(-4_000)));
  // Fail fast instead of polling a socket nobody will ever open.
  caddy.once("error", (e) => (state.caddyGone = e.message));
  caddy.once("exit", (code, sig) => (state.caddyGone ??= `exited with ${sig ?? code}`));
  const admin = new CaddyAdmin(adminSocket);
  state.admin = admin;
  await waitFor("Caddy admin API", 10_000, async () => ((await admin.ping()) ? true : undefined));

  const [httpsPort, httpPort] = [await freePort(), await freePort()];
  const shellOrigin = `https://${DOMAIN}:${httpsPort}`;
  const gateway = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "gateway-host.ts"), tmp, String(upstreamPort), DOMAIN, shellOrigin], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  state.gateway = gateway;
  const host = await new Promise<{ token: string; gateway: { grants: string; stopped: string; sockets: string; signIn: string }; gateSocket: string }>((resolve, reject) => {
    gateway.stdout!.once("data", (d) => resolve(JSON.parse(String(d))));
    gateway.once("exit", (c) => reject(new Error(`gateway host exited (${c})`)));
  });
  const config = buildCaddyConfig({
    domain: DOMAIN,
    httpsPort,
    httpPort,
    bindAddress: LOOPBACK,
    shellOrigin,
    storageDir: join(tmp, "storage"),
    adminSocket,
    shellSocket: join(tmp, "shell.sock"), // nothing listens: the bench never hits the shell
    gateSocket: host.gateSocket,
    gateway: host.gateway,
    tokenPattern: TOKEN_PATTERN,
    tls: { mode: "internal" },
  });
  // The baseline: same server, same TLS, same cert, only the gate is missing (before the *.domain route).
  const routes = config.apps.http.servers.pcc_https.routes as unknown[];
  routes.splice(1, 0, {
    match: [{ host: [BARE_HOST] }],
    handle: [{ handler: "reverse_proxy", upstreams: [{ dial }] }],
    terminal: true,
  });
  await admin.load(config);

  // The wildcard cert is issued asynchronously after the first /load; poll until both hosts serve.
  const cookie = `theme=dark; ${APP_COOKIE}=${host.token}; lang=en`;
  await waitFor("bare host over HTTPS", 30_000, async () => ((await get(httpsPort, { tls: true, host: BARE_HOST })).status === 200 ? true : undefined));
  await waitFor("app host over HTTPS", 10_000, async () => ((await get(httpsPort, { tls: true, host: APP_HOST, cookie })).status === 200 ? true : undefined));

  // Sanity: the gate is really on, and the credential never reaches the app.
  const anon = await get(httpsPort, { tls: true, host: APP_HOST, cookie: "theme=dark; lang=en" });
  if (anon.status !== 302) throw new Error(`app without cookie: expected 302, got ${anon.status}`);
  const wrong = await get(httpsPort, { tls: true, host: APP_HOST, cookie: `${APP_COOKIE}=${randomToken(32)}` });
  if (wrong.status !== 302) throw new Error(`app with a wrong token: expected 302, got ${wrong.status}`);
  await get(httpsPort, { tls: true, host: APP_HOST, cookie });
  const seen = (await get(upstreamPort, { path: "/__last-cookie" })).body;
  if (seen.includes("pcc_app") || !seen.includes("theme=dark") || !seen.includes("lang=en")) {
    throw new Error(`upstream saw Cookie: ${JSON.stringify(seen)} (expected the other cookies, without ${APP_COOKIE})`);
  }
  console.log(`sanity ok: no cookie -> 302, wrong token -> 302, upstream saw Cookie: ${JSON.stringify(seen)}`);

  // 3. Measure. Direct once; bare and gated alternated so drift (thermal, noisy neighbours) hits both.
  console.log(`\n${CONNECTIONS} connections, ${WARMUP_S} s warm-up + ${DURATION_S} s per run, HTTP/1.1 keep-alive`);
  const direct = await measure({ label: "direct upstream (http)", url: `http://${dial}/` });
  const httpsUrl = `https://${LOOPBACK}:${httpsPort}/`;
  const bare: number[] = [];
  const pcc: number[] = [];
  for (let i = 0; i < PAIRS; i++) {
    bare.push(await measure({ label: `bare reverse_proxy (https) #${i + 1}`, url: httpsUrl, host: BARE_HOST }));
    pcc.push(await measure({ label: `pcc gateway + cookie (https) #${i + 1}`, url: httpsUrl, host: APP_HOST, cookie }));
  }

  // 4. Report.
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const [b, c] = [mean(bare), mean(pcc)];
  const ratio = c / b;
  // Each pair ran back to back, so its own ratio is less exposed to drift than the means are.
  const pairRatios = pcc.map((x, i) => x / bare[i]).sort((x, y) => x - y);
  const median = (pairRatios[(PAIRS - 1) >> 1] + pairRatios[PAIRS >> 1]) / 2;
  const row = (k: string, v: string) => console.log(`  ${k.padEnd(44)} ${v.padStart(10)}`);
  console.log("\nresult (mean req/s)");
  row("(a) direct upstream, http", direct.toFixed(0));
  row("(b) bare Caddy reverse_proxy, https", b.toFixed(0));
  row("(c) PCC gateway (owner-only) + cookie, https", c.toFixed(0));
  row("pcc_app / bare   <- the number that matters", `${ratio.toFixed(3)}x`);
  row("bare / direct    (cost of Caddy + TLS)", `${(b / direct).toFixed(3)}x`);
  console.log(`  per-pair pcc_app / bare: ${pairRatios.map((r) => r.toFixed(3)).join(", ")} (median ${median.toFixed(3)})`);
  console.log(`\ntarget pcc_app / bare >= 0.85: ${ratio >= 0.85 ? "MET" : "NOT MET"}`);
}

runBench({
  main,
  cleanup,
  deadlineMs: DEADLINE_MS,
  onFailure: () => {
    if (state.caddyLog) console.error(`--- caddy stderr (tail) ---\n${state.caddyLog}`);
  },
});
