import type { ContainerEngine, ContainerInfo } from "../../adapters/podman/container-engine";
import { DomainError } from "../../errors";
import { settleAll } from "../../lib/settle-all";
import { sleep } from "../../lib/sleep";
import type { Logger } from "../../logger";
import type { AppSpec, Healthcheck } from "../spec";
import type { AppResources } from "./app-resources";
import { httpOk, runHealthcheck, type HttpProbe } from "./health-probe";
import type { RuntimePlan } from "./runtime-plan";

export type Progress = (step: string) => void;
/** Where each ingress host of a started app was just seen ready: its service's fixed address and port. */
export type ReadyAt = Record<string, { host: string; port: number }>;

const RUNNING_GRACE_MS = 1_000;
const DEFAULT_READY_MS = 120_000;

/**
 * How long to wait before asking again whether a starting service is ready: 20 ms in its first second,
 * when most apps come up (an install is waited on by a person), then the usual pace (the check's own
 * interval, at most 250 ms; 100 ms without one). A command check runs a process in the container each
 * time, so it keeps the usual pace from the start.
 */
export function readyPollMs(elapsedMs: number, check?: Healthcheck) {
  const usual = check ? Math.min(check.interval, 250) : 100;
  return elapsedMs < 1_000 && !check?.command ? 20 : usual;
}

/** How long to wait for a service to become healthy before calling the start failed. */
export const readyTimeout = (h?: Healthcheck) => (h ? Math.max(30_000, h.startPeriod + h.retries * (h.interval + h.timeout)) : DEFAULT_READY_MS);

/**
 * The Podman side of an app's life, the app as a whole: its network, volumes, secrets and one container
 * per service. Every step is idempotent, so an interrupted one can simply run again.
 */
export class AppRuntime {
  constructor(
    private readonly engine: ContainerEngine,
    private readonly log: Logger,
    /** Unit tests replace the network probes (their containers have no address to reach). */
    private readonly probeHttp: HttpProbe = httpOk,
    /** The host name an ingress is served at ("photos.example.com"), sent with HTTP checks. */
    private readonly hostOf: (subdomain: string) => string | undefined = () => undefined,
  ) {}

  /**
   * Everything but starting: network, volumes (checking whose they are), secret files, containers. What
   * does not depend on each other is asked of Podman at once; every call is awaited before a failure is
   * thrown, so the rollback that follows never races a create still in flight.
   */
  async provision(appId: string, plan: RuntimePlan, progress: Progress) {
    progress("Preparing network and storage");
    const [existing, present] = await settleAll([
      this.engine.listSecrets({}).then((names) => new Set(names)),
      settleAll(plan.services.map((s) => this.engine.inspectContainer(s.container.name).then((info) => info !== null))),
      this.engine.ensureNetwork(plan.network),
      settleAll(plan.volumes.map((v) => this.ensureVolume(appId, v.name, v.labels))),
    ] as const);
    await settleAll(Object.entries(plan.secretFiles).filter(([name]) => !existing.has(name)).map(([name, value]) => this.engine.putSecret(name, value, {})));
    await settleAll(
      plan.services
        .filter((_, i) => !present[i])
        .map((s) => {
          progress(`Creating ${s.service}`);
          return this.engine.createContainer(s.container);
        }),
    );
  }

  private async ensureVolume(appId: string, name: string, labels: Record<string, string>) {
    const owner = await this.engine.volumeLabels(name);
    if (owner && owner["pcc.app"] !== appId) {
      throw new DomainError("CONFLICT", `The storage volume ${name} belongs to ${owner["pcc.app"] ? `the app "${owner["pcc.app"]}"` : "something other than PCC"}; PCC will not hand it to ${appId}.`);
    }
    if (!owner) await this.engine.ensureVolume(name, labels);
  }

  /**
   * Starts the services in dependency order, waiting where a dependent asks for a healthy service; resolves
   * once all are up, with the address each ingress host was just seen ready at (where it is fixed).
   */
  async start(spec: AppSpec, plan: RuntimePlan, progress: Progress): Promise<ReadyAt> {
    const needHealthy = new Set(plan.services.flatMap((s) => Object.entries(s.dependsOn).filter(([, c]) => c === "healthy").map(([d]) => d)));
    for (const s of plan.services) {
      progress(`Starting ${s.service}`);
      await this.engine.startContainer(s.container.name);
      if (needHealthy.has(s.service)) await this.waitReady(spec, s.service, s.container.name, progress, s.container.ip);
    }
    for (const s of plan.services) if (!needHealthy.has(s.service)) await this.waitReady(spec, s.service, s.container.name, progress, s.container.ip);
    const answering: ReadyAt = {};
    for (const g of spec.ingress) {
      const ip = plan.services.find((s) => s.service === g.service)?.container.ip;
      if (ip) answering[g.subdomain] = { host: ip, port: g.port };
    }
    return answering;
  }

