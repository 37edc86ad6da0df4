import { DomainError } from "../../errors";
import { parseJson, UnixHttpClient, type HttpResult } from "../../lib/unix-http";
import { PullProgressTracker } from "./pull-progress";
import type { BuildContext, ContainerEngine, ContainerInfo, ContainerSpec, ContainerState, Labels, NetworkSpec, PullProgress } from "./container-engine";
import { toCreateBody } from "./libpod-create";
import { pullError } from "./pull-errors";

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
/** How long a pull waits for its layer sizes before starting without them. */
const SIZES_WAIT_MS = 3_000;

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

  async buildImage(tag: string, ctx: BuildContext, opts: { network?: boolean; onLine?: (line: string) => void } = {}) {
    const onLine = opts.onLine;
    let error: string | null = null;
    const r = await this.http.request(`${API}/build`, {
      method: "POST",
      // No network during a build unless the app may reach the internet; never pull a base image implicitly.
      query: { t: tag, dockerfile: ctx.containerfile, rm: true, layers: false, pull: false, networkmode: opts.network ? "bridge" : "none" },
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

  /** Docker's pull endpoint: unlike libpod's, it streams per-layer byte counts. */
  async pullImage(ref: string, onProgress?: (p: PullProgress) => void, layerSizes?: Promise<Map<string, number> | null>) {
    let error: string | null = null;
    const tracker = new PullProgressTracker();
    // One small request to the registry first (a few ms nearby); a registry slow to answer it does not hold the pull up long.
    if (layerSizes) {
      let timer: NodeJS.Timeout | undefined;
      const cap = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), SIZES_WAIT_MS)));
      tracker.knowSizes(await Promise.race([layerSizes.catch(() => null), cap]));
      clearTimeout(timer);
      // Sizes that come later still count for the rest of the pull.
      void layerSizes.then((sizes) => tracker.knowSizes(sizes)).catch(() => undefined);
    }
    const r = await this.http.request(`/v4.0.0/images/create`, {
      method: "POST",
      query: { fromImage: ref },
      timeoutMs: PULL_TIMEOUT_MS,
      onChunk: ndjson((o) => {
        if (typeof o.error === "string") error = o.error;
        const p = tracker.update(o);
        if (p) onProgress?.(p);
      }),
    });
    if (r.status !== 200 || error || !(await this.imageExists(ref))) {
      throw pullError(ref, error ?? r.body.toString("utf8").slice(0, 300));
    }
  }

  async importImage(ref: string, tar: Buffer) {
    const r = await this.http.request(`${API}/images/import`, {
      method: "POST",
      query: { reference: ref },
      body: tar,
      headers: { "content-type": "application/x-tar" },
      timeoutMs: 120_000,
    });
    if (r.status !== 200) fail(`import ${ref}`, r);
  }

  async removeImage(ref: string) {
    const r = await this.http.request(`${API}/images/${encodeURIComponent(ref)}`, { method: "DELETE", timeoutMs: 60_000 });
    if (r.status !== 200 && r.status !== 404) fail(`remove image ${ref}`, r);
  }

  /** Creates the network; one that exists already (a resumed install, a start) is left as it is. */
  async ensureNetwork(spec: NetworkSpec) {
    const r = await this.http.request(`${API}/networks/create`, {
      method: "POST",
      json: {
        name: spec.name,
        driver: "bridge",
        network_interface: spec.bridge,
        subnets: [{ subnet: spec.subnet }],
        // Apps on isolated networks cannot reach each other, even through the host.
        options: { isolate: "true" },
        dns_enabled: spec.dns,
        labels: spec.labels,
      },
    });
    if (r.status === 409) return;
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

  async volumeLabels(name: string): Promise<Labels | null> {
    const r = await this.http.request(`${API}/volumes/${encodeURIComponent(name)}/json`);
    if (r.status === 404) return null;
    if (r.status !== 200) fail(`inspect volume ${name}`, r);
    return parseJson<{ Labels?: Labels }>(r).Labels ?? {};
  }

  async volumeMountpoint(name: string): Promise<string | null> {
    const r = await this.http.request(`${API}/volumes/${encodeURIComponent(name)}/json`);
    if (r.status === 404) return null;
    if (r.status !== 200) fail(`inspect volume ${name}`, r);
    return parseJson<{ Mountpoint?: string }>(r).Mountpoint ?? null;
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

  async putSecret(name: string, data: string, _labels: Labels) {
    // Podman 4.3 has no label filter for secrets; PCC finds its own by their pcc_ name prefix.
    await this.removeSecret(name);
    const r = await this.http.request(`${API}/secrets/create`, { method: "POST", query: { name, driver: "file" }, body: Buffer.from(data) });
    if (r.status !== 200 && r.status !== 201) fail(`store secret ${name}`, r);
  }

  async listSecrets(_labels: Labels) {
    const r = await this.http.request(`${API}/secrets/json`);
    if (r.status !== 200) fail("list secrets", r);
    return parseJson<{ Spec?: { Name?: string } }[]>(r).map((s) => s.Spec?.Name ?? "").filter((n) => n.startsWith("pcc_"));
  }

  async removeSecret(name: string) {
    const r = await this.http.request(`${API}/secrets/${encodeURIComponent(name)}`, { method: "DELETE" });
    if (r.status !== 204 && r.status !== 200 && r.status !== 404) fail(`remove secret ${name}`, r);
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
      Config: { Labels?: Labels };
      State: { Status: string; ExitCode?: number; StartedAt?: string };
      ImageName?: string;
      NetworkSettings?: { Networks?: Record<string, { IPAddress?: string }> };
    }>(r);
    const ip = Object.values(c.NetworkSettings?.Networks ?? {}).map((n) => n.IPAddress).find((a) => a) ?? null;
    return {
      name: c.Name,
      state: normalizeState(c.State.Status),
      ip,
      labels: c.Config.Labels ?? {},
      exitCode: c.State.ExitCode ?? null,
      startedAt: c.State.StartedAt ?? null,
      image: c.ImageName,
    };
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

  async exec(name: string, cmd: string[], timeoutMs: number): Promise<number | null> {
    const created = await this.http.request(`${API}/containers/${encodeURIComponent(name)}/exec`, {
      method: "POST",
      json: { Cmd: cmd, AttachStdout: false, AttachStderr: false },
    });
    if (created.status !== 201) fail(`run a check in ${name}`, created);
    const id = parseJson<{ Id: string }>(created).Id;
    const started = await this.http.request(`${API}/exec/${id}/start`, { method: "POST", json: { Detach: true } });
    if (started.status !== 200 && started.status !== 204) fail(`run a check in ${name}`, started);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const r = await this.http.request(`${API}/exec/${id}/json`);
      if (r.status !== 200) return null;
      const s = parseJson<{ Running: boolean; ExitCode: number }>(r);
      if (!s.Running) return s.ExitCode;
      await new Promise((res) => setTimeout(res, 100));
    }
    return null;
  }

  async close() {
    await this.http.close();
  }
}

function normalizeState(s: string): ContainerState {
  const v = s.toLowerCase();
  return (["created", "running", "exited", "stopped", "paused"] as const).find((x) => x === v) ?? "unknown";
}
