import type { Logger } from "../../logger";
import type { AppGrants } from "./app-grants";
import type { GateHost } from "./gate";
import type { GatewayFiles } from "./gateway-files";
import type { IngressForwarder, Upstream } from "./ingress-forwarder";

/** What the gateway must serve for one installed app host. */
/** `signInHeader`: the header the app trusts for the owner's identity (spec `auth: {method: header}`), or null. */
export type GatewayHost = { host: string; appId: string; stopped: boolean; publicPaths: string[]; signInHeader: string | null };

/**
 * Serves installed apps at their hosts: the socket Caddy dials, the "stopped" marker and the
 * credentials. Everything is per host, so one app's change never disturbs another app's traffic.
 */
export class GatewayService {
  private hosts = new Map<string, GatewayHost>();
  private readonly upstreams = new Map<string, Upstream | null>();
  private applying: Promise<void> = Promise.resolve();

  constructor(
    private readonly files: GatewayFiles,
    private readonly forwarder: IngressForwarder,
    readonly grants: AppGrants,
    private readonly lookupUpstream: (appId: string, host: string) => Promise<Upstream | null>,
    private readonly log: Logger,
  ) {}

  /** For the gate and the sign-in handoff: the app behind a host, if it is installed. */
  lookup(host: string): GateHost | null {
    const h = this.hosts.get(host);
    return h ? { appId: h.appId, publicPaths: h.publicPaths } : null;
  }

  /** Where the forwarder should connect for a host; cached until the app changes or a connect fails. */
  async upstream(host: string, refresh: boolean): Promise<Upstream | null> {
    const h = this.hosts.get(host);
    if (!h || h.stopped) return null;
    if (!refresh && this.upstreams.has(host)) return this.upstreams.get(host) ?? null;
    const u = await this.lookupUpstream(h.appId, host).catch(() => null);
    this.upstreams.set(host, u);
    return u;
  }

  /** Brings the files and sockets to exactly `desired`, touching only the hosts that differ. Serialized. */
  apply(desired: GatewayHost[]): Promise<void> {
    const run = this.applying.catch(() => undefined).then(() => this.applyNow(desired));
    this.applying = run;
    return run;
  }

  private async applyNow(desired: GatewayHost[]) {
    const next = new Map(desired.map((h) => [h.host, h]));
    const onDisk = await this.files.knownHosts();
    for (const host of new Set([...this.hosts.keys(), ...onDisk])) {
      if (next.has(host)) continue;
      await this.forwarder.close(host);
      await this.files.removeHost(host);
      this.upstreams.delete(host);
      this.log.debug({ host }, "gateway host removed");
    }
    for (const h of next.values()) {
      const before = this.hosts.get(h.host);
      if (!before || before.stopped !== h.stopped || before.appId !== h.appId) {
        await this.files.setStopped(h.host, h.stopped);
        this.upstreams.delete(h.host);
      }
      // Before the socket opens: an app that trusts a header is never reachable while Caddy would still
      // pass a client's copy of it.
      if (before?.signInHeader !== h.signInHeader) await this.files.setSignIn(h.host, h.signInHeader);
      if (!this.forwarder.has(h.host)) await this.forwarder.open(h.host);
    }
    this.hosts = next;
  }

  /**
   * Forget cached addresses of an app, after it was (re)started. `answering`: where its hosts were just
   * seen ready; the first request goes there without a lookup (a refused connection still looks again).
   */
  invalidate(appId: string, answering: Record<string, Upstream> = {}) {
    for (const h of this.hosts.values()) {
      if (h.appId !== appId) continue;
      const known = answering[h.host];
      if (known) this.upstreams.set(h.host, known);
      else this.upstreams.delete(h.host);
    }
  }

  async close() {
    await this.forwarder.closeAll();
  }
}
