import fs from "node:fs";
import path from "node:path";
import type { ContainerEngine, ContainerSpec } from "./container-engine";

/**
 * PCC's own seccomp profile for app containers: Podman's default (as Debian ships it), minus what an app
 * never needs and what has been the door to kernel exploits from inside containers. Rebuilt from the
 * packaged default at every start, so Podman updates (new syscalls) arrive without PCC shipping a copy.
 *
 * What changes, and why:
 *  - No new namespaces: unshare and clone are allowed only without CLONE_NEW* flags. A user namespace is
 *    the big one: inside it the app holds every capability, and with it mount, netfilter and the new
 *    mount API, i.e. the kernel surface most container escapes went through (CVE-2022-0185,
 *    CVE-2023-32233, CVE-2024-1086). Podman's default allows it; Docker's and Sandstorm's do not.
 *  - clone3 answers ENOSYS (its flags sit in memory, out of seccomp's reach), so libc falls back to clone.
 *  - No ptrace and kin (process_vm_readv/writev, pidfd_getfd, kcmp, process_madvise): without Yama any
 *    process could read or drive the app's other processes, its init included.
 *  - No kernel keyrings (keyctl, add_key, request_key): keys are not namespaced (CVE-2016-0728).
 *  - No mount API at all (mount, umount, pivot_root, fsopen, fsconfig, fsmount, fspick, move_mount,
 *    open_tree, mount_setattr), no setns, no syslog: useless without capabilities, so only attack surface.
 *  - bpf, perf_event_open, userfaultfd are refused outright, whatever capability a rule would ask for.
 *  - io_uring (its own long CVE list) stays absent, as in Podman's default: ENOSYS, and runtimes fall back.
 */

/** Where Debian's podman (package golang-github-containers-common, a hard dependency) keeps its default. */
export const PODMAN_DEFAULT_PROFILE = "/usr/share/containers/seccomp.json";

const EPERM = 1;
const ENOSYS = 38;

/** Refused with EPERM, removed from every rule of the base profile first. */
export const DENIED_SYSCALLS = [
  // other processes' memory and file descriptors
  "ptrace",
  "process_vm_readv",
  "process_vm_writev",
  "pidfd_getfd",
  "kcmp",
  "process_madvise",
  // kernel keyrings
  "keyctl",
  "add_key",
  "request_key",
  // namespaces and mounts
  "setns",
  "mount",
  "umount",
  "umount2",
  "pivot_root",
  "fsopen",
  "fsconfig",
  "fsmount",
  "fspick",
  "move_mount",
  "open_tree",
  "mount_setattr",
  // kernel interfaces an app never needs
  "syslog",
  "bpf",
  "perf_event_open",
  "userfaultfd",
] as const;

/** Answer ENOSYS, as if the kernel were older, so that callers fall back to what is allowed. */
export const ENOSYS_SYSCALLS = ["clone3", "io_uring_setup", "io_uring_enter", "io_uring_register"] as const;

/** Every CLONE_NEW* flag: NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET. */
export const CLONE_NEW_FLAGS = 0x7e020000;
/** CLONE_NEWTIME shares its bit with clone's exit signal, so it is checked for unshare only. */
const CLONE_NEWTIME = 0x80;
const NAMESPACE_FLAGS = {
  CLONE_NEWNS: 0x00020000,
  CLONE_NEWCGROUP: 0x02000000,
  CLONE_NEWUTS: 0x04000000,
  CLONE_NEWIPC: 0x08000000,
  CLONE_NEWUSER: 0x10000000,
  CLONE_NEWPID: 0x20000000,
  CLONE_NEWNET: 0x40000000,
} as const;

/** The profile format of containers/common (a superset of the OCI seccomp section). */
export type SeccompArg = { index: number; value: number; valueTwo?: number; op: string };
export type SeccompRule = {
  names?: string[];
  name?: string;
  action: string;
  errnoRet?: number;
  args?: SeccompArg[] | null;
  comment?: string;
  includes?: { caps?: string[]; arches?: string[]; minKernel?: string };
  excludes?: { caps?: string[]; arches?: string[]; minKernel?: string };
};
export type SeccompProfile = { defaultAction: string; syscalls: SeccompRule[] } & Record<string, unknown>;

const OWN_RULES = new Set<string>([...DENIED_SYSCALLS, ...ENOSYS_SYSCALLS, "unshare", "clone"]);
const S390 = ["s390", "s390x"];

const masked = (index: number, mask: number, equals: number): SeccompArg => ({ index, value: mask, valueTwo: equals, op: "SCMP_CMP_MASKED_EQ" });

