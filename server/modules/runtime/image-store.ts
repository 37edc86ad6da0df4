import fs from "node:fs/promises";
import { makeBuildContext } from "../../adapters/podman/build-context";
import type { ContainerEngine, PullProgress } from "../../adapters/podman/container-engine";
import { DomainError } from "../../errors";
import type { Logger } from "../../logger";
import type { AppSpec } from "../spec";
import { checkContainerfile, BUSYBOX_BASE_REF } from "../spec/containerfile-policy";
import { ensureBusyboxBase } from "./base-images";

export type ImageProgress = (step: string, progress?: PullProgress) => void;

/** The image a service runs: its pinned reference, or the tag PCC builds it under. */
export function imageFor(spec: AppSpec, service: string): string {
  const s = spec.services[service]!;
  return s.image ?? `localhost/pcc-build/${spec.id}-${service}:${spec.version}`;
}

/** Downloads (or builds) the images of an app, with progress; checks free disk first. */
export class ImageStore {
  constructor(
    private readonly engine: ContainerEngine,
    private readonly storageDir: string,
    private readonly log: Logger,
    private readonly minFreeBytes = 1024 ** 3,
    /** Each layer's size for a reference, from its registry (null if it does not say). */
    private readonly layerSizes: (ref: string) => Promise<Map<string, number> | null> = async () => null,
  ) {}

  /** appDir is the app's folder (for builds); allowNetwork lets a build reach the internet. */
  async ensure(spec: AppSpec, appDir: string | null, allowNetwork: boolean, progress: ImageProgress): Promise<Record<string, string>> {
    const images: Record<string, string> = {};
    for (const [name, s] of Object.entries(spec.services)) {
      const ref = imageFor(spec, name);
      images[name] = ref;
      if (await this.engine.imageExists(ref)) continue;
      if (s.build) {
        if (!appDir) throw new DomainError("UNAVAILABLE", `The image of ${spec.name} (${name}) is gone and its app folder is not in the catalog any more.`);
        const ctx = await makeBuildContext(appDir, s.build.context, s.build.containerfile);
        // Builds run as root on the host in Podman 4.3: only file-assembling instructions get this far.
        const policy = checkContainerfile(ctx.text);
        if (policy.errors.length) {
          throw new DomainError("INVALID_INPUT", `${spec.name} cannot be built (${name}): ${policy.errors.map((e) => `line ${e.line}: ${e.message}`).join("; ")}.`);
        }
        if (ctx.text.includes(BUSYBOX_BASE_REF)) await ensureBusyboxBase(this.engine);
        for (const base of policy.bases) {
          if (await this.engine.imageExists(base)) continue;
          await this.checkDisk(spec);
          await this.engine.pullImage(base, (p) => progress(`Downloading ${name}`, p));
        }
        progress(`Building ${name}`);
        await this.engine.buildImage(ref, ctx, { network: allowNetwork, onLine: (line) => this.log.debug({ app: spec.id, line }, "build") });
      } else {
        await this.checkDisk(spec);
        progress(`Downloading ${name}`, { done: 0, total: 0 });
        await this.engine.pullImage(ref, (p) => progress(`Downloading ${name}`, p), this.layerSizes(ref).catch(() => null));
      }
    }
    return images;
  }

  /** Whether every service's image is in the store already. */
  async present(spec: AppSpec): Promise<boolean> {
    for (const name of Object.keys(spec.services)) if (!(await this.engine.imageExists(imageFor(spec, name)))) return false;
    return true;
  }

  private async checkDisk(spec: AppSpec) {
    const st = await fs.statfs(this.storageDir).catch(() => null);
    if (!st) return;
    const free = st.bavail * st.bsize;
    if (free < this.minFreeBytes) {
      const gb = (n: number) => (n / 1024 ** 3).toFixed(1);
      throw new DomainError(
        "UNAVAILABLE",
        `There is not enough free disk space to download ${spec.name}: ${gb(free)} GB free, PCC keeps at least ${gb(this.minFreeBytes)} GB. Remove apps or data you no longer need.`,
      );
    }
  }
}
