import type { Logger } from "../logger";
import type { Child } from "./child";

/**
 * Keeps a helper daemon (Podman's API service, Caddy) running: if it dies on its own, it is started
 * again and `onRestart` brings it back to the desired state. There is no systemd to do this for us.
 */
export class Supervised {
  private child: Child | null = null;
  private stopping = false;

  constructor(
    private readonly name: string,
    private readonly launch: () => Promise<Child>,
    private readonly onRestart: () => Promise<void>,
    private readonly log: Logger,
  ) {}

  async start() {
    this.child = await this.launch();
    this.watch(this.child);
  }

  async stop() {
    this.stopping = true;
    await this.child?.stop();
  }

  /** Last resort when a graceful stop overran its deadline. */
  kill() {
    this.stopping = true;
    this.child?.proc.kill("SIGKILL");
  }

  private watch(child: Child) {
    child.proc.once("exit", (code, signal) => {
      if (this.stopping) return;
      this.log.error({ helper: this.name, code, signal }, "helper died; restarting it");
      setTimeout(() => void this.restart(), 1_000);
    });
  }

  private async restart() {
    if (this.stopping) return;
    try {
      const child = await this.launch();
      // stop() may have run while this one was starting: it must not outlive PCC.
      if (this.stopping) return void (await child.stop());
      this.child = child;
      this.watch(child);
      await this.onRestart();
      this.log.info({ helper: this.name }, "helper restarted");
    } catch (err) {
      this.log.error({ helper: this.name, err }, "helper restart failed; trying again");
      setTimeout(() => void this.restart(), 5_000);
    }
  }
}
