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
import { AppGrants } from "./modules/auth/app-grants";
import { AuthService } from "./modules/auth/auth.service";
import type { ProxyApp } from "./adapters/caddy/caddy-config";
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

  // Grants and the proxy refer to each other through these closures: a new grant reloads Caddy,
  // and a Caddy load reads the current grants.
  const grants: AppGrants = new AppGrants(() => proxy.sync());
  const proxy: ProxyService = new ProxyService(
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
    },
    async (): Promise<ProxyApp[]> => {
      const rows = (await appsRepo.list()).filter((r) => r.phase === "installed");
      return Promise.all(
        rows.map(async (r) => ({ id: r.id, upstream: await runtime.upstream(manifestOf(r)).catch(() => null), tokens: grants.tokensFor(r.id) })),
      );
    },
    log,
  );
  const syncProxy = () => proxy.sync();

  const auth = new AuthService(new PrismaAuthRepository(db), grants, log);
  const apps = new AppsService({ repo: appsRepo, catalog, runtime, engine, grants, syncProxy, appUrl: (id) => `${config.appOrigin(id)}/`, log });
  const reconciler = new Reconciler(apps, appsRepo, engine, runtime, syncProxy, log);
  const system = new SystemService(engine, proxyServer, apps, { version: pkg.version, domain: config.domain, shellUrl: config.shellOrigin });

  return { auth, apps, system, catalog, reconciler, proxy, grants, engine, proxyServer };
}
