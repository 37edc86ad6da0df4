import { DomainError } from "../../errors";
import { parseJson, UnixHttpClient, type HttpResult } from "../../lib/unix-http";
import type { BuildContext, ContainerEngine, ContainerInfo, ContainerSpec, ContainerState, Labels, NetworkSpec } from "./container-engine";

const API = "/v4.0.0/libpod";
const BUILD_TIMEOUT_MS = 10 * 60_000;
const PULL_TIMEOUT_MS = 10 * 60_000;

const labelFilter = (labels: Labels) => JSON.stringify({ label: Object.entries(labels).map(([k, v]) => `${k}=${v}`) });

function fail(what: string, r: HttpResult): never {
  let message = r.body.toString("utf8").slice(0, 500);
  try {
    message = (JSON.parse(message) as { message?: string }).message ?? message;
  } catch {
    /* not JSON: keep the raw text */
  }
  throw new DomainError("EXTERNAL_FAILURE", `Podman could not ${what}: ${message}`);
}

/** Reads a stream of JSON lines and hands each parsed object over as it arrives. */
function ndjson(onObject: (o: Record<string, unknown>) => void) {
  let buffered = "";
  return (chunk: Buffer) => {
    buffered += chunk.toString("utf8");
    let nl: number;
    while ((nl = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, nl).trim();
      buffered = buffered.slice(nl + 1);
      if (!line) continue;
      try {
        onObject(JSON.parse(line) as Record<string, unknown>);
      } catch {
        /* partial or non-JSON line: ignore */
      }
    }
  };
}

/** Podman's libpod REST API on the PCC-owned unix socket. */
export class LibpodEngine implements ContainerEngine {
  private readonly http: UnixHttpClient;

  constructor(socketPath: string) {
    this.http = new UnixHttpClient(socketPath, "Podman", 30_000);
  }

  async version() {
    const r = await this.http.request(`${API}/version`, { timeoutMs: 5_000 });
    if (r.status !== 200) fail("report its version", r);
    return parseJson<{ Version: string }>(r).Version;
  }

  async imageExists(ref: string) {
    const r = await this.http.request(`${API}/images/${encodeURIComponent(ref)}/exists`);
    return r.status === 204;
  }

  async buildImage(tag: string, ctx: BuildContext, onLine?: (line: string) => void) {
    let error: string | null = null;
    const r = await this.http.request(`${API}/build`, {
      method: "POST",
      query: { t: tag, dockerfile: ctx.containerfile, rm: true, layers: false, pull: false },
      body: ctx.tar,
      headers: { "content-type": "application/x-tar" },
      timeoutMs: BUILD_TIMEOUT_MS,
      onChunk: ndjson((o) => {
        if (typeof o.stream === "string") onLine?.(o.stream.trimEnd());
        if (typeof o.error === "string") error = o.error;
      }),
    });
    if (r.status !== 200) fail(`build ${tag}`, r);
    if (error) throw new DomainError("EXTERNAL_FAILURE", `Building ${tag} failed: ${error}`);
    if (!(await this.imageExists(tag))) throw new DomainError("EXTERNAL_FAILURE", `Building ${tag} produced no image.`);
  }

  async pullImage(ref: string, onLine?: (line: string) => void) {
    let error: string | null = null;
    const r = await this.http.request(`${API}/images/pull`, {
      method: "POST",
      query: { reference: ref, policy: "missing" },
      timeoutMs: PULL_TIMEOUT_MS,
      onChunk: ndjson((o) => {
        if (typeof o.stream === "string") onLine?.(o.stream.trimEnd());
        if (typeof o.error === "string") error = o.error;
      }),
    });
    if (r.status !== 200 || error) {
      const why = error ?? r.body.toString("utf8").slice(0, 300);
      throw new DomainError("EXTERNAL_FAILURE", `Could not download ${ref}: ${why}`);
    }
  }

  async ensureNetwork(spec: NetworkSpec) {
    const exists = await this.http.request(`${API}/networks/${encodeURIComponent(spec.name)}/exists`);
    if (exists.status === 204) return;
    const r = await this.http.request(`${API}/networks/create`, {
      method: "POST",
      json: {
        name: spec.name,
        driver: "bridge",
        network_interface: spec.bridge,
        subnets: [{ subnet: spec.subnet }],
        // Apps on isolated networks cannot reach each other, even through the host.
        options: { isolate: "true" },
        dns_enabled: false,
        labels: spec.labels,
      },
    });
    if (r.status !== 200 && r.status !== 201) fail(`create network ${spec.name}`, r);
  }

  async listNetworks(labels: Labels) {
    const r = await this.http.request(`${API}/networks/json`, { query: { filters: labelFilter(labels) } });
    if (r.status !== 200) fail("list networks", r);
    return parseJson<{ name: string; labels?: Labels }[]>(r).map((n) => ({ name: n.name, labels: n.labels ?? {} }));
  }

  async removeNetwork(name: string) {
    const r = await this.http.request(`${API}/networks/${encodeURIComponent(name)}`, { method: "DELETE", query: { force: true } });
    if (r.status !== 200 && r.status !== 404) fail(`remove network ${name}`, r);
  }

  async ensureVolume(name: string, labels: Labels) {
    const exists = await this.http.request(`${API}/volumes/${encodeURIComponent(name)}/exists`);
    if (exists.status === 204) return;
    const r = await this.http.request(`${API}/volumes/create`, { method: "POST", json: { Name: name, Label: labels } });
    if (r.status !== 201 && r.status !== 200) fail(`create volume ${name}`, r);
  }

