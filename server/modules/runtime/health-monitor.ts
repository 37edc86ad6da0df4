import type { ContainerEngine } from "../../adapters/podman/container-engine";
import type { EventBus } from "../../events";
import type { Logger } from "../../logger";
import type { AppSpec } from "../spec";
import type { AppResources } from "./app-resources";
import { runHealthcheck } from "./health-probe";

export type ServiceHealth = "starting" | "healthy" | "unhealthy" | "restarting" | "failed";
export type ServiceStatus = { state: ServiceHealth; restarts: number; reason?: string };
export type AppHealth = "starting" | "running" | "unhealthy" | "restarting" | "failed";

type ServiceRecord = ServiceStatus & { failures: number; lastCheck: number; crashes: number[]; retryAt: number };
type Tracked = { spec: AppSpec; resources: AppResources; since: number; services: Map<string, ServiceRecord>; status: AppHealth };

const MAX_BACKOFF_MS = 5 * 60_000;
const CRASH_WINDOW_MS = 10 * 60_000;
const MAX_CRASHES = 5;

/**
 * Watches running apps from PCC (there is no systemd in a container host's Podman to run health checks):
 * runs each service's check on its interval, restarts a service that stopped by itself, with backoff, and
 * gives up with a reason after repeated crashes. Publishes each app's overall state on the event bus.
 */
export class HealthMonitor {
  private readonly apps = new Map<string, Tracked>();
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;

  constructor(
    private readonly engine: ContainerEngine,
    private readonly events: EventBus,
    private readonly log: Logger,
    private readonly onRestarted: (appId: string) => void,
    /** The host name an ingress is served at, sent with HTTP checks. */
    private readonly hostOf: (subdomain: string) => string | undefined = () => undefined,
    private readonly now = () => Date.now(),
  ) {}

  /**
   * Starts watching an app that was just started (or found running). `ready`: its start already waited for
   * every service to pass its check, so it counts as running from now.
   */
  track(spec: AppSpec, resources: AppResources, ready = false) {
    const state: ServiceHealth = ready ? "healthy" : "starting";
    const lastCheck = ready ? this.now() : 0;
    const services = new Map(Object.keys(spec.services).map((s): [string, ServiceRecord] => [s, { state, restarts: 0, failures: 0, lastCheck, crashes: [], retryAt: 0 }]));
    const status = ready ? "running" : "starting";
    this.apps.set(spec.id, { spec, resources, since: this.now(), services, status });
    // Watching begins right after a start: listeners (the shell, the data dir's mode sweep) learn of it.
    this.events.emit("app.state", { appId: spec.id, status });
  }

  untrack(appId: string) {
    this.apps.delete(appId);
  }

  status(appId: string): { status: AppHealth; services: Record<string, ServiceStatus> } | null {
    const t = this.apps.get(appId);
    if (!t) return null;
    return { status: t.status, services: Object.fromEntries([...t.services].map(([k, s]) => [k, { state: s.state, restarts: s.restarts, reason: s.reason }])) };
  }

  start(tickMs = 2_000) {
    this.timer = setInterval(() => void this.tick(), tickMs);
    this.timer.unref();
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
  }

  /** One pass over every tracked app; runs never overlap. */
  tick(): Promise<void> {
    this.ticking ??= this.pass().finally(() => (this.ticking = null));
    return this.ticking;
  }

  private async pass() {
    await Promise.all([...this.apps.values()].map((t) => this.check(t).catch((err) => this.log.warn({ app: t.spec.id, err }, "health check failed to run"))));
  }

  private async check(t: Tracked) {
    const now = this.now();
    for (const [name, s] of t.services) {
      const container = t.resources.containers[name]!;
      // null: the container is gone. A failed call says nothing about the app (Podman's service is being
      // restarted, say): no verdict this round, rather than a crash that never happened.
      const info = await this.engine.inspectContainer(container).then((i) => ({ i }), () => null);
      if (!info) continue;
      if (!this.apps.has(t.spec.id)) return; // untracked meanwhile (stopped by the owner)
      if (s.state === "failed") continue;
      if (!info.i || info.i.state !== "running") {
        await this.recover(t, name, s, info.i?.exitCode ?? null, now);
        continue;
      }
      const check = t.spec.services[name]!.healthcheck;
      if (!check) {
        s.state = "healthy";
        continue;
      }
      if (now - s.lastCheck < check.interval && s.state !== "starting" && s.state !== "restarting") continue;
      s.lastCheck = now;
      const ingress = t.spec.ingress.find((g) => g.service === name);
      if (await runHealthcheck(this.engine, container, info.i.ip, check, undefined, ingress && this.hostOf(ingress.subdomain))) {
        s.failures = 0;
        s.state = "healthy";
        s.reason = undefined;
      } else if (now - t.since >= check.startPeriod && ++s.failures >= check.retries) {
        s.state = "unhealthy";
        s.reason = `its health check failed ${s.failures} times in a row`;
      }
    }
    this.publish(t);
  }

  /** A service that stopped by itself: start it again after a growing pause, or give up. */
  private async recover(t: Tracked, name: string, s: ServiceRecord, exitCode: number | null, now: number) {
    if (s.state !== "restarting") {
      s.crashes = [...s.crashes.filter((c) => now - c < CRASH_WINDOW_MS), now];
      if (s.crashes.length > MAX_CRASHES) {
        s.state = "failed";
        s.reason = `it stopped ${s.crashes.length} times in ${CRASH_WINDOW_MS / 60_000} minutes (last exit code ${exitCode ?? "unknown"}); restart it from its settings once fixed`;
        this.log.error({ app: t.spec.id, service: name, exitCode }, "service keeps crashing; giving up");
        return;
      }
      s.state = "restarting";
      s.reason = `it stopped by itself (exit code ${exitCode ?? "unknown"})`;
      // The first crash in a while is restarted at once; repeated ones wait 1 s, 2 s, 4 s, ... up to 5 minutes.
      s.retryAt = s.crashes.length === 1 ? now : now + Math.min(MAX_BACKOFF_MS, 1_000 * 2 ** (s.crashes.length - 2));
    }
    if (now < s.retryAt) return;
    this.log.warn({ app: t.spec.id, service: name, exitCode, restarts: s.restarts + 1 }, "restarting a service that stopped");
    try {
      await this.engine.startContainer(t.resources.containers[name]!);
      s.restarts++;
      s.state = "starting";
      s.lastCheck = 0;
      t.since = now;
      this.onRestarted(t.spec.id);
    } catch (err) {
      s.retryAt = now + MAX_BACKOFF_MS;
      this.log.warn({ app: t.spec.id, service: name, err }, "restart failed");
    }
  }

  private publish(t: Tracked) {
    const states = [...t.services.values()].map((s) => s.state);
    const status: AppHealth = states.includes("failed")
      ? "failed"
      : states.includes("restarting")
        ? "restarting"
        : states.includes("unhealthy")
          ? "unhealthy"
          : states.includes("starting")
            ? "starting"
            : "running";
    if (status === t.status) return;
    t.status = status;
    const why = [...t.services].find(([, s]) => s.reason);
    this.events.emit("app.state", { appId: t.spec.id, status, ...(why ? { reason: `${why[0]}: ${why[1].reason}` } : {}) });
  }
}
