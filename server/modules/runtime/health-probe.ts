import net from "node:net";
import type { ContainerEngine } from "../../adapters/podman/container-engine";
import { httpRequest } from "../../lib/http-request";
import type { Healthcheck } from "../spec";

/** One run of a service's health check, from PCC (root may reach app bridges; see the firewall). */
export type HttpProbe = (url: string, timeoutMs: number, okBelow?: number, host?: string) => Promise<boolean>;

/** `host`: the app's own name, for apps that refuse requests addressed to their container IP. */
export async function runHealthcheck(engine: ContainerEngine, container: string, ip: string | null, check: Healthcheck, http: HttpProbe = httpOk, host?: string): Promise<boolean> {
  if (check.command) return (await engine.exec(container, check.command, check.timeout).catch(() => null)) === 0;
  if (!ip) return false;
  if (check.http) return http(`http://${ip}:${check.http.port}${check.http.path}`, check.timeout, 400, host);
  if (check.tcp) return tcpOk(ip, check.tcp.port, check.timeout);
  return false;
}

/** A declared check wants a success (2xx/3xx); "answers at all" (below 500) is enough where none is declared. */
export async function httpOk(url: string, timeoutMs: number, okBelow = 400, host?: string): Promise<boolean> {
  try {
    const headers: Record<string, string> = host ? { host, "x-forwarded-proto": "https" } : {};
    // The body is read and dropped; an app that answers with an endless one fails the check.
    const r = await httpRequest(url, { headers, timeoutMs, maxBytes: 1 << 20 });
    return r.status >= 200 && r.status < okBelow;
  } catch {
    return false;
  }
}

export function tcpOk(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (ok: boolean) => {
      clearTimeout(timer);
      s.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    s.once("connect", () => done(true));
    s.once("error", () => done(false));
  });
}