  /**
   * Resolves when the service passes its health check (or, without one, keeps running and answers on its
   * ingress port). `ip`: the service's fixed address, if it has one. Then the check is tried before
   * Podman is asked anything: most services are ready at the first try, and one that passes is running.
   * Podman's view is only needed while it fails (to notice a service that exited).
   */
  async waitReady(spec: AppSpec, service: string, container: string, progress: Progress, ip?: string) {
    const check = spec.services[service]?.healthcheck;
    const ingress = spec.ingress.find((g) => g.service === service);
    const host = ingress && this.hostOf(ingress.subdomain);
    const probeFirst = ip !== undefined && (check !== undefined || ingress !== undefined);
    progress(`Waiting for ${service}`);
    const deadline = Date.now() + readyTimeout(check);
    const since = Date.now();
    while (Date.now() < deadline) {
      if (probeFirst && (await this.isReady(container, ip, check, ingress?.port, since, host))) return;
      const info = await this.engine.inspectContainer(container);
      if (!info) throw new DomainError("EXTERNAL_FAILURE", `The container of ${spec.name} (${service}) disappeared while starting.`);
      if (info.state === "exited" || info.state === "stopped") {
        throw new DomainError("EXTERNAL_FAILURE", `${spec.name} (${service}) stopped right after starting (exit code ${info.exitCode ?? "unknown"}).`);
      }
      if (!probeFirst && info.state === "running" && (await this.isReady(container, info.ip, check, ingress?.port, since, host))) return;
      await sleep(readyPollMs(Date.now() - since, check));
    }
    throw new DomainError("TIMEOUT", `${spec.name} (${service}) did not become ready within ${Math.round(readyTimeout(check) / 1000)} s of starting.`);
  }

  private async isReady(container: string, ip: string | null, check: Healthcheck | undefined, ingressPort: number | undefined, since: number, host?: string) {
    if (check) return runHealthcheck(this.engine, container, ip, check, this.probeHttp, host);
    // Without a declared check, any HTTP answer on the ingress port will do: "/" may be a 401 or a redirect.
    if (ingressPort && ip) return this.probeHttp(`http://${ip}:${ingressPort}/`, 2_000, 500, host);
    return Date.now() - since >= RUNNING_GRACE_MS;
  }

  /** Stops the services, dependents first. */
  async stop(plan: RuntimePlan) {
    for (const s of [...plan.services].reverse()) await this.engine.stopContainer(s.container.name, 10);
  }

  /** Removes one container of the app (to recreate it with a new configuration); only if it is labelled as the app's. */
  async removeContainer(appId: string, name: string) {
    const info = await this.engine.inspectContainer(name);
    if (info && info.labels["pcc.app"] === appId) await this.engine.removeContainer(name);
  }

  async removeNetwork(name: string) {
    await this.engine.removeNetwork(name);
  }

  /** Stops every container of an app at once (shutdown of PCC), whatever its plan. */
  async stopAll(resources: AppResources) {
    await Promise.all(Object.values(resources.containers).map((c) => this.engine.stopContainer(c, 10)));
  }

  /** Removes the app's containers, secrets and network; its volumes too unless keepData. Only what is labelled as this app's. */
  async teardown(appId: string, resources: AppResources, keepData: boolean) {
    for (const c of new Set(Object.values(resources.containers))) {
      const info = await this.engine.inspectContainer(c);
      if (info && info.labels["pcc.app"] === appId) await this.engine.removeContainer(c);
    }
    for (const s of Object.values(resources.secrets)) await this.engine.removeSecret(s);
    await this.engine.removeNetwork(resources.network);
    if (keepData) return;
    for (const v of Object.values(resources.volumes)) {
      // Never someone else's data, even if a name matches (a failed install stops at such a volume).
      if ((await this.engine.volumeLabels(v))?.["pcc.app"] === appId) await this.engine.removeVolume(v);
    }
  }

  /** Each service's container as Podman sees it now. */
  async inspect(resources: AppResources): Promise<Record<string, ContainerInfo | null>> {
    const entries = await Promise.all(
      Object.entries(resources.containers).map(async ([service, c]) => [service, await this.engine.inspectContainer(c).catch(() => null)] as const),
    );
    return Object.fromEntries(entries);
  }

  /** Where the gateway forwards an ingress: the service's address on the app's bridge, or null if not running. */
  async upstream(spec: AppSpec, resources: AppResources, ingressName: string) {
    const ingress = spec.ingress.find((g) => g.name === ingressName);
    if (!ingress) return null;
    const info = await this.engine.inspectContainer(resources.containers[ingress.service]!);
    return info?.state === "running" && info.ip ? { host: info.ip, port: ingress.port } : null;
  }
}
