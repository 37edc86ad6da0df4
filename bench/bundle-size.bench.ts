/**
 * First-load JavaScript of the shell's pages, next to a bare Next page, from the production build.
 *
 *   npx next build && node --import tsx bench/bundle-size.bench.ts
 *
 * Builds nothing: it serves the existing export (out/) as PCC does (server/http/static-shell.ts) on a free loopback port, loads each
 * page in Chromium with an empty cache and sums every script the page fetched until it settled: the
 * HTML's own scripts and the chunks loaded on the way (the desktop's, the auth screen's), but not
 * the noModule polyfill a modern browser skips. The shell's data comes from tRPC, which this server
 * does not serve: the bench answers the few queries a page makes at load with fixed shapes (signed
 * out; signed in with one app), only so the page reaches the state being measured.
 * Sizes are gzip at zlib's default level; kB = 1000 bytes, as Next prints them.
 */
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";
import { chromium, type Browser, type Route } from "@playwright/test";
import { createStaticShell } from "../server/http/static-shell";
import { freePort } from "../tests/helpers/free-port";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BUDGET = 150_000;
const DEADLINE_MS = 120_000;

type Scenario = { name: string; path: string; budget: boolean; trpc?: Record<string, unknown>; ready?: string };

const app = {
  id: "hello",
  name: "Hello",
  version: "1.0.0",
  iconUrl: null,
  status: "running",
  desiredState: "running",
  progress: null,
  percent: null,
  error: null,
  url: "https://hello.bench.invalid/",
  urls: [{ name: "web", url: "https://hello.bench.invalid/" }],
  ports: [],
  grants: { internet: false, lan: false, devices: [], ports: {} },
  services: [],
  installedAt: "2026-01-01T00:00:00.000Z",
};
const signedIn = { claimed: true, signedIn: true, fresh: false, device: null };

const SCENARIOS: Scenario[] = [
  { name: "bare Next page", path: "/bench-bare", budget: false },
  { name: "sign-in", path: "/", budget: true, trpc: { "identity.state": { claimed: true, signedIn: false, fresh: false, device: null } } },
  { name: "desktop", path: "/", budget: true, ready: "[data-testid=dock]", trpc: { "identity.state": signedIn, "apps.list": [app] } },
  // A first visit opens the App Store by itself, so this one includes the store's chunk.
  { name: "desktop, first run", path: "/", budget: false, ready: "[data-testid=store-app-hello]", trpc: { "identity.state": signedIn, "apps.list": [], "apps.catalog": { apps: [catalogEntry()], problems: [] } } },
  { name: "trust guide", path: "/trust", budget: false },
];

function catalogEntry() {
  return {
    id: "hello", name: "Hello", version: "1.0.0", tagline: "A tiny web page", description: "", category: "utilities", developer: "PCC", website: null,
    iconUrl: null, source: "local-build", images: [], permissions: { internet: false, lan: false, devices: [] }, ports: [], settings: [], price: null,
    test: true, installed: false, hasKeptData: false, installError: null,
  };
}

/** Answers a tRPC batch (GET or POST) from the scenario's table; anything else gets a server error, never UNAUTHORIZED. */
async function answerTrpc(route: Route, table: Record<string, unknown>) {
  const url = new URL(route.request().url());
  const procs = decodeURIComponent(url.pathname.replace(/^\/api\/trpc\//, "")).split(",");
  const body = procs.map((p) =>
    p in table
      ? { result: { data: table[p] } }
      : { error: { message: "not part of the bench", code: -32603, data: { code: "INTERNAL_SERVER_ERROR", httpStatus: 500, path: p } } },
  );
  const single = !url.searchParams.has("batch");
  await route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify(single ? body[0] : body) });
}

type Script = { url: string; raw: number; gzip: number };
type Measured = { name: string; files: number; raw: number; gzip: number; budget: boolean; scripts: Script[] };

