import fs from "node:fs";
import { CaddyAdmin, type ProxyServer } from "./adapters/caddy/caddy-admin";
import { PrismaAppsRepository } from "./adapters/db/apps-repository";
import { PrismaUpdatesRepository } from "./adapters/db/updates-repository";
import { parseImageRef, RegistryClient } from "./adapters/registry/registry-client";
import { Snapshots } from "./modules/updates/snapshots";
import { Updater } from "./modules/updates/updater";
import { UpdatesService } from "./modules/updates/updates.service";
import { PrismaAuditRepository } from "./adapters/db/audit-repository";
import { PrismaCatalogSourcesRepository } from "./adapters/db/catalog-sources-repository";
import { PrismaIdentityRepository } from "./adapters/db/identity-repository";
import { PrismaPushRepository } from "./adapters/db/push-repository";
import { PrismaContactsRepository } from "./adapters/db/contacts-repository";
import { HttpsCardFetcher } from "./modules/contacts/card-fetch";
import { ContactsService } from "./modules/contacts/contacts.service";
import type { Db } from "./adapters/db/db";
import type { ContainerEngine } from "./adapters/podman/container-engine";
import { LibpodEngine } from "./adapters/podman/libpod-engine";
import type { ContainerObserver } from "./adapters/podman/container-observer";
import { LibpodObserver } from "./adapters/podman/libpod-observe";
import { withSeccompProfile, writeSeccompProfile } from "./adapters/podman/seccomp-profile";
import type { Config } from "./config";
import type { Logger } from "./logger";
import { NftFirewall } from "./adapters/firewall/nft-firewall";
import { EventBus } from "./events";
import { coalesce } from "./lib/coalesce";
import { AppInstaller } from "./modules/apps/app-installer";
import { isBroken, readRecord, type AppRecord } from "./modules/apps/app-record";
import { AppsService } from "./modules/apps/apps.service";
import { Reconciler } from "./modules/apps/reconciler";
import { Catalog } from "./modules/catalog/catalog";
import { SourcesService } from "./modules/catalog/sources.service";
import { AppRuntime } from "./modules/runtime/app-runtime";
import { HealthMonitor } from "./modules/runtime/health-monitor";
import { ImageStore } from "./modules/runtime/image-store";
import { AppObserve } from "./modules/runtime/observe/app-observe";
import { SecretBox } from "./modules/secrets/secret-box";
import { AuditService } from "./modules/audit/audit.service";
import { IdentityService } from "./modules/identity/identity.service";
import { AppGrants } from "./modules/gateway/app-grants";
import { GatewayFiles, TOKEN_PATTERN } from "./modules/gateway/gateway-files";
import { GatewayService } from "./modules/gateway/gateway.service";
import { IngressForwarder, type Upstream } from "./modules/gateway/ingress-forwarder";
import { instanceTag } from "./lib/instance-tag";
import { NotificationsService } from "./modules/notifications/notifications.service";
import { Notifier } from "./modules/notifications/notifier";
import { WebPushSender } from "./modules/notifications/push-sender";
import { VapidKeys, vapidSubject } from "./modules/notifications/vapid-keys";
import { ProxyService } from "./modules/proxy/proxy.service";
import { SystemService } from "./modules/system/system.service";
import { readHost } from "./modules/system/host-metrics";
import { UsageHistory } from "./modules/system/usage-history";
import { PrismaOidcRepository } from "./adapters/db/oidc-repository";
import { needsGatewayListeners, OidcBackChannel } from "./modules/oidc/oidc-back-channel";
import { gatewayOf, usesOidc } from "./modules/oidc/oidc-client";
import { installedAppWithSecrets, OidcService } from "./modules/oidc/oidc.service";
import { SESSION_COOKIE } from "./modules/identity/sessions";
import { clientInfo } from "./http/client-info";
import { readCookie } from "./http/cookies";
import pkg from "../package.json" with { type: "json" };

export type Services = ReturnType<typeof createServices>;

