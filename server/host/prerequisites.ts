import fs from "node:fs";
import path from "node:path";

/**
 * What PCC needs from the machine before it can run anything: the host binaries Podman and Caddy run,
 * the subordinate id ranges behind `userns=auto`, and a recent enough Node. `./pcc start` installs all
 * of it; this check is for when PCC is started some other way, or the machine changed since, so that
 * boot names every missing piece at once instead of failing later on the first app install.
 */

export type Problem = {
  /** The missing or wrong piece, e.g. "catatonit" or "/etc/subuid". */
  name: string;
  /** One line: what is wrong, what it is for, and how to fix it. */
  message: string;
};

export type PrerequisiteDeps = {
  /** Whether `file` exists and is executable (after following symlinks). */
  isExecutable: (file: string) => Promise<boolean>;
  /** The file's text, or null when it does not exist or cannot be read. */
  readFile: (file: string) => Promise<string | null>;
  /** The full path of `cmd` found on PATH, or null. */
  which: (cmd: string) => Promise<string | null>;
  /** The running Node's version, without the "v" (process.versions.node). */
  nodeVersion: string;
};

export const MIN_NODE_MAJOR = 20;
/** Each app container gets its own 65536 ids (AutoUserNsOpts.Size in the podman adapter). */
export const SUBIDS_PER_CONTAINER = 65536;
/** Enough for this many app containers at once; `./pcc` writes a range of 2^31. */
export const MIN_CONTAINERS = 256;
export const MIN_SUBID_RANGE = SUBIDS_PER_CONTAINER * MIN_CONTAINERS;

// Where Podman looks for its helpers when they are not on PATH (containers.conf defaults).
const HELPER_DIRS = ["/usr/local/libexec/podman", "/usr/local/lib/podman", "/usr/libexec/podman", "/usr/lib/podman"];
const CONMON_DIRS = ["/usr/libexec/podman", "/usr/local/libexec/podman", "/usr/local/lib/podman", "/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin"];
const RUNC_DIRS = ["/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin", "/sbin", "/bin", "/usr/lib/cri-o-runc/sbin"];
// Where Debian puts commands that a root shell's PATH may lack (`su` without `-`).
const SYSTEM_DIRS = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

type Binary = {
  cmd: string;
  /** What PCC needs it for, shown in the message. */
  role: string;
  /** The Debian package that provides it. */
  pkg: string;
  /** Also accepted outside PATH, in these folders (where Podman finds it). */
  dirs?: string[];
  /** Only in these folders, not on PATH. */
  onlyDirs?: boolean;
};

const BINARIES: Binary[] = [
  { cmd: "podman", role: "runs the apps' containers", pkg: "podman" },
  { cmd: "runc", role: "Podman's container runtime", pkg: "runc", dirs: RUNC_DIRS },
  { cmd: "conmon", role: "Podman's container monitor", pkg: "conmon", dirs: CONMON_DIRS },
  { cmd: "catatonit", role: "Podman's container init", pkg: "catatonit", dirs: HELPER_DIRS },
  { cmd: "netavark", role: "Podman's network setup", pkg: "netavark", dirs: HELPER_DIRS, onlyDirs: true },
  { cmd: "aardvark-dns", role: "DNS inside the apps' networks", pkg: "aardvark-dns", dirs: HELPER_DIRS, onlyDirs: true },
  { cmd: "caddy", role: "the HTTPS front door", pkg: "caddy" },
  { cmd: "iptables", role: "netavark's rules for the apps' networks", pkg: "iptables" },
  { cmd: "nft", role: "PCC's firewall for the apps' networks", pkg: "nftables" },
  { cmd: "setpriv", role: "starts PCC's helpers", pkg: "util-linux" },
];

const installFix = (pkg: string) => `run ./pcc start, which installs it, or apt-get install ${pkg}`;

