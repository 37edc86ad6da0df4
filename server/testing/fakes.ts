/** In-memory fakes of the adapter interfaces, for unit tests only. */
import pino from "pino";
import type { AppRow, AppsRepository } from "../adapters/db/apps-repository";
import type { AuthRepository, SessionRow } from "../adapters/db/auth-repository";
import type {
  BuildContext,
  ContainerEngine,
  ContainerInfo,
  ContainerSpec,
  Labels,
  NetworkSpec,
} from "../adapters/podman/container-engine";
import type { Logger } from "../logger";
import type { GrantStore } from "../modules/gateway/app-grants";
import type { GrantMeta } from "../modules/gateway/gateway-files";

export const silentLogger = (): Logger => pino({ level: "silent" });

const matches = (have: Labels, want: Labels) => Object.entries(want).every(([k, v]) => have[k] === v);

type FakeContainer = { spec: ContainerSpec; state: ContainerInfo["state"]; exitCode: number | null };

/** A container engine that keeps everything in maps. Methods can be overridden per test to inject failures. */
export class FakeEngine implements ContainerEngine {
  readonly images = new Set<string>();
  readonly networks = new Map<string, NetworkSpec>();
  readonly volumes = new Map<string, Labels>();
  readonly containers = new Map<string, FakeContainer>();
  readonly calls: string[] = [];
  /** IP the fake reports for running containers. */
  ip = "10.200.0.2";

  async version() {
    return "fake-5.0";
  }
  async imageExists(ref: string) {
    return this.images.has(ref);
  }
  async buildImage(tag: string, _ctx: BuildContext) {
    this.calls.push(`build ${tag}`);
    this.images.add(tag);
  }
  async pullImage(ref: string) {
    this.calls.push(`pull ${ref}`);
    this.images.add(ref);
  }
  async ensureNetwork(spec: NetworkSpec) {
    if (!this.networks.has(spec.name)) this.networks.set(spec.name, spec);
  }
  async listNetworks(labels: Labels) {
    return [...this.networks.values()].filter((n) => matches(n.labels, labels)).map((n) => ({ name: n.name, labels: n.labels }));
  }
  async removeNetwork(name: string) {
    this.networks.delete(name);
  }
  async ensureVolume(name: string, labels: Labels) {
    if (!this.volumes.has(name)) this.volumes.set(name, labels);
  }
  async listVolumes(labels: Labels) {
    return [...this.volumes].filter(([, l]) => matches(l, labels)).map(([name, l]) => ({ name, labels: l }));
  }
  async removeVolume(name: string) {
    this.volumes.delete(name);
  }
  async createContainer(spec: ContainerSpec) {
    if (this.containers.has(spec.name)) throw new Error(`container ${spec.name} already exists`);
    if (!this.images.has(spec.image)) throw new Error(`no image ${spec.image}`);
    this.containers.set(spec.name, { spec, state: "created", exitCode: null });
  }
  private info(c: FakeContainer): ContainerInfo {
    return { name: c.spec.name, state: c.state, ip: c.state === "running" ? this.ip : null, labels: c.spec.labels, exitCode: c.exitCode };
  }
  async inspectContainer(name: string) {
    const c = this.containers.get(name);
    return c ? this.info(c) : null;
  }
  async listContainers(labels: Labels) {
    return [...this.containers.values()].filter((c) => matches(c.spec.labels, labels)).map((c) => this.info(c));
  }
  async startContainer(name: string) {
    const c = this.containers.get(name);
    if (!c) throw new Error(`no container ${name}`);
    c.state = "running";
  }
  async stopContainer(name: string) {
    const c = this.containers.get(name);
    if (c) {
      c.state = "exited";
      c.exitCode = 0;
    }
  }
  async removeContainer(name: string) {
    this.containers.delete(name);
  }
}

export class MemoryAppsRepository implements AppsRepository {
  readonly rows = new Map<string, AppRow>();
  readonly kept = new Map<string, string[]>();

  async list() {
    return [...this.rows.values()].map((r) => ({ ...r }));
  }
  async get(id: string) {
    const r = this.rows.get(id);
    return r ? { ...r } : null;
  }
  async create(row: Omit<AppRow, "installedAt">) {
    if (this.rows.has(row.id)) return false;
    this.rows.set(row.id, { ...row, installedAt: new Date() });
    return true;
  }
  async update(id: string, patch: Partial<Pick<AppRow, "desiredState" | "phase">>) {
    const r = this.rows.get(id);
    if (r) Object.assign(r, patch);
  }
  async delete(id: string) {
    this.rows.delete(id);
  }
  async keptVolumes() {
    return new Map(this.kept);
  }
  async keepVolumes(appId: string, volumes: string[]) {
    this.kept.set(appId, [...volumes]);
  }
  async forgetKeptVolumes(appId: string) {
    this.kept.delete(appId);
  }
}

export class MemoryAuthRepository implements AuthRepository {
  readonly owners: string[] = [];
  readonly sessions = new Map<string, SessionRow>();

  async ownerCount() {
    return this.owners.length;
  }
  async claim(ownerId: string, session: SessionRow) {
    if (this.owners.length > 0) return false;
    this.owners.push(ownerId);
    this.sessions.set(session.id, { ...session });
    return true;
  }
  async firstOwnerId() {
    return this.owners[0] ?? null;
  }
  async createSession(session: SessionRow) {
    this.sessions.set(session.id, { ...session });
  }
  async findSession(id: string) {
    const s = this.sessions.get(id);
    return s ? { ...s } : null;
  }
  async extendSession(id: string, expiresAt: Date) {
    const s = this.sessions.get(id);
    if (s) s.expiresAt = expiresAt;
  }
  async deleteSession(id: string) {
    this.sessions.delete(id);
  }
  async deleteExpiredSessions(now: Date) {
    for (const [id, s] of this.sessions) if (s.expiresAt < now) this.sessions.delete(id);
  }
}

/** The error a promise rejects with, asserted to be of the given class (fails the test if it resolves). */
export async function rejection<E>(p: Promise<unknown>, type: abstract new (...args: never[]) => E): Promise<E> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  if (!(e instanceof type)) throw new Error(`expected a rejection with ${type.name}, got ${String(e)}`);
  return e;
}

/** Credentials as the gateway would write them for Caddy, kept in a map: "host/token" → meta. */
export class MemoryGrantStore implements GrantStore {
  readonly files = new Map<string, GrantMeta>();
  async writeGrant(host: string, token: string, meta: GrantMeta) {
    this.files.set(`${host}/${token}`, meta);
  }
  async removeGrant(host: string, token: string) {
    this.files.delete(`${host}/${token}`);
  }
  async readGrants() {
    return [...this.files].map(([k, meta]) => ({ host: k.split("/")[0]!, token: k.split("/")[1]!, meta }));
  }
}
