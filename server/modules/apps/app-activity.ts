import type { EventBus } from "../../events";
import { KeyedMutex } from "../../lib/keyed-mutex";

/**
 * What the lifecycle's parts share while they work on apps: one lock per app (two operations on the same
 * app never interleave), the step each is at (shown in `apps.list` and sent on the event bus), and why
 * the last install of an app failed (the store shows it until the next try).
 */
export class AppActivity {
  readonly locks = new KeyedMutex();
  readonly progress = new Map<string, { step: string; percent: number | null }>();
  readonly lastError = new Map<string, string>();

  constructor(private readonly events: EventBus) {}

  report(id: string, step: string, percent?: number) {
    this.progress.set(id, { step, percent: percent ?? null });
    this.events.emit("app.progress", { appId: id, step, ...(percent !== undefined ? { percent } : {}) });
  }
}
