import fs from "node:fs/promises";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import type { Config } from "../config";
import type { Logger } from "../logger";
import { SESSION_COOKIE } from "../modules/auth/auth.service";
import { appIdSchema } from "../modules/apps/manifest";
import type { Services } from "../services";
import { appRouter } from "../trpc/app-router";
import type { Context } from "../trpc/context";
import { APP_AUTH_PATH } from "../adapters/caddy/caddy-config";
import { handleGate } from "../modules/gateway/gate";
import { handleAppAuthFinish, handleAppAuthStart } from "./app-auth";
import { readCookie } from "./cookies";

type NextHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * The PCC server's one HTTP entry, on a unix socket that only Caddy (and root) can reach:
 * tRPC, the app sign-in handoff, catalog icons, and the Next shell for everything else.
 */
export function createHttpServer(services: Services, config: Config, log: Logger, next: NextHandler | null) {
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: "/api/trpc/",
    createContext: async ({ req, res }): Promise<Context> => ({
      services,
      log,
      session: await services.auth.validate(readCookie(req.headers.cookie, SESSION_COOKIE)),
      setCookie: (c) => res.appendHeader("Set-Cookie", c),
    }),
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
    if (path === "/_pcc/health") return void res.end("ok");
    const icon = /^\/_pcc\/icons\/([^/]+)\.svg$/.exec(path);
    if (icon) return serveIcon(res, services, icon[1]!);
    if (next) return next(req, res);
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
