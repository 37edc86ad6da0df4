import { EventEmitter, on } from "node:events";

/** Everything that happens to apps and the box, for tRPC subscriptions, the CLI and notifications. */
export type PccEvents = {
  /** An install, update or start step; percent and bytes while an image downloads. */
  "app.progress": { appId: string; step: string; percent?: number; bytes?: { done: number; total: number } };
  /** An app's overall state changed (running, unhealthy, failed, stopped, ...). */
  "app.state": { appId: string; status: string; reason?: string };
  /** A new version (or a moved image tag) of an installed app. */
  "app.update-available": { appId: string; from: string; to: string; kind: "version" | "image" };
  /** An install, update or removal ended. */
  "app.done": { appId: string; action: "install" | "update" | "remove" | "rollback"; ok: boolean; message?: string };
  /** A device joined the owner's devices after the claim: paired by QR code, or signed in with a CLI code. */
  "device.joined": { deviceId: string; name: string; how: "paired" | "cli-code" };
};

export type EventName = keyof PccEvents;

/** One typed event stream: modules publish here instead of polling each other. */
export class EventBus {
  private readonly emitter = new EventEmitter({ captureRejections: false });

  constructor() {
    // Every open subscription (a shell tab, a CLI progress bar) is a listener.
    this.emitter.setMaxListeners(0);
  }

  emit<K extends EventName>(name: K, payload: PccEvents[K]) {
    this.emitter.emit(name, payload);
  }

  subscribe<K extends EventName>(name: K, fn: (payload: PccEvents[K]) => void): () => void {
    this.emitter.on(name, fn);
    return () => this.emitter.off(name, fn);
  }

  /** For tRPC subscriptions: an async iterator that ends when `signal` aborts. */
  async *stream<K extends EventName>(name: K, signal?: AbortSignal): AsyncGenerator<PccEvents[K]> {
    try {
      for await (const [payload] of on(this.emitter, name, { signal })) yield payload as PccEvents[K];
    } catch (e) {
      if ((e as Error).name !== "AbortError") throw e;
    }
  }
}
