import { CaddyAdmin, type ProxyServer } from "./adapters/caddy/caddy-admin";
import { PrismaAppsRepository } from "./adapters/db/apps-repository";
import { PrismaAuthRepository } from "./adapters/db/auth-repository";
import type { Db } from "./adapters/db/db";
import type { ContainerEngine } from "./adapters/podman/container-engine";
import { LibpodEngine } from "./adapters/podman/libpod-engine";
import type { Config } from "./config";
import type { Logger } from "./logger";
import { AppRuntime } from "./modules/apps/app-runtime";
import { AppsService, manifestOf } from "./modules/apps/apps.service";
import { Catalog } from "./modules/apps/catalog";
import { Reconciler } from "./modules/apps/reconciler";
import { AuthService } from "./modules/auth/auth.service";
import { AppGrants } from "./modules/gateway/app-grants";
import { GatewayFiles, TOKEN_PATTERN } from "./modules/gateway/gateway-files";
import { GatewayService } from "./modules/gateway/gateway.service";
import { IngressForwarder } from "./modules/gateway/ingress-forwarder";
import { ProxyService } from "./modules/proxy/proxy.service";
import { SystemService } from "./modules/system/system.service";
import pkg from "../package.json" with { type: "json" };

export type Services = ReturnType<typeof createServices>;

/** The composition root: adapters in, services out. Tests pass fakes for the adapters. */
export function createServices(
  config: Config,
  db: Db,
  log: Logger,
  adapters: { engine?: ContainerEngine; proxyServer?: ProxyServer } = {},
) {
  const engine = adapters.engine ?? new LibpodEngine(config.paths.podmanSocket);
  const proxyServer = adapters.proxyServer ?? new CaddyAdmin(config.paths.caddyAdminSocket);
  const appsRepo = new PrismaAppsRepository(db);
  const catalog = new Catalog(config.catalogDir);
  const runtime = new AppRuntime(engine, catalog, log);

  const files = new GatewayFiles(config.paths.gateway);
  const grants = new AppGrants(files);
  const gateway: GatewayService = new GatewayService(
    files,
    new IngressForwarder((host) => files.socketPath(host), (host, refresh) => gateway.upstream(host, refresh), log),
    grants,
    async (appId) => {
      const row = await appsRepo.get(appId);
      return row ? runtime.upstream(manifestOf(row)) : null;
    },
    log,
  );
  const gatewaySync = {
    // Today every app has one host: its id.
    sync: async () => {
      const rows = (await appsRepo.list()).filter((r) => r.phase === "installed");
      await gateway.apply(rows.map((r) => ({ host: r.id, appId: r.id, stopped: r.desiredState === "stopped", publicPaths: [] })));
    },
    invalidate: (appId: string) => gateway.invalidate(appId),
  };

  const proxy = new ProxyService(
    proxyServer,
    {
      domain: config.domain,
      httpsPort: config.httpsPort,
      httpPort: config.httpPort,
      bindAddress: config.bindAddress,
      shellOrigin: config.shellOrigin,
      storageDir: config.paths.caddyData,
      adminSocket: config.paths.caddyAdminSocket,
      shellSocket: config.paths.webSocket,
      gateSocket: config.paths.gateSocket,
      gateway: { grants: files.grants, stopped: files.stopped, sockets: files.sockets },
      tokenPattern: TOKEN_PATTERN,
    },
    log,
  );

  const authRepo = new PrismaAuthRepository(db);
  const auth = new AuthService(authRepo, grants, log);
  const apps = new AppsService({ repo: appsRepo, catalog, runtime, engine, grants, gateway: gatewaySync, appUrl: (id) => `${config.appOrigin(id)}/`, log });
  const reconciler = new Reconciler(apps, appsRepo, engine, runtime, gatewaySync, log);
  const system = new SystemService(engine, proxyServer, apps, { version: pkg.version, domain: config.domain, shellUrl: config.shellOrigin });

  /** Restores the gateway's credentials (valid sessions only) before anything is served. */
  const init = async () => {
    await files.init();
    await grants.load(async (sessionId) => (await authRepo.findSession(sessionId)) !== null);
    await gatewaySync.sync();
  };

  return { auth, apps, system, catalog, reconciler, proxy, gateway, grants, engine, proxyServer, init };
}
