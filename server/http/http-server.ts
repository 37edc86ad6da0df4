import fs from "node:fs/promises";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import nodePath from "node:path";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import type { Config } from "../config";
import type { Logger } from "../logger";
import { bindBrowser, BROWSER_COOKIE, SESSION_COOKIE } from "../modules/identity/sessions";
import { appIdSchema } from "../modules/apps/app-id";
import type { Services } from "../services";
import { appRouter } from "../trpc/app-router";
import type { Context } from "../trpc/context";
import { APP_AUTH_PATH } from "../adapters/caddy/caddy-config";
import { handleCertificateAsk, handleGate } from "../modules/gateway/gate";
import { handleAppAuthFinish, handleAppAuthStart } from "./app-auth";
import { clientInfo } from "./client-info";
import { serveCard } from "./public-card";
import { CARD_PATH } from "../modules/contacts/card.schema";
import { readCookie } from "./cookies";
import { isIssuerPath } from "../modules/oidc/oidc-client";

type ShellHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * The PCC server's one HTTP entry, on a unix socket that only Caddy (and root) can reach:
 * tRPC, the app sign-in handoff, catalog icons, and the Next shell for everything else.
 */
export function createHttpServer(services: Services, config: Config, log: Logger, shell: ShellHandler | null) {
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: "/api/trpc/",
    createContext: async ({ req, res }): Promise<Context> => {
      const client = clientInfo(req);
      const valid = await services.identity.sessions.validate(readCookie(req.headers.cookie, SESSION_COOKIE), client);
      // Sliding expiry: a renewed session re-sends its cookie, so the browser keeps it as long as the server does.
      if (valid?.cookie) res.appendHeader("Set-Cookie", valid.cookie);
      let binding: string | null = null;
      return {
        services,
        log,
        session: valid?.session ?? null,
        client,
        bindBrowser: () => {
          if (binding) return binding;
          const b = bindBrowser(readCookie(req.headers.cookie, BROWSER_COOKIE));
          if (b.cookie) res.appendHeader("Set-Cookie", b.cookie);
          return (binding = b.binding);
        },
        setCookie: (c) => res.appendHeader("Set-Cookie", c),
      };
    },
  });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    if (path === APP_AUTH_PATH) return handleAppAuthFinish(req, res, services, config);
    if (path.startsWith("/api/trpc/")) {
      // Apps are same-site with the shell, so SameSite cookies alone do not stop a malicious app from
      // posting here: mutations must come from the shell's own origin.
      if (req.method !== "GET" && req.headers.origin !== config.shellOrigin) {
        res.statusCode = 403;
        return res.end("Cross-origin request refused.");
      }
      return trpc(req, res);
    }
    if (path.startsWith("/_pcc/app-auth/")) return handleAppAuthStart(req, res, services, config);
    if (isIssuerPath(path)) return services.oidc.handleShell(req, res);
    if (path === "/_pcc/health") return void res.end("ok");
    if (path === CARD_PATH) return serveCard(req, res, services);
    if (path === "/_pcc/root.crt") return serveRootCertificate(res, config);
    const icon = /^\/_pcc\/icons\/([^/]+)\.svg$/.exec(path);
    if (icon) return serveIcon(res, services, icon[1]!);
    const shot = /^\/_pcc\/screenshots\/([^/]+)\/(\d)$/.exec(path);
    if (shot) return serveScreenshot(res, services, shot[1]!, Number(shot[2]));
    if (shell) return shell(req, res);
    res.statusCode = 404;
    res.end("The shell is not built into this server.");
  };

  return http.createServer((req, res) => {
    handle(req, res).catch((err) => {
      log.error({ err, url: req.url?.split("?")[0] }, "request failed");
      if (!res.headersSent) res.statusCode = 500;
      res.end();
    });
  });
}

async function serveIcon(res: ServerResponse, services: Services, id: string) {
  const file = appIdSchema.safeParse(id).success ? await services.catalog.iconPath(id) : null;
  const body = file ? await fs.readFile(file).catch(() => null) : null;
  if (!body) {
    res.statusCode = 404;
    return res.end();
  }
  res.setHeader("Content-Type", "image/svg+xml");
  // An SVG can carry script: served sandboxed so a catalog icon can never act as the shell.
  res.setHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox");
  res.setHeader("Cache-Control", "public, max-age=3600");
  res.end(body);
}

const SCREENSHOT_TYPES: Record<string, string> = { ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp" };

/**
 * The n-th screenshot (0-based) an app's spec lists, for the store: only a file the spec names, inside
 * the app's folder once symlinks are resolved, a plain file of at most 8 MiB; sandboxed like icons.
 */
async function serveScreenshot(res: ServerResponse, services: Services, id: string, n: number) {
  const entry = appIdSchema.safeParse(id).success ? await services.catalog.find(id) : null;
  const rel = entry?.spec.screenshots[n];
  const type = rel ? SCREENSHOT_TYPES[nodePath.extname(rel).toLowerCase()] : undefined;
  const body = entry && rel && type ? await readInside(entry.dir, rel, 8 * 1024 * 1024) : null;
  if (!body) {
    res.statusCode = 404;
    return res.end();
  }
  res.setHeader("Content-Type", type!);
  res.setHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox");
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Cache-Control", "public, max-age=3600");
  res.end(body);
}

async function readInside(dir: string, rel: string, maxBytes: number): Promise<Buffer | null> {
  try {
    const [root, file] = await Promise.all([fs.realpath(dir), fs.realpath(nodePath.join(dir, rel))]);
    if (!file.startsWith(root + nodePath.sep)) return null;
    const st = await fs.stat(file);
    return st.isFile() && st.size <= maxBytes ? await fs.readFile(file) : null;
  } catch {
    return null;
  }
}

/** The gate Caddy consults for app requests without a credential; on its own socket, never public. */
export function createGateServer(services: Services, config: Config, log: Logger) {
  const opts = { domain: config.domain, shellOrigin: config.shellOrigin, lookup: (host: string) => services.gateway.lookup(host) };
  return http.createServer((req, res) => {
    try {
      handleGate(req, res, opts);
    } catch (err) {
      log.warn({ err }, "gate request failed");
      if (!res.headersSent) res.statusCode = 400;
      res.end();
    }
  });
}

/** The public certificate of Caddy's internal CA, for the trust guide (/trust): devices install it once. */
async function serveRootCertificate(res: ServerResponse, config: Config) {
  const body = await fs.readFile(`${config.paths.caddyData}/pki/authorities/local/root.crt`).catch(() => null);
  if (!body) {
    res.statusCode = 404;
    return res.end("The certificate authority is not ready yet.");
  }
  // iOS installs a profile from this type; other systems accept it too.
  res.setHeader("Content-Type", "application/x-x509-ca-cert");
  res.setHeader("Content-Disposition", 'attachment; filename="pcc-root.crt"');
  res.setHeader("Cache-Control", "no-cache");
  res.end(body);
}

/** Caddy's on-demand TLS asks here (127.0.0.1 only) whether a name may get a public certificate. */
export function createCertificateAskServer(services: Services, config: Config) {
  return http.createServer((req, res) => handleCertificateAsk(req, res, { domain: config.domain, lookup: (host) => services.gateway.lookup(host) }));
}