/** One EPERM rule per namespace flag: "(flags & FLAG) == FLAG" (seccomp cannot say "!= 0" in one comparison). */
function refuseFlags(name: string, index: number, flags: Record<string, number>, extra: Partial<SeccompRule> = {}): SeccompRule[] {
  return Object.entries(flags).map(([flag, bit]) => ({
    names: [name],
    action: "SCMP_ACT_ERRNO",
    errnoRet: EPERM,
    args: [masked(index, bit, bit)],
    comment: `PCC: no ${flag}`,
    ...extra,
  }));
}

/** PCC's rules, appended to the base profile once every syscall they cover is gone from its rules. */
export function pccRules(): SeccompRule[] {
  const unshareFlags = { ...NAMESPACE_FLAGS, CLONE_NEWTIME };
  const unshareMask = CLONE_NEW_FLAGS | CLONE_NEWTIME;
  const onS390 = { includes: { arches: S390 } };
  const notS390 = { excludes: { arches: S390 } };
  return [
    { names: [...DENIED_SYSCALLS], action: "SCMP_ACT_ERRNO", errnoRet: EPERM, comment: "PCC: never needed by an app" },
    { names: [...ENOSYS_SYSCALLS], action: "SCMP_ACT_ERRNO", errnoRet: ENOSYS, comment: "PCC: callers fall back (clone3 → clone)" },
    { names: ["unshare"], action: "SCMP_ACT_ALLOW", args: [masked(0, unshareMask, 0)], comment: "PCC: unshare without new namespaces" },
    ...refuseFlags("unshare", 0, unshareFlags),
    // clone's flags are its first argument, except on s390 where the stack pointer comes first.
    { names: ["clone"], action: "SCMP_ACT_ALLOW", args: [masked(0, CLONE_NEW_FLAGS, 0)], comment: "PCC: clone without new namespaces", ...notS390 },
    ...refuseFlags("clone", 0, NAMESPACE_FLAGS, notS390),
    { names: ["clone"], action: "SCMP_ACT_ALLOW", args: [masked(1, CLONE_NEW_FLAGS, 0)], comment: "PCC: clone without new namespaces (s390)", ...onS390 },
    ...refuseFlags("clone", 1, NAMESPACE_FLAGS, onS390),
  ];
}

/** Podman's default, hardened as described above. Refuses a base that is not a deny-by-default profile. */
export function hardenProfile(base: unknown): SeccompProfile {
  const p = base as Partial<SeccompProfile> | null;
  if (!p || typeof p !== "object" || !Array.isArray(p.syscalls) || typeof p.defaultAction !== "string") {
    throw new Error("is not a seccomp profile (no defaultAction or syscalls)");
  }
  // Allow-by-default (or log-only) would turn every removal below into a permission.
  if (!/^SCMP_ACT_(ERRNO|KILL|KILL_PROCESS|KILL_THREAD|TRAP)$/.test(p.defaultAction)) {
    throw new Error(`allows what it does not list (defaultAction ${p.defaultAction}); PCC builds only on a deny-by-default profile`);
  }
  const syscalls: SeccompRule[] = [];
  for (const rule of p.syscalls) {
    const names = (rule.names ?? (rule.name ? [rule.name] : [])).filter((n) => !OWN_RULES.has(n));
    if (!names.length) continue;
    const { name: _single, ...rest } = rule;
    syscalls.push({ ...rest, names });
  }
  return { ...p, defaultAction: p.defaultAction, syscalls: [...syscalls, ...pccRules()] };
}

/**
 * Builds the profile from Podman's default and writes it (root only) as `<dir>/seccomp.json`; returns
 * its path. Written to a temporary file and renamed, so Podman never reads half a profile.
 */
export function writeSeccompProfile(dir: string, basePath = PODMAN_DEFAULT_PROFILE): string {
  let text: string;
  try {
    text = fs.readFileSync(basePath, "utf8");
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === "ENOENT";
    throw new Error(
      missing
        ? `PCC confines apps with a seccomp profile built from Podman's default, ${basePath}, which is missing (Debian package: golang-github-containers-common).`
        : `PCC could not read Podman's default seccomp profile ${basePath}: ${(e as Error).message}`,
    );
  }
  let profile: SeccompProfile;
  try {
    profile = hardenProfile(JSON.parse(text));
  } catch (e) {
    throw new Error(`Podman's default seccomp profile ${basePath} ${e instanceof SyntaxError ? `is not valid JSON (${e.message})` : (e as Error).message}.`);
  }
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, "seccomp.json");
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(profile, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
  return file;
}

/**
 * The engine, with every container it creates confined by `profile` (unless its spec names another).
 * A Proxy rather than a subclass: it wraps whatever engine it is given, and every other method is the
 * engine's own.
 */
export function withSeccompProfile<E extends ContainerEngine>(engine: E, profile: string): E {
  const createContainer = (spec: ContainerSpec) => engine.createContainer({ ...spec, seccompProfile: spec.seccompProfile ?? profile });
  return new Proxy(engine, {
    get(target, prop) {
      if (prop === "createContainer") return createContainer;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
