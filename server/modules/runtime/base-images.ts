import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import { promisify } from "node:util";
import type { ContainerEngine } from "../../adapters/podman/container-engine";
import { packTar } from "../../lib/tar-pack";

// The one base image PCC makes itself (BUSYBOX_BASE): Debian's static busybox, for PCC's own small apps.
import { BUSYBOX_BASE_REF as BUSYBOX_BASE } from "../spec/containerfile-policy";

const BUSYBOX = "/bin/busybox";

/**
 * Imports BUSYBOX_BASE from the host's busybox-static package (installed by ./pcc) when it is missing.
 * PCC decides what goes in; no catalog entry can name a host file.
 */
export async function ensureBusyboxBase(engine: ContainerEngine): Promise<void> {
  if (await engine.imageExists(BUSYBOX_BASE)) return;
  const binary = await fs.readFile(BUSYBOX);
  const { stdout } = await promisify(execFile)(BUSYBOX, ["--list"], { timeout: 10_000 });
  const applets = stdout.split("\n").map((a) => a.trim()).filter((a) => /^[a-z0-9_.[-]+$/.test(a) && a !== "busybox");
  const mtime = new Date(0);
  const tar = await packTar((t) => {
    for (const d of ["bin", "etc", "tmp", "www"]) t.entry({ name: d, type: "directory", mode: d === "tmp" ? 0o1777 : 0o755, mtime });
    t.entry({ name: "etc/passwd", mode: 0o644, mtime }, "root:x:0:0:root:/:/bin/sh\napp:x:1000:1000:app:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n");
    t.entry({ name: "etc/group", mode: 0o644, mtime }, "root:x:0:\napp:x:1000:\nnogroup:x:65534:\n");
    t.entry({ name: "bin/busybox", mode: 0o755, mtime }, binary);
    for (const a of applets) t.entry({ name: `bin/${a}`, type: "symlink", linkname: "busybox", mtime });
  });
  await engine.importImage(BUSYBOX_BASE, tar);
}
