import fs from "node:fs/promises";
import path from "node:path";

/** Inside these, the files are the containers' own (image layers, app volumes): theirs to read, not ours to change. */
const CONTAINER_CONTENT = [/^podman\/storage\/overlay\/[^/]+\/(diff|merged|work)$/, /^podman\/volumes\/[^/]+\/_data$/];

/**
 * Takes group and other permissions away from what Podman leaves readable under the data dir.
 *
 * Why it is needed even with PCC's umask of 077: Podman sets its own umask to 022, so its lock, pid
 * and metadata files are 0644; and for a container with its own user namespace, Podman makes every
 * directory above the container's root filesystem traversable by others (o+x, "makeAccessible"),
 * because the container's root is an unprivileged uid on the host. That turns the data dir, podman/
 * and run/ into 0711, which exposed those 0644 files (and pcc.db, before the umask) to any local user.
 *
 * Directories keep their execute (traverse) bits, which the containers need, and lose read and write
 * for group and others. Files and directories owned by a container's mapped uid (its /etc/hosts,
 * resolv.conf) and the containers' own content are left alone: the container's users need them.
 */
export async function privatizeDataDir(dataDir: string): Promise<number> {
  let changed = 0;
  const visit = async (abs: string, rel: string) => {
    let st;
    try {
      st = await fs.lstat(abs);
    } catch {
      return; // removed while we walked
    }
    // Sockets get their modes from whoever made them on purpose (the gateway's are Caddy's group's).
    if (st.isSymbolicLink() || st.isSocket()) return;
    const mode = st.mode & 0o7777;
    let want = mode;
    // A container's own files (owned by its mapped uid) are its users' to read; only root's are tightened.
    if (st.uid === 0) {
      // A group other than root's was given on purpose (Caddy's, for the folders it passes through): not ours to narrow.
      const group = st.gid === 0 ? 0o070 : 0;
      want = st.isDirectory() ? mode & ~(0o006 | (group & 0o060)) : mode & ~(0o007 | group);
      if (want !== mode) {
        await fs.chmod(abs, want).catch(() => undefined);
        changed++;
      }
    }
    // Only what others can reach needs a look: below a directory closed to them, nothing is exposed.
    if (!st.isDirectory() || (want & 0o001) === 0 || CONTAINER_CONTENT.some((re) => re.test(rel))) return;
    const entries = await fs.readdir(abs).catch(() => [] as string[]);
    for (const e of entries) await visit(path.join(abs, e), rel ? `${rel}/${e}` : e);
  };
  await visit(dataDir, "");
  return changed;
}

/** Root's files under `dir` that any local user could read or write (every folder above them passable): for tests and checks. */
export async function exposedFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (abs: string, rel: string, reachable: boolean) => {
    const st = await fs.lstat(abs).catch(() => null); // removed while we walked
    if (!st || st.isSymbolicLink()) return;
    const mode = st.mode & 0o777;
    if (reachable && st.uid === 0 && (mode & 0o006) !== 0) out.push(`${mode.toString(8)} ${rel || "."}`);
    if (!st.isDirectory() || CONTAINER_CONTENT.some((re) => re.test(rel))) return;
    for (const e of await fs.readdir(abs).catch(() => [] as string[])) await walk(path.join(abs, e), rel ? `${rel}/${e}` : e, reachable && (mode & 0o001) !== 0);
  };
  await walk(dir, "", true);
  return out;
}