async function measure(browser: Browser, origin: string, s: Scenario): Promise<Measured> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.route("**/api/trpc/**", (route) => answerTrpc(route, s.trpc ?? {}));
  const scripts: Promise<Script>[] = [];
  page.on("response", (r) => {
    if (r.request().resourceType() !== "script" || !r.url().startsWith(origin)) return;
    scripts.push(
      r.body().then((body) => ({
        url: new URL(r.url()).pathname,
        raw: body.length,
        // zlib's default level; computed here because the browser does
        // not report the wire size of every response, and Next leaves files under 1 kB uncompressed.
        gzip: zlib.gzipSync(body).length,
      })),
    );
  });
  await page.goto(`${origin}${s.path}`, { waitUntil: "networkidle" });
  if (s.ready) await page.locator(s.ready).first().waitFor({ timeout: 20_000 });
  await page.waitForLoadState("networkidle");
  const all = await Promise.all(scripts);
  await context.close();
  return { name: s.name, files: all.length, raw: sum(all.map((x) => x.raw)), gzip: sum(all.map((x) => x.gzip)), budget: s.budget, scripts: all };
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const kb = (n: number) => `${(n / 1000).toFixed(1)} kB`;

/** The export, served by PCC's own static shell server, in this process. */
async function startShell(port: number): Promise<http.Server> {
  const shell = createStaticShell(path.join(ROOT, "out"));
  const server = http.createServer((req, res) => void shell(req, res));
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return server;
}

async function main() {
  if (!fs.existsSync(path.join(ROOT, "out/index.html"))) {
    console.error("No production build: run `npx next build` first.");
    process.exit(2);
  }
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const server = await startShell(port);
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--disable-gpu", "--no-first-run", "--disable-background-networking", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"],
  });
  try {
    const rows: Measured[] = [];
    for (const s of SCENARIOS) rows.push(await measure(browser, origin, s));
    const bare = rows[0]!.gzip;
    console.log(`\nFirst-load JavaScript (build ${fs.readFileSync(path.join(ROOT, ".next/BUILD_ID"), "utf8").trim()}), gzip:\n`);
    console.log(`${"page".padEnd(22)}${"files".padStart(6)}${"raw".padStart(12)}${"gzip".padStart(12)}${"× bare".padStart(9)}${"over bare".padStart(12)}   budget`);
    let over = false;
    for (const r of rows) {
      const verdict = r.budget ? (r.gzip <= BUDGET ? `≤ ${kb(BUDGET)} ok` : `> ${kb(BUDGET)} OVER by ${kb(r.gzip - BUDGET)}`) : "";
      if (r.budget && r.gzip > BUDGET) over = true;
      console.log(
        `${r.name.padEnd(22)}${String(r.files).padStart(6)}${kb(r.raw).padStart(12)}${kb(r.gzip).padStart(12)}${(r.gzip / bare).toFixed(2).padStart(9)}${(r === rows[0] ? "" : `+${kb(r.gzip - bare)}`).padStart(12)}   ${verdict}`,
      );
    }
    console.log(`\nThe bare page is Next's router and React alone: ${((bare / BUDGET) * 100).toFixed(0)}% of the ${kb(BUDGET)} budget.`);
    // What each page adds to the bare one, biggest first, so a regression points at its chunk.
    const base = new Set(rows[0]!.scripts.map((x) => x.url));
    for (const r of rows.slice(1)) {
      const extra = r.scripts.filter((x) => !base.has(x.url)).sort((a, b) => b.gzip - a.gzip);
      if (extra.length) console.log(`  ${r.name}: ${extra.map((x) => `${path.basename(x.url)} ${kb(x.gzip)}`).join(", ")}`);
    }
    process.exitCode = over ? 1 : 0;
  } finally {
    await browser.close();
    server.close();
  }
}

const deadline = setTimeout(() => {
  console.error(`bundle-size bench: no result after ${DEADLINE_MS / 1000} s`);
  process.exit(1);
}, DEADLINE_MS);
deadline.unref();
await main();
