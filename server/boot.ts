import fs from "node:fs";
import path from "node:path";
import type { AddressInfo, Server } from "node:net";
import type { Config } from "./config";
import type { Logger } from "./logger";
import { migrate, openDb } from "./adapters/db/db";
import { startCaddy } from "./host/caddy-service";
import { createStaticShell } from "./http/static-shell";
import { blockedAncestor, CADDY_USER, ensureCaddyUser, shareWithCaddy, type Ids } from "./host/caddy-user";
import { startPodmanService } from "./host/podman-service";
import { waitForCertificates } from "./adapters/caddy/tls-probe";
import { privatizeDataDir } from "./host/private-files";
import { Supervised } from "./host/supervised";
import { createCertificateAskServer, createGateServer, createHttpServer } from "./http/http-server";
import { startCliServer } from "./cli/cli-server";
import { createServices } from "./services";

function acquireLock(file: string) {
  try {
    const pid = Number(fs.readFileSync(file, "utf8"));
    if (pid && pid !== process.pid) {
      process.kill(pid, 0);
      throw new Error(`PCC is already running for this data dir (pid ${pid}).`);
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT" && (e as NodeJS.ErrnoException).code !== "ESRCH") throw e;
  }
  fs.writeFileSync(file, String(process.pid), { mode: 0o600 });
}

/** A server on a unix socket that only root and, with `caddy`, Caddy's group can connect to. */
async function listenUnix(server: Server, socketPath: string, caddy?: Ids) {
  fs.rmSync(socketPath, { force: true });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(socketPath, resolve));
  if (caddy) shareWithCaddy(socketPath, caddy, "socket");
  else fs.chmodSync(socketPath, 0o600);
  return server;
}

/**
 * Podman writes its runtime files 0644 whatever PCC's umask (see privatizeDataDir): tighten them once
 * started, whenever an app changes (containers started or removed), and every few minutes as a backstop.
 */
function keepDataDirPrivate(dataDir: string, services: ReturnType<typeof createServices>, log: Logger) {
  let running: Promise<unknown> = Promise.resolve();
  const sweep = () => {
    running = running.then(() => privatizeDataDir(dataDir)).catch((err) => log.warn({ err }, "could not tighten file modes"));
    return running;
  };
  void sweep();
  services.events.subscribe("app.done", () => void sweep());
  services.events.subscribe("app.state", () => void sweep());
  setInterval(() => void sweep(), 5 * 60_000).unref();
}

/** Starts everything in order and returns a stop() that undoes it in reverse. */
export async function boot(config: Config, log: Logger) {
  for (const dir of [config.dataDir, config.paths.run, config.paths.etc, config.paths.logs, config.paths.caddyData, config.paths.podmanRoot]) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  }
  // Caddy (an unprivileged user) may pass through the data dir and run/ to the few things shared with it.
  const caddyIds = ensureCaddyUser();
  const blocked = blockedAncestor(config.dataDir, caddyIds);
  if (blocked) {
    throw new Error(`Caddy runs as the user ${CADDY_USER}, which cannot pass through ${blocked} to reach ${config.dataDir}. Use a data dir it can reach (the default is /var/lib/pcc; set PCC_DATA_DIR), or allow it with: chmod o+x ${blocked}`);
  }
  for (const dir of [config.dataDir, config.paths.run]) shareWithCaddy(dir, caddyIds, "dir");
  const lockFile = `${config.paths.run}/pcc.pid`;
  acquireLock(lockFile);

  const children: Supervised[] = [];
  const servers: (Server & { closeAllConnections?: () => void })[] = [];
  let db: ReturnType<typeof openDb> | null = null;
  let services: ReturnType<typeof createServices> | null = null;

  const stop = async () => {
    log.info("stopping");
    services?.notifier.stop();
    services?.reconciler.stopLoop();
    services?.health.stop();
    services?.system.usage.stop();
    services?.updates.stop();
    // Open keep-alive connections would hold close() forever: end them too.
    await Promise.all(
      servers.map((s) => {
        const closed = new Promise<void>((r) => s.close(() => r()));
        s.closeAllConnections?.();
        return closed;
      }),
    );
    // Apps first, while Podman still runs; the owner's choice of running/stopped stays in SQLite.
    if (services) await services.reconciler.stopAll().catch((err) => log.error({ err }, "could not stop apps"));
    await services?.gateway.close();
    await services?.backChannel.close();
    for (const c of children.reverse()) await c.stop();
    // Pushes already on their way finish (each has its own timeout) before their database closes.
    await services?.notifier.settled();
    await db?.$disconnect();
    fs.rmSync(lockFile, { force: true });
  };

  try {
    await migrate(config.root, config.paths.db);
    // Databases made by an older PCC (umask 022) were 0644; SQLite gives -wal/-shm the db's own mode.
    for (const f of [config.paths.db, `${config.paths.db}-wal`, `${config.paths.db}-shm`, `${config.paths.db}-journal`]) {
      if (fs.existsSync(f)) fs.chmodSync(f, 0o600);
    }
    db = openDb(config.paths.db);
    const podman = new Supervised("podman", () => startPodmanService(config, log), async () => services?.reconciler.reconcile(), log);
    const caddy = new Supervised("caddy", () => startCaddy(config, log, caddyIds), async () => services?.proxy.reload(), log);
    for (const helper of [podman, caddy]) {
      await helper.start();
      children.push(helper);
    }
    services = createServices(config, db, log, { caddyGid: caddyIds.gid });
    await services.init();
    if (config.tls === "acme") {
      const ask = createCertificateAskServer(services, config);
      await new Promise<void>((resolve, reject) => ask.once("error", reject).listen(0, "127.0.0.1", resolve));
      services.proxy.setAskUrl(`http://127.0.0.1:${(ask.address() as AddressInfo).port}/ask`);
      servers.push(ask);
    }
    await services.proxy.reload();
    // Caddy makes its own CA's certificates in the background: "ready" waits until it can serve the shell
    // and an app name, so the first request never meets a handshake without a certificate. A public CA's
    // can take minutes and must not hold the start; Caddy serves those names once it has them.
    if (config.tls === "internal") {
      const address = config.bindAddress === "0.0.0.0" || config.bindAddress === "::" ? "127.0.0.1" : config.bindAddress;
      if (!(await waitForCertificates(address, config.httpsPort, [config.domain, `pcc-probe.${config.domain}`], 30_000))) {
        log.warn("Caddy has no certificate for this PCC's names yet; browsers may see a TLS error until it does");
      }
    }

    const shell = config.web ? createStaticShell(path.join(config.root, "out")) : null;
    servers.push(await listenUnix(createHttpServer(services, config, log, shell), config.paths.webSocket, caddyIds));
    servers.push(await listenUnix(createGateServer(services, config, log), config.paths.gateSocket, caddyIds));
    servers.push(startCliServer(config.paths.cliSocket, services, log));

    // The shell is served from here on; apps come up in the background, each on its own, so a slow or
    // broken app never delays the others or the owner's sign-in.
    const s = services;
    void s.reconciler.reconcile().catch((err) => log.error({ err }, "first reconcile failed"));
    s.reconciler.startLoop();
    s.health.start();
    s.updates.start();
    s.firewall.startRefresh();
    s.system.usage.start();
    keepDataDirPrivate(config.dataDir, services, log);
    return { services, stop, kill: () => children.forEach((c) => c.kill()) };
  } catch (e) {
    await stop().catch(() => undefined);
    throw e;
  }
}
