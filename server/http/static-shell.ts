import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import zlib from "node:zlib";
import { NONCE_PLACEHOLDER, shellCsp } from "../../web/lib/csp";

/**
 * Serves the shell from Next's static export (`out/`, built by `next build` with `output: "export"`).
 * The shell is one client-rendered page over tRPC, so no Next server needs to run in PCC's process (about
 * 45 MB of idle memory, bench/idle-memory). Each page is a template: the export writes a placeholder
 * where the CSP nonce goes, and every response gets a fresh nonce in both the page and its
 * Content-Security-Policy, as Next's own per-request rendering did.
 */
export type StaticShellHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".webmanifest": "application/manifest+json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};
const COMPRESSIBLE = new Set([".html", ".js", ".css", ".json", ".webmanifest", ".svg", ".txt"]);
/** Pages by URL: the export writes `trust.html` for /trust (trailingSlash off). */
const PAGE_FILE = (urlPath: string) => (urlPath === "/" ? "index.html" : `${urlPath.slice(1)}.html`);

type Asset = { file: string; size: number; etag: string; type: string; compressible: boolean; headers: Record<string, string> };

const BASE_HEADERS = { "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin" };

export function createStaticShell(outDir: string): StaticShellHandler {
  if (!fs.existsSync(path.join(outDir, "index.html"))) {
    throw new Error(`The shell is not built (no ${path.join(outDir, "index.html")}): ./pcc start builds it with next build.`);
  }
  const root = fs.realpathSync(outDir);
  const pages = new Map<string, string>();
  const assets = new Map<string, Asset>();
  for (const file of listFiles(root)) {
    const rel = `/${path.relative(root, file).split(path.sep).join("/")}`;
    const ext = path.extname(file);
    if (ext === ".html" && rel !== "/offline.html") {
      pages.set(rel, fs.readFileSync(file, "utf8"));
      continue;
    }
    const st = fs.statSync(file);
    assets.set(rel, {
      file,
      size: st.size,
      etag: `W/"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`,
      type: TYPES[ext] ?? "application/octet-stream",
      compressible: COMPRESSIBLE.has(ext) && st.size > 512,
      headers: assetHeaders(rel, file),
    });
  }
  // Compressed once, the first time a browser asks: a phone's first load is a few hundred kB of the export.
  const gzipped = new Map<string, Buffer>();
  const notFound = pages.get("/404.html") ?? "<!doctype html><title>Not found</title><p>There is no such page.";

  return async (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { Allow: "GET, HEAD", ...BASE_HEADERS }).end();
      return;
    }
    const urlPath = safePath(req.url ?? "/");
    const asset = urlPath && assets.get(urlPath);
    if (asset) return sendAsset(req, res, asset, gzipped);
    const page = urlPath && !urlPath.endsWith(".html") && urlPath !== "/404" ? pages.get(`/${PAGE_FILE(urlPath)}`) : undefined;
    return sendPage(req, res, page ?? notFound, page ? 200 : 404);
  };
}

/** The request's path, decoded and normalized, or null for one that is not a plain path inside the shell. */
function safePath(url: string): string | null {
  const raw = url.split("?")[0] ?? "/";
  let p: string;
  try {
    p = decodeURIComponent(raw);
  } catch {
    return null;
  }
  if (!p.startsWith("/") || p.includes("\0") || p.includes("\\")) return null;
  const normal = path.posix.normalize(p);
  return normal === p && !p.split("/").includes("..") ? p : null;
}

function sendPage(req: IncomingMessage, res: ServerResponse, template: string, status: number) {
  const nonce = randomBytes(18).toString("base64");
  const html = template.split(NONCE_PLACEHOLDER).join(nonce);
  const host = typeof req.headers.host === "string" ? req.headers.host : null;
  const gz = wantsGzip(req);
  const body = gz ? zlib.gzipSync(html) : Buffer.from(html);
  res.writeHead(status, {
    ...BASE_HEADERS,
    "Content-Type": TYPES[".html"]!,
    "Content-Security-Policy": shellCsp(nonce, host),
    // A page carries its own nonce: never cached, never served twice.
    "Cache-Control": "private, no-cache, no-store, max-age=0, must-revalidate",
    Vary: "Accept-Encoding",
    ...(gz ? { "Content-Encoding": "gzip" } : {}),
    "Content-Length": String(body.length),
  });
  res.end(req.method === "HEAD" ? undefined : body);
}

async function sendAsset(req: IncomingMessage, res: ServerResponse, a: Asset, gzipped: Map<string, Buffer>) {
  const headers: Record<string, string> = { ...BASE_HEADERS, "Content-Type": a.type, ...a.headers, ETag: a.etag };
  if (a.compressible) headers.Vary = "Accept-Encoding";
  if (req.headers["if-none-match"] === a.etag) {
    res.writeHead(304, headers).end();
    return;
  }
  let body: Buffer;
  try {
    body = await fs.promises.readFile(a.file);
    if (a.compressible && wantsGzip(req)) {
      let gz = gzipped.get(a.file);
      if (!gz) gzipped.set(a.file, (gz = zlib.gzipSync(body, { level: 9 })));
      body = gz;
      headers["Content-Encoding"] = "gzip";
    }
  } catch {
    // The export was replaced under a running PCC (a rebuild): the next start serves the new one.
    res.writeHead(404, BASE_HEADERS).end();
    return;
  }
  headers["Content-Length"] = String(body.length);
  res.writeHead(200, headers);
  res.end(req.method === "HEAD" ? undefined : body);
}

function wantsGzip(req: IncomingMessage) {
  return /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""));
}

function assetHeaders(rel: string, file: string): Record<string, string> {
  // Next's hashed files never change under the same name.
  if (rel.startsWith("/_next/static/")) return { "Cache-Control": "public, max-age=31536000, immutable", "Content-Security-Policy": "frame-ancestors 'self'" };
  // A new service worker must reach browsers at the next visit, not when some cache expires.
  if (rel === "/sw.js") return { "Cache-Control": "no-cache", "Content-Security-Policy": "frame-ancestors 'self'" };
  if (rel === "/offline.html") return { "Cache-Control": "no-cache", "Content-Security-Policy": offlinePageCsp(fs.readFileSync(file, "utf8")) };
  return { "Cache-Control": "public, max-age=0, must-revalidate", "Content-Security-Policy": "frame-ancestors 'self'" };
}

/**
 * The offline page (served by the service worker when the PCC is unreachable) is a static file with one
 * inline script: allowed by its hash rather than a nonce, so a cached copy keeps working. Computed from
 * the file itself, so an edit can never break it unnoticed.
 */
export function offlinePageCsp(html: string) {
  const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => `'sha256-${createHash("sha256").update(m[1] ?? "").digest("base64")}'`);
  return `default-src 'self'; script-src ${scripts.join(" ")}; style-src 'unsafe-inline'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'`;
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    // Only regular files of the export itself; a symlink could lead anywhere.
    if (e.isDirectory()) out.push(...listFiles(full));
    else if (e.isFile()) out.push(full);
  }
  return out;
}