  async listVolumes(labels: Labels) {
    const r = await this.http.request(`${API}/volumes/json`, { query: { filters: labelFilter(labels) } });
    if (r.status !== 200) fail("list volumes", r);
    return parseJson<{ Name: string; Labels?: Labels }[]>(r).map((v) => ({ name: v.Name, labels: v.Labels ?? {} }));
  }

  async removeVolume(name: string) {
    const r = await this.http.request(`${API}/volumes/${encodeURIComponent(name)}`, { method: "DELETE", query: { force: true } });
    if (r.status !== 204 && r.status !== 404) fail(`remove volume ${name}`, r);
  }

  async createContainer(spec: ContainerSpec) {
    const r = await this.http.request(`${API}/containers/create`, { method: "POST", json: toCreateBody(spec) });
    if (r.status !== 201) fail(`create container ${spec.name}`, r);
  }

  async inspectContainer(name: string): Promise<ContainerInfo | null> {
    const r = await this.http.request(`${API}/containers/${encodeURIComponent(name)}/json`);
    if (r.status === 404) return null;
    if (r.status !== 200) fail(`inspect ${name}`, r);
    const c = parseJson<{
      Name: string;
      State: { Status: string; ExitCode?: number };
      Config: { Labels?: Labels };
      NetworkSettings?: { Networks?: Record<string, { IPAddress?: string }> };
    }>(r);
    const ip = Object.values(c.NetworkSettings?.Networks ?? {}).map((n) => n.IPAddress).find((a) => a) ?? null;
    return { name: c.Name, state: normalizeState(c.State.Status), ip, labels: c.Config.Labels ?? {}, exitCode: c.State.ExitCode ?? null };
  }

  async listContainers(labels: Labels) {
    const r = await this.http.request(`${API}/containers/json`, { query: { all: true, filters: labelFilter(labels) } });
    if (r.status !== 200) fail("list containers", r);
    return parseJson<{ Names: string[]; State: string; Labels?: Labels; ExitCode?: number }[]>(r).map((c) => ({
      name: c.Names[0] ?? "",
      state: normalizeState(c.State),
      ip: null,
      labels: c.Labels ?? {},
      exitCode: c.ExitCode ?? null,
    }));
  }

  async startContainer(name: string) {
    const r = await this.http.request(`${API}/containers/${encodeURIComponent(name)}/start`, { method: "POST", timeoutMs: 60_000 });
    if (r.status !== 204 && r.status !== 304) fail(`start ${name}`, r);
  }

  async stopContainer(name: string, timeoutSeconds = 10) {
    const r = await this.http.request(`${API}/containers/${encodeURIComponent(name)}/stop`, {
      method: "POST",
      query: { timeout: timeoutSeconds },
      timeoutMs: (timeoutSeconds + 20) * 1000,
    });
    if (r.status !== 204 && r.status !== 304 && r.status !== 404) fail(`stop ${name}`, r);
  }

  async removeContainer(name: string) {
    // Right after a stop, Podman can still hold the container's shm mount: retry briefly.
    for (let attempt = 0; ; attempt++) {
      const r = await this.http.request(`${API}/containers/${encodeURIComponent(name)}`, {
        method: "DELETE",
        query: { force: true, v: false, timeout: 5 },
        timeoutMs: 60_000,
      });
      if (r.status === 200 || r.status === 204 || r.status === 404) return;
      if (attempt >= 4) fail(`remove ${name}`, r);
      await new Promise((res) => setTimeout(res, 300 * (attempt + 1)));
    }
  }

  async close() {
    await this.http.close();
  }
}

function normalizeState(s: string): ContainerState {
  const v = s.toLowerCase();
  return (["created", "running", "exited", "stopped", "paused"] as const).find((x) => x === v) ?? "unknown";
}

/** The hardened container every app gets; see README "Sandbox". */
export function toCreateBody(spec: ContainerSpec) {
  return {
    name: spec.name,
    image: spec.image,
    labels: spec.labels,
    env: spec.env,
    ...(spec.command ? { command: spec.command } : {}),
    ...(spec.user ? { user: spec.user } : {}),
    // A private user-namespace range per container: root inside is nobody outside.
    userns: { nsmode: "auto" },
    idmappings: { AutoUserNs: true, AutoUserNsOpts: { Size: 65536 } },
    cap_drop: ["ALL"],
    no_new_privileges: true,
    read_only_filesystem: true,
    init: true,
    mounts: spec.tmpfs.map((t) => ({
      destination: t.path,
      type: "tmpfs",
      source: "tmpfs",
      options: ["rw", "nosuid", "nodev", `size=${t.sizeMb}m`, "mode=1777"],
    })),
    volumes: spec.volumes.map((v) => ({ Name: v.name, Dest: v.path, Options: ["U"] })),
    resource_limits: { memory: { limit: spec.memoryMb * 1024 * 1024 }, pids: { limit: spec.pids } },
    restart_policy: "on-failure",
    restart_tries: 3,
    stop_timeout: 10,
    netns: { nsmode: "bridge" },
    Networks: { [spec.network]: { aliases: spec.aliases } },
    // No published ports: Caddy dials the container on its isolated bridge.
    portmappings: [],
  };
}