/** The composition root: adapters in, services out. Tests pass fakes for the adapters. */
export function createServices(
  config: Config,
  db: Db,
  log: Logger,
  adapters: { engine?: ContainerEngine; proxyServer?: ProxyServer; caddyGid?: number; observer?: ContainerObserver } = {},
) {
  // Every app container gets PCC's seccomp profile, rebuilt from Podman's default at each start.
  const engine = adapters.engine ?? withSeccompProfile(new LibpodEngine(config.paths.podmanSocket), writeSeccompProfile(config.paths.etc));
  const proxyServer = adapters.proxyServer ?? new CaddyAdmin(config.paths.caddyAdminSocket);
  const appsRepo = new PrismaAppsRepository(db);
  const updatesRepo = new PrismaUpdatesRepository(db);
  // The built-in catalog and the sources the owner added; an app id belongs to the first that has it.
  const sources: SourcesService = new SourcesService({
    repo: new PrismaCatalogSourcesRepository(db),
    cacheDir: config.paths.catalogSources,
    builtInIds: () => catalog.builtInIds(),
    extraCa: config.sourcesExtraCa ? readExtraCa(config.sourcesExtraCa, "PCC_SOURCES_EXTRA_CA") : null,
    audit: { record: (e) => audit.record(e) },
    log,
  });
  const catalog = new Catalog(config.catalogDir, config.showTestApps, sources);
  const events = new EventBus();
  const box = SecretBox.open(config.paths.secretsKey);
  const appHost = (subdomain: string) => new URL(config.appOrigin(subdomain)).host;
  const runtime = new AppRuntime(engine, log, undefined, appHost);
  const records = async () => (await appsRepo.list()).map(readRecord);
  const readable = async () => (await records()).filter((r): r is AppRecord => !isBroken(r));

  // PCC as the OpenID Connect provider of its apps: clients are derived from installed apps' records.
  const oidc: OidcService = new OidcService({
    shellOrigin: config.shellOrigin,
    domain: config.domain,
    keysFile: config.paths.oidcKeys,
    // With Caddy's own CA, apps must be handed its certificate to verify the issuer; a public CA needs nothing.
    caFile: config.tls === "internal" ? `${config.paths.caddyData}/pki/authorities/local/root.crt` : null,
    appOrigin: (subdomain) => config.appOrigin(subdomain),
    repo: new PrismaOidcRepository(db),
    box,
    app: installedAppWithSecrets(appsRepo, box),
    ownerSession: async (req) => {
      const valid = await identity.sessions.validate(readCookie(req.headers.cookie, SESSION_COOKIE), clientInfo(req));
      return valid ? { id: valid.session.id, cookie: valid.cookie } : null;
    },
    log,
  });
  const backChannel = new OidcBackChannel({
    port: config.httpsPort,
    caddyData: config.paths.caddyData,
    domain: config.domain,
    handler: (req, res) => oidc.handleBackChannel(req, res),
    log,
  });

  const firewall = new NftFirewall({ instanceId: config.dataDir, log });
  // Rules for every app with a network, installing ones included: they apply before its containers run.
  // Coalesced: apps converging together (50 at boot) share syncs instead of queueing one each.
  const syncFirewall = coalesce(async () => {
    const apps = (await readable()).map((r) => ({
      appId: r.row.id,
      bridge: r.row.bridge,
      subnet: r.row.subnet,
      egress: r.grants.internet === false ? ("none" as const) : r.grants.internet === true ? ("all" as const) : { hosts: r.grants.internet.hosts },
      lan: r.grants.lan,
      issuerPort: usesOidc(r.spec) ? config.httpsPort : null,
    }));
    const { unresolved } = await firewall.apply(apps);
    for (const u of unresolved) log.warn(u, "an app's allowed host has no usable address");
    // After the firewall, so the port opens to exactly the apps it lets through.
    if (needsGatewayListeners(config.bindAddress)) await backChannel.sync(apps.filter((a) => a.issuerPort).map((a) => gatewayOf(a.subnet)));
  });

  const files = new GatewayFiles(config.paths.gateway, adapters.caddyGid);
  const grants = new AppGrants(files);
  const gateway: GatewayService = new GatewayService(
    files,
    new IngressForwarder((host) => files.socketPath(host), (host, refresh) => gateway.upstream(host, refresh), log, (file) => files.shareSocket(file)),
    grants,
    async (appId, host) => {
      const row = await appsRepo.get(appId);
      const rec = row ? readRecord(row) : null;
      const ingress = rec && !isBroken(rec) ? rec.spec.ingress.find((g) => g.subdomain === host) : null;
      return rec && !isBroken(rec) && ingress ? runtime.upstream(rec.spec, rec.resources, ingress.name) : null;
    },
    log,
  );
  const gatewaySync = {
    // One host per ingress of every installed app, and of every app being installed (its host shows the
    // "starting" page until it answers; the owner can sign in to it meanwhile).
    sync: async () => {
      const installed = (await readable()).filter((r) => r.row.phase === "installed" || r.row.phase === "installing");
      await gateway.apply(
        installed.flatMap((r) =>
          r.spec.ingress.map((g) => ({
            host: g.subdomain,
            appId: r.row.id,
            stopped: r.row.desiredState === "stopped",
            publicPaths: g.public,
            signInHeader: g.auth.method === "header" ? g.auth.header : null,
          })),
        ),
      );
    },
    invalidate: (appId: string, answering?: Record<string, Upstream>) => gateway.invalidate(appId, answering),
  };
  const health = new HealthMonitor(engine, events, log, (appId) => gateway.invalidate(appId), appHost);
  const registry = new RegistryClient(config.insecureRegistries);
  const installer = new AppInstaller({
    repo: appsRepo,
    runtime,
    images: new ImageStore(engine, config.paths.podmanRoot, log, undefined, (ref) => registry.layerSizes(parseImageRef(ref))),
    box,
    events,
    catalogEntry: (id) => catalog.find(id),
    ingressUrl: (subdomain) => config.appOrigin(subdomain),
    hostIp: config.bindAddress,
    syncFirewall,
    oidc: (rec, secrets) => oidc.appContext(rec, secrets),
    log,
  });

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
      gateway: { grants: files.grants, stopped: files.stopped, sockets: files.sockets, signIn: files.signIn },
      tokenPattern: TOKEN_PATTERN,
      tls: config.tls === "acme" ? { mode: "acme", email: config.acmeEmail, askUrl: "" } : { mode: "internal" },
    },
    log,
  );

  const audit = new AuditService(new PrismaAuditRepository(db), log);
  const identityRepo = new PrismaIdentityRepository(db);
  // The shell is the WebAuthn relying party: its domain is the RP ID, its exact origin the only one accepted.
  // Ending a session ends its app credentials and the OIDC grants (and tokens) it approved.
  const sessionLinked = {
    revokeSession: async (sessionId: string) => {
      await grants.revokeSession(sessionId);
      await oidc.revokeSessions([sessionId]);
    },
  };
  const identity = new IdentityService(identityRepo, sessionLinked, audit, { id: config.domain, name: "PCC", origin: config.shellOrigin }, log, undefined, events);
  const apps = new AppsService({
    repo: appsRepo,
    catalog,
    installer,
    runtime,
    health,
    grants,
    gateway: gatewaySync,
    box,
    events,
    syncFirewall,
    appUrl: (subdomain) => config.appOrigin(subdomain),
    hostIp: config.bindAddress,
    instanceTag: instanceTag(config.dataDir, 6),
    audit,
    log,
  });
  const updater = new Updater({
    repo: appsRepo,
    updates: updatesRepo,
    engine,
    runtime,
    installer,
    health,
    gateway: gatewaySync,
    snapshots: new Snapshots(config.paths.snapshots),
    box,
    events,
    locks: apps.locks,
    log,
  });
  const updates = new UpdatesService({ repo: appsRepo, updates: updatesRepo, catalog, registry, updater, events, log });
  const reconciler = new Reconciler(apps, installer, appsRepo, engine, runtime, health, gatewaySync, syncFirewall, log, () => updater.recover());
  // Logs and stats of apps, on Podman connections of their own (a followed log holds one open).
  const observer = adapters.observer ?? new LibpodObserver(config.paths.podmanSocket);
  const observe = new AppObserve({ repo: appsRepo, box, observer, engine, log });
  const usage = new UsageHistory({
    readHost: () => readHost(config.dataDir),
    observer,
    apps: async () =>
      (await appsRepo.list())
        .map(readRecord)
        .filter((r): r is AppRecord => !isBroken(r) && r.row.phase === "installed")
        .map((r) => ({ appId: r.row.id, name: r.spec.name, containers: Object.values(r.resources.containers) })),
    log,
    intervalMs: config.usageSampleMs,
  });
  // Web push to the owner's browsers, on what happens on the bus (installs, updates, app down, new devices).
  const pushRepo = new PrismaPushRepository(db);
  const vapid = new VapidKeys(pushRepo, box, vapidSubject(config.shellOrigin, config.acmeEmail));
  const notifier = new Notifier({
    repo: pushRepo,
    sender: new WebPushSender(() => vapid.details(), { extraCa: config.pushExtraCa ? readExtraCa(config.pushExtraCa, "PCC_PUSH_EXTRA_CA") : null }),
    log,
    appInfo: async (id) => {
      const rec = await appsRepo.get(id).then((r) => (r ? readRecord(r) : null));
      if (rec && !isBroken(rec)) return { name: rec.spec.name, web: rec.spec.ingress.length > 0 };
      const name = rec?.row.name ?? (await catalog.find(id).catch(() => null))?.spec.name;
      return name ? { name, web: true } : null;
    },
  });
  notifier.start(events);
  const notifications = new NotificationsService({ repo: pushRepo, vapid, notifier, audit, allowLoopbackEndpoints: config.pushExtraCa !== null });
  // Friends' PCCs and the owner's public card; a friend's card is read over HTTPS with limits (card-fetch.ts).
  const contactsExtraCa = config.contactsExtraCa ? readExtraCa(config.contactsExtraCa, "PCC_CONTACTS_EXTRA_CA") : null;
  const contacts = new ContactsService({
    repo: new PrismaContactsRepository(db),
    fetcher: new HttpsCardFetcher({ extraCa: contactsExtraCa }),
    apps: async () => (await readable()).filter((r) => r.row.phase === "installed").map((r) => ({ id: r.row.id, name: r.spec.name, spec: r.spec })),
    appOrigin: (subdomain) => config.appOrigin(subdomain),
    ownDomain: new URL(config.shellOrigin).host,
    isClaimed: () => identity.isClaimed(),
    allowLocal: contactsExtraCa !== null,
    log: log.child({ module: "contacts" }),
    audit,
  });
  const system = new SystemService(engine, proxyServer, apps, usage, { version: pkg.version, domain: config.domain, shellUrl: config.shellOrigin });

  /** Restores the gateway's credentials (valid sessions only) before anything is served. */
  // A removed app's client is gone with its record; what was issued to it goes too.
  events.subscribe("app.done", (e) => {
    if (e.action === "remove" && e.ok) void oidc.revokeClient(e.appId).catch((err) => log.warn({ err, app: e.appId }, "revoking OIDC grants failed"));
  });

  const init = async () => {
    await oidc.init();
    await files.init();
    await identity.sessions.pruneExpired();
    await grants.load(async (sessionId) => (await identityRepo.findSession(sessionId)) !== null);
    await gatewaySync.sync();
    await sources.init();
    sources.startSchedule();
  };

  return { oidc, backChannel, identity, audit, notifications, notifier, contacts, apps, observe, system, catalog, sources, updates, reconciler, health, firewall, events, proxy, gateway, grants, engine, proxyServer, init };
}

/** PCC_*_EXTRA_CA (test-only): read once at boot; a bad path stops PCC with a message naming it. */
function readExtraCa(file: string, setting: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new Error(`${setting}: cannot read ${file} (${(e as Error).message})`);
  }
}
