import type { PullProgress } from "./container-engine";

type PullEvent = { id?: unknown; status?: unknown; progressDetail?: unknown };

const FINISHED = new Set(["Download complete", "Pull complete", "Already exists"]);

/**
 * Bytes done of an image pull, from Podman's (Docker-compatible) pull events. Podman gives byte counts
 * only for layers that take more than a second; with the image's layer sizes from its registry, each
 * finished layer counts in full, so a fast pull still moves the bar, layer by layer.
 */
export class PullProgressTracker {
  private readonly layers = new Map<string, { done: number; total: number }>();
  private sizes: Map<string, number> | null = null;

  /** Sizes by digest (sha256:…), when the registry said. */
  knowSizes(sizes: Map<string, number> | null) {
    this.sizes = sizes && sizes.size ? sizes : null;
  }

  /** Takes one event; returns the progress so far, or null if the event says nothing about bytes. */
  update(e: PullEvent): PullProgress | null {
    const id = typeof e.id === "string" && /^[0-9a-f]{12,64}$/.test(e.id) ? e.id : null;
    if (!id) return null;
    const layer = this.layers.get(id) ?? { done: 0, total: 0 };
    const d = e.progressDetail as { current?: unknown; total?: unknown } | undefined;
    if (typeof d?.total === "number" && d.total > 0) Object.assign(layer, { done: typeof d.current === "number" ? d.current : 0, total: d.total });
    if (typeof e.status === "string" && FINISHED.has(e.status)) layer.done = Number.POSITIVE_INFINITY;
    this.layers.set(id, layer);
    return this.progress();
  }

  progress(): PullProgress {
    if (this.sizes) {
      let done = 0;
      let total = 0;
      for (const [digest, size] of this.sizes) {
        total += size;
        const layer = this.layers.get(digest.replace(/^sha256:/, "").slice(0, 12)) ?? this.layers.get(digest.replace(/^sha256:/, ""));
        if (layer) done += Math.min(size, layer.done);
      }
      return { done, total };
    }
    let done = 0;
    let total = 0;
    for (const l of this.layers.values()) {
      total += l.total;
      done += Math.min(l.total, l.done);
    }
    return { done, total };
  }
}
