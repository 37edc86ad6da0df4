import type { ContainerEngine } from "../../adapters/podman/container-engine";
import { makeBuildContext } from "../../adapters/podman/build-context";
import type { AppRow } from "../../adapters/db/apps-repository";
import { DomainError } from "../../errors";
import { httpProbe, sleep } from "../../lib/http-probe";
import type { Logger } from "../../logger";
import type { Catalog } from "./catalog";
import { imageRef, isLocalBuild, type Manifest } from "./manifest";
import { labelsFor, names } from "./network-plan";

const READY_TIMEOUT_MS = 120_000;

export type Progress = (step: string) => void;

/** The Podman side of an app's life: each step is idempotent so an interrupted one can simply run again. */
export class AppRuntime {
  constructor(
    private readonly engine: ContainerEngine,
    private readonly catalog: Catalog,
    private readonly log: Logger,
    private readonly probe: (url: string) => Promise<boolean> = httpProbe,
  ) {}

  async ensureImage(m: Manifest, progress: Progress) {
    const ref = imageRef(m);
    if (await this.engine.imageExists(ref)) return;
    if (isLocalBuild(m)) {
      progress("Building image");
      const { dir } = await this.catalog.get(m.id);
      const b = m.image.build;
      const ctx = await makeBuildContext(`${dir}/${b.context}`, b.containerfile, b.hostFiles);
      await this.engine.buildImage(ref, ctx, (line) => this.log.debug({ app: m.id, line }, "build"));
    } else {
      progress("Downloading image");
      await this.engine.pullImage(ref, (line) => this.log.debug({ app: m.id, line }, "pull"));
    }
  }

  /** Network, volumes, image and container: everything but starting it. */
  async provision(row: AppRow, m: Manifest, progress: Progress) {
    progress("Preparing network");
    const labels = labelsFor(m.id);
    await this.engine.ensureNetwork({ name: names.network(m.id), subnet: row.subnet, bridge: row.bridge, labels });
    progress("Preparing storage");
    for (const v of m.volumes) await this.engine.ensureVolume(names.volume(m.id, v.name), labels);
    await this.ensureImage(m, progress);
    if (!(await this.engine.inspectContainer(names.container(m.id)))) {
      progress("Creating container");
      await this.engine.createContainer({
        name: names.container(m.id),
        image: imageRef(m),
        labels: { ...labels, "pcc.version": m.version },
        network: names.network(m.id),
        aliases: [m.id],
        user: m.user,
        command: m.command,
        env: m.env,
        volumes: m.volumes.map((v) => ({ name: names.volume(m.id, v.name), path: v.path })),
        tmpfs: [{ path: "/tmp", sizeMb: 64 }, ...m.tmpfs.map((path) => ({ path, sizeMb: 64 }))],
        memoryMb: m.limits.memoryMb,
        pids: m.limits.pids,
      });
    }
  }

  /** Starts the container and returns once the app answers HTTP on its port. */
  async startAndWait(m: Manifest, progress: Progress) {
    progress("Starting");
    await this.engine.startContainer(names.container(m.id));
    progress("Waiting for the app to answer");
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      const info = await this.engine.inspectContainer(names.container(m.id));
      if (!info) throw new DomainError("EXTERNAL_FAILURE", `The container of ${m.name} disappeared while starting.`);
      if (info.state === "exited" || info.state === "stopped") {
        throw new DomainError("EXTERNAL_FAILURE", `${m.name} stopped right after starting (exit code ${info.exitCode ?? "unknown"}).`);
      }
      if (info.ip && (await this.probe(`http://${info.ip}:${m.port}${m.healthPath}`))) return;
      await sleep(250);
    }
    throw new DomainError("TIMEOUT", `${m.name} did not answer within ${READY_TIMEOUT_MS / 1000} s of starting.`);
  }

  async stop(appId: string) {
    await this.engine.stopContainer(names.container(appId), 10);
  }

  /** Where the gateway forwards the app's HTTP traffic, or null if the app is not running. */
  async upstream(m: Manifest): Promise<{ host: string; port: number } | null> {
    const info = await this.engine.inspectContainer(names.container(m.id));
    return info?.state === "running" && info.ip ? { host: info.ip, port: m.port } : null;
  }

  /** Removes the container and network; volumes too unless keepData. Returns the kept volume names. */
  async teardown(m: Manifest, keepData: boolean): Promise<string[]> {
    await this.engine.removeContainer(names.container(m.id));
    await this.engine.removeNetwork(names.network(m.id));
    const vols = m.volumes.map((v) => names.volume(m.id, v.name));
    if (keepData) return vols;
    for (const v of vols) await this.engine.removeVolume(v);
    return [];
  }
}
