import type { BuildContext, ContainerEngine, ContainerInfo, ContainerSpec, Labels, NetworkSpec, PullProgress } from "../adapters/podman/container-engine";

const matches = (have: Labels, want: Labels) => Object.entries(want).every(([k, v]) => have[k] === v);

type FakeContainer = { spec: ContainerSpec; state: ContainerInfo["state"]; exitCode: number | null; startedAt: string | null };

/** A container engine that keeps everything in maps. Methods can be overridden per test to inject failures. */
export class FakeEngine implements ContainerEngine {
  readonly images = new Set<string>();
  readonly networks = new Map<string, NetworkSpec>();
  readonly volumes = new Map<string, Labels>();
  readonly secrets = new Map<string, string>();
  readonly containers = new Map<string, FakeContainer>();
  readonly calls: string[] = [];
  /** IP the fake reports for running containers. */
  ip = "10.200.0.2";
  /** Exit code a health-check command returns. */
  execExit: number | null = 0;

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
  async pullImage(ref: string, onProgress?: (p: PullProgress) => void) {
    this.calls.push(`pull ${ref}`);
    onProgress?.({ done: 50, total: 100 });
    onProgress?.({ done: 100, total: 100 });
    this.images.add(ref);
  }
  async importImage(ref: string) {
    this.calls.push(`import ${ref}`);
    this.images.add(ref);
  }
  async removeImage(ref: string) {
    this.images.delete(ref);
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
  async volumeLabels(name: string) {
    return this.volumes.get(name) ?? null;
  }
  /** Volumes' files, for snapshot tests: the test points a volume at a temp folder. */
  readonly mountpoints = new Map<string, string>();
  async volumeMountpoint(name: string) {
    return this.mountpoints.get(name) ?? null;
  }
  async listVolumes(labels: Labels) {
    return [...this.volumes].filter(([, l]) => matches(l, labels)).map(([name, l]) => ({ name, labels: l }));
  }
  async removeVolume(name: string) {
    this.volumes.delete(name);
  }
  async putSecret(name: string, data: string) {
    this.secrets.set(name, data);
  }
  async listSecrets() {
    return [...this.secrets.keys()];
  }
  async removeSecret(name: string) {
    this.secrets.delete(name);
  }
  async createContainer(spec: ContainerSpec) {
    if (this.containers.has(spec.name)) throw new Error(`container ${spec.name} already exists`);
    if (!this.images.has(spec.image)) throw new Error(`no image ${spec.image}`);
    this.calls.push(`create ${spec.name}`);
    this.containers.set(spec.name, { spec, state: "created", exitCode: null, startedAt: null });
  }
  private info(c: FakeContainer): ContainerInfo {
    return { name: c.spec.name, state: c.state, ip: c.state === "running" ? this.ip : null, labels: c.spec.labels, exitCode: c.exitCode, startedAt: c.startedAt, image: c.spec.image };
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
    this.calls.push(`start ${name}`);
    c.state = "running";
    c.startedAt = new Date().toISOString();
  }
  async stopContainer(name: string) {
    const c = this.containers.get(name);
    if (c) {
      this.calls.push(`stop ${name}`);
      c.state = "exited";
      c.exitCode = 0;
    }
  }
  async removeContainer(name: string) {
    this.containers.delete(name);
  }
  async exec() {
    return this.execExit;
  }
}
