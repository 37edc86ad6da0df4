import type { IncomingMessage, ServerResponse } from "node:http";
import { HOST_LABEL } from "./gateway-files";

export type GateHost = { appId: string; publicPaths: string[] };

// Only plain, unambiguous paths can be public: an app may normalise "/share/../admin" or an
// encoded slash differently than this check does, so any such path needs the owner.
const AMBIGUOUS = /(^|\/)\.\.?(\/|$)|%2e|%2f|%5c|\\|\/\//i;

/** True if `path` equals a public prefix or lies below it, segment-wise ("/share" covers "/share/x", not "/shared"). */
export function isPublicPath(publicPaths: string[], rawPath: string): boolean {
  if (AMBIGUOUS.test(rawPath)) return false;
  return publicPaths.some((p) => {
    const prefix = p.endsWith("/") ? p.slice(0, -1) : p;
    return rawPath === prefix || rawPath.startsWith(`${prefix}/`) || (prefix === "" && rawPath.startsWith("/"));
  });
}

export const notFoundPage = (title: string, text: string) =>
  `<!doctype html><meta name=viewport content="width=device-width"><title>${title}</title>` +
  `<body style="font:16px system-ui;display:grid;place-items:center;height:90vh;color:#334"><div><h1>${title}</h1><p>${text}</p></div>`;

/**
 * Caddy asks here about a request to an app host that carries no valid app credential (it checks
 * credentials itself). Headers X-Pcc-Host/-Uri/-Method are set by Caddy, overwriting any client copy.
 * 204: public path, Caddy proxies it. Otherwise Caddy returns this answer to the client.
 */
export function handleGate(req: IncomingMessage, res: ServerResponse, opts: { domain: string; shellOrigin: string; lookup: (host: string) => GateHost | null }) {
  const hostHeader = String(req.headers["x-pcc-host"] ?? "").toLowerCase().replace(/:\d+$/, "");
  const suffix = `.${opts.domain}`;
  const host = hostHeader.endsWith(suffix) ? hostHeader.slice(0, -suffix.length) : "";
  const uri = String(req.headers["x-pcc-uri"] ?? "/");
  const method = String(req.headers["x-pcc-method"] ?? "GET");
  const app = HOST_LABEL.test(host) ? opts.lookup(host) : null;
  res.setHeader("Cache-Control", "no-store");
  if (!app) {
    res.statusCode = 404;
    res.setHeader("Content-Type", "text/html; charset=utf-8");
    return res.end(notFoundPage("Not found", "No app lives at this address."));
  }
  if (isPublicPath(app.publicPaths, uri.split("?")[0] ?? "/")) {
    res.statusCode = 204;
    return res.end();
  }
  // Browsers navigating are sent through the shell to get a credential; anything else is refused.
  if (method === "GET" || method === "HEAD") {
    res.statusCode = 302;
    res.setHeader("Location", `${opts.shellOrigin}/_pcc/app-auth/${host}${uri.startsWith("/") ? uri : "/"}`);
    return res.end();
  }
  res.statusCode = 401;
  res.setHeader("Content-Type", "text/plain; charset=utf-8");
  res.end("Sign in to your PCC to use this app.\n");
}

/**
 * Caddy's on-demand TLS asks here before getting a certificate for a name (public-CA mode): yes for the
 * shell and the hosts of installed apps, no for anything else, so nobody can make it request certificates
 * for made-up subdomains (and exhaust the CA's rate limits).
 */
export function handleCertificateAsk(req: IncomingMessage, res: ServerResponse, opts: { domain: string; lookup: (host: string) => GateHost | null }) {
  const name = (new URL(req.url ?? "/", "http://x").searchParams.get("domain") ?? "").toLowerCase();
  const suffix = `.${opts.domain}`;
  const label = name.endsWith(suffix) ? name.slice(0, -suffix.length) : "";
  const ok = name === opts.domain || (HOST_LABEL.test(label) && opts.lookup(label) !== null);
  res.statusCode = ok ? 200 : 403;
  res.end();
}