async function checkBinary(b: Binary, deps: PrerequisiteDeps): Promise<Problem | null> {
  if (!b.onlyDirs && (await deps.which(b.cmd))) return null;
  for (const dir of b.dirs ?? []) if (await deps.isExecutable(path.join(dir, b.cmd))) return null;
  if (!b.onlyDirs) {
    // Installed, but PCC was started with a PATH that does not reach it.
    for (const dir of SYSTEM_DIRS) {
      const file = path.join(dir, b.cmd);
      if (await deps.isExecutable(file)) {
        return { name: b.cmd, message: `${b.cmd} (${b.role}) is at ${file}, which is not on PATH: add ${dir} to PATH (as root, use \`su -\`), or run ./pcc start` };
      }
    }
  }
  const where = b.onlyDirs ? ` (looked in ${b.dirs!.join(", ")})` : "";
  return { name: b.cmd, message: `${b.cmd} is missing (${b.role})${where}: ${installFix(b.pkg)}` };
}

/** Total size of the `containers` ranges in a subuid/subgid file ("containers:START:COUNT" lines). */
export function containersRange(text: string): number {
  let total = 0;
  for (const line of text.split("\n")) {
    const m = /^containers:(\d+):(\d+)\s*$/.exec(line.trim());
    if (m) total += Number(m[2]);
  }
  return total;
}

async function checkSubids(file: string, deps: PrerequisiteDeps): Promise<Problem | null> {
  const fix = `run ./pcc start, which adds it, or add the line "containers:2147483647:2147483648" to ${file}`;
  const text = await deps.readFile(file);
  if (text === null) return { name: file, message: `${file} is missing (apps' user namespaces, userns=auto, take their ids from it): ${fix}` };
  const range = containersRange(text);
  if (range === 0) return { name: file, message: `${file} has no "containers" entry (apps' user namespaces, userns=auto, take their ids from it): ${fix}` };
  if (range < MIN_SUBID_RANGE) {
    return {
      name: file,
      message:
        `${file} gives "containers" ${range} ids, room for ${Math.floor(range / SUBIDS_PER_CONTAINER)} app containers of ${SUBIDS_PER_CONTAINER}; ` +
        `PCC needs at least ${MIN_SUBID_RANGE} (${MIN_CONTAINERS} containers): replace the entry with "containers:2147483647:2147483648"`,
    };
  }
  return null;
}

function checkNode(version: string): Problem | null {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1] ?? 0);
  if (major >= MIN_NODE_MAJOR) return null;
  return {
    name: "node",
    message: `Node.js ${version} is too old (PCC needs ${MIN_NODE_MAJOR} or newer): start PCC with ./pcc start, which fetches Node.js ${MIN_NODE_MAJOR} into .pcc-node when the machine's is older`,
  };
}

async function isExecutable(file: string) {
  try {
    await fs.promises.access(file, fs.constants.X_OK);
    return (await fs.promises.stat(file)).isFile();
  } catch {
    return false;
  }
}

export const hostDeps = (env: NodeJS.ProcessEnv = process.env): PrerequisiteDeps => ({
  isExecutable,
  readFile: (file) => fs.promises.readFile(file, "utf8").catch(() => null),
  which: async (cmd) => {
    for (const dir of (env.PATH ?? "").split(":")) {
      if (dir && (await isExecutable(path.join(dir, cmd)))) return path.join(dir, cmd);
    }
    return null;
  },
  nodeVersion: process.versions.node,
});

/** Every prerequisite that is missing or wrong, each with its fix; empty when PCC can run. */
export async function checkPrerequisites(deps: PrerequisiteDeps = hostDeps()): Promise<Problem[]> {
  const found = await Promise.all([
    ...BINARIES.map((b) => checkBinary(b, deps)),
    checkSubids("/etc/subuid", deps),
    checkSubids("/etc/subgid", deps),
    Promise.resolve(checkNode(deps.nodeVersion)),
  ]);
  return found.filter((p): p is Problem => p !== null);
}

/** The problems as console lines, e.g. for the error boot refuses to start with ("" when none). */
export function formatProblems(problems: Problem[]): string {
  if (problems.length === 0) return "";
  const head = problems.length === 1 ? "1 prerequisite is missing or wrong:" : `${problems.length} prerequisites are missing or wrong:`;
  return [head, ...problems.map((p) => `  - ${p.message}`)].join("\n");
}
