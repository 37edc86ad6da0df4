import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { DomainError } from "../../errors";

const run = promisify(execFile);
const TAR_TIMEOUT_MS = 30 * 60_000;

/**
 * Copies of an app's volumes taken before an update, so a failed update can put the data back exactly
 * (numeric owners and modes kept: the files belong to the app's own user-namespace range).
 */
export class Snapshots {
  constructor(private readonly root: string) {}

  dirFor(appId: string, at = Date.now()) {
    return path.join(this.root, appId, String(at));
  }

  /** mountpoints: volume name → folder on the host. */
  async take(dir: string, mountpoints: Record<string, string>) {
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    for (const [volume, mount] of Object.entries(mountpoints)) {
      await run("tar", ["--numeric-owner", "-C", mount, "-cf", path.join(dir, `${volume}.tar`), "."], { timeout: TAR_TIMEOUT_MS }).catch((e: Error) => {
        throw new DomainError("EXTERNAL_FAILURE", `Could not copy the data of ${volume} before updating: ${e.message.split("\n")[0]}`);
      });
    }
  }

  /** Puts each volume back as it was in the snapshot (what the new version wrote is removed). */
  async restore(dir: string, mountpoints: Record<string, string>) {
    for (const [volume, mount] of Object.entries(mountpoints)) {
      const tar = path.join(dir, `${volume}.tar`);
      if (!(await fs.stat(tar).catch(() => null))) continue; // a volume the new version added
      for (const e of await fs.readdir(mount)) await fs.rm(path.join(mount, e), { recursive: true, force: true });
      await run("tar", ["--numeric-owner", "--same-permissions", "-C", mount, "-xf", tar], { timeout: TAR_TIMEOUT_MS });
    }
  }

  async drop(dir: string) {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
