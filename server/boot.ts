import fs from "node:fs";
import type { Server } from "node:net";
import type { Config } from "./config";
import type { Logger } from "./logger";
import { migrate, openDb } from "./adapters/db/db";
import { startCaddy } from "./host/caddy-service";
import { startPodmanService } from "./host/podman-service";
import { Supervised } from "./host/supervised";
import { createGateServer, createHttpServer } from "./http/http-server";
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

async function listenUnix(server: Server, socketPath: string) {
  fs.rmSync(socketPath, { force: true });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(socketPath, resolve));
  fs.chmodSync(socketPath, 0o600);
  return server;
}

/** Starts everything in order and returns a stop() that undoes it in reverse. */
export async function boot(config: Config, log: Logger) {
  for (const dir of [config.dataDir, config.paths.run, config.paths.etc, config.paths.logs, config.paths.caddyData, config.paths.podmanRoot]) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  }
  fs.chmodSync(config.dataDir, 0o700);
  const lockFile = `${config.paths.run}/pcc.pid`;
  acquireLock(lockFile);

  const children: Supervised[] = [];
  const servers: (Server & { closeAllConnections?: () => void })[] = [];
  let db: ReturnType<typeof openDb> | null = null;
  let services: ReturnType<typeof createServices> | null = null;

  const stop = async () => {
    log.info("stopping");
    services?.reconciler.stopLoop();
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
    for (const c of children.reverse()) await c.stop();
    await db?.$disconnect();
    fs.rmSync(lockFile, { force: true });
  };

  try {
    await migrate(config.root, config.paths.db);
    db = openDb(config.paths.db);
    const podman = new Supervised("podman", () => startPodmanService(config, log), async () => services?.reconciler.reconcile(), log);
    const caddy = new Supervised("caddy", () => startCaddy(config, log), async () => services?.proxy.reload(), log);
    for (const helper of [podman, caddy]) {
      await helper.start();
      children.push(helper);
    }
    services = createServices(config, db, log);
    await services.init();
    await services.proxy.reload();

    let nextHandler = null;
    if (config.web) {
      const { default: next } = await import("next");
      const app = next({ dev: false, dir: config.root });
      await app.prepare();
      const h = app.getRequestHandler();
      nextHandler = (req: Parameters<typeof h>[0], res: Parameters<typeof h>[1]) => h(req, res);
    }
    servers.push(await listenUnix(createHttpServer(services, config, log, nextHandler), config.paths.webSocket));
    servers.push(await listenUnix(createGateServer(services, config, log), config.paths.gateSocket));
    servers.push(startCliServer(config.paths.cliSocket, services, log));

    await services.reconciler.reconcile();
    services.reconciler.startLoop();
    return { services, stop, kill: () => children.forEach((c) => c.kill()) };
  } catch (e) {
    await stop().catch(() => undefined);
    throw e;
  }
}
