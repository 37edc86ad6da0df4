import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FakeEngine } from "../../testing/fake-engine";
import type { ContainerSpec } from "./container-engine";
import { toCreateBody } from "./libpod-create";
import {
  CLONE_NEW_FLAGS,
  DENIED_SYSCALLS,
  ENOSYS_SYSCALLS,
  hardenProfile,
  PODMAN_DEFAULT_PROFILE,
  withSeccompProfile,
  writeSeccompProfile,
  type SeccompProfile,
  type SeccompRule,
} from "./seccomp-profile";

const EPERM = 1;
const ENOSYS = 38;
const CLONE_NEWUSER = 0x10000000;
const CLONE_NEWNET = 0x40000000;
const CLONE_NEWTIME = 0x80;
const CLONE_FS = 0x200;
const CLONE_FILES = 0x400;
// What glibc's fork() and pthread_create() pass to clone.
const FORK_FLAGS = 0x01200011; // CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD
const THREAD_FLAGS = 0x003d0f00;

/** A small profile in Podman's shape: a deny-by-default base with the parts PCC changes. */
const BASE: SeccompProfile = {
  defaultAction: "SCMP_ACT_ERRNO",
  defaultErrnoRet: ENOSYS,
  archMap: [{ architecture: "SCMP_ARCH_X86_64", subArchitectures: ["SCMP_ARCH_X86"] }],
  syscalls: [
    { names: ["userfaultfd", "vmsplice"], action: "SCMP_ACT_ERRNO", errnoRet: EPERM },
    { names: ["read", "write", "clone", "clone3", "unshare", "ptrace", "keyctl", "mount", "setns", "syslog"], action: "SCMP_ACT_ALLOW" },
    { names: ["personality"], action: "SCMP_ACT_ALLOW", args: [{ index: 0, value: 8, valueTwo: 0, op: "SCMP_CMP_EQ" }] },
    { names: ["bpf", "perf_event_open", "setns"], action: "SCMP_ACT_ALLOW", includes: { caps: ["CAP_SYS_ADMIN"] } },
    { names: ["bpf", "perf_event_open", "setns"], action: "SCMP_ACT_ERRNO", errnoRet: EPERM, excludes: { caps: ["CAP_SYS_ADMIN"] } },
    { names: ["kcmp"], action: "SCMP_ACT_ALLOW", includes: { caps: ["CAP_SYS_PTRACE"] } },
    { name: "ptrace", action: "SCMP_ACT_ALLOW" },
  ],
};

type Verdict = { action: string; errno?: number };
const RESTRICTIVENESS = ["SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_TRACE", "SCMP_ACT_ERRNO", "SCMP_ACT_TRAP", "SCMP_ACT_KILL"];

function applies(rule: SeccompRule, arch: string, caps: string[]) {
  const inc = rule.includes ?? {};
  const exc = rule.excludes ?? {};
  if (inc.arches?.length && !inc.arches.includes(arch)) return false;
  if (exc.arches?.includes(arch)) return false;
  if (inc.caps?.length && !inc.caps.every((c) => caps.includes(c))) return false;
  if (exc.caps?.some((c) => caps.includes(c))) return false;
  return true;
}

function argsMatch(rule: SeccompRule, args: number[]) {
  return (rule.args ?? []).every((a) => {
    const v = args[a.index] ?? 0;
    switch (a.op) {
      case "SCMP_CMP_EQ":
        return v === a.value;
      case "SCMP_CMP_NE":
        return v !== a.value;
      case "SCMP_CMP_MASKED_EQ":
        return (v & a.value) >>> 0 === (a.valueTwo ?? 0) >>> 0;
      default:
        throw new Error(`op ${a.op} not modelled`);
    }
  });
}

/**
 * What a process with `caps` on `arch` gets for a syscall, by libseccomp's rule: of the matching rules the
 * most restrictive action wins, else the default. Enough to check PCC's rules as data.
 */
function verdict(p: SeccompProfile, name: string, args: number[] = [], opts: { arch?: string; caps?: string[] } = {}): Verdict {
  const arch = opts.arch ?? "amd64";
  const hits = p.syscalls.filter((r) => (r.names ?? [r.name]).includes(name) && applies(r, arch, opts.caps ?? []) && argsMatch(r, args));
  if (!hits.length) return { action: p.defaultAction, errno: p.defaultErrnoRet as number | undefined };
  const worst = hits.reduce((a, b) => (RESTRICTIVENESS.indexOf(b.action) > RESTRICTIVENESS.indexOf(a.action) ? b : a));
  return worst.action === "SCMP_ACT_ERRNO" ? { action: worst.action, errno: worst.errnoRet } : { action: worst.action };
}

const ALLOW: Verdict = { action: "SCMP_ACT_ALLOW" };
const DENY: Verdict = { action: "SCMP_ACT_ERRNO", errno: EPERM };
const NOSYS: Verdict = { action: "SCMP_ACT_ERRNO", errno: ENOSYS };

describe("hardenProfile", () => {
  const p = hardenProfile(structuredClone(BASE));

  it("keeps what it does not touch: default action, architectures, other rules as they were", () => {
    expect(p.defaultAction).toBe("SCMP_ACT_ERRNO");
    expect(p.defaultErrnoRet).toBe(ENOSYS);
    expect(p.archMap).toEqual(BASE.archMap);
    expect(verdict(p, "read")).toEqual(ALLOW);
    expect(verdict(p, "vmsplice")).toEqual(DENY);
    expect(p.syscalls).toContainEqual(BASE.syscalls[2]);
    expect(verdict(p, "personality", [8])).toEqual(ALLOW);
    expect(verdict(p, "personality", [1])).toEqual(NOSYS);
  });

  it("refuses ptrace and kin, keyrings, mounts, setns, syslog, bpf, perf and userfaultfd with EPERM, whatever the capabilities", () => {
    for (const name of DENIED_SYSCALLS) {
      expect(verdict(p, name), name).toEqual(DENY);
      expect(verdict(p, name, [], { caps: ["CAP_SYS_ADMIN", "CAP_SYS_PTRACE"] }), `${name} with capabilities`).toEqual(DENY);
    }
    // Gone from every rule of the base (the caps-gated allows included), not just overridden.
    const named = (rule: SeccompRule) => rule.names ?? [rule.name];
    const own = p.syscalls.filter((r) => r.comment?.startsWith("PCC:"));
    for (const rule of p.syscalls.filter((r) => !own.includes(r))) {
      for (const n of [...DENIED_SYSCALLS, ...ENOSYS_SYSCALLS, "unshare", "clone"]) expect(named(rule), JSON.stringify(rule)).not.toContain(n);
    }
    // A rule left without names is dropped, not kept empty.
    expect(p.syscalls.every((r) => named(r).length > 0)).toBe(true);
  });

  it("answers clone3 and io_uring with ENOSYS, so that libc and runtimes fall back", () => {
    for (const name of ENOSYS_SYSCALLS) expect(verdict(p, name), name).toEqual(NOSYS);
  });

  it("allows fork, threads and unshare of files or fs, but never a new namespace", () => {
    expect(verdict(p, "clone", [FORK_FLAGS])).toEqual(ALLOW);
    expect(verdict(p, "clone", [THREAD_FLAGS])).toEqual(ALLOW);
    expect(verdict(p, "unshare", [CLONE_FS | CLONE_FILES])).toEqual(ALLOW);
    for (const flag of [0x00020000, 0x02000000, 0x04000000, 0x08000000, CLONE_NEWUSER, 0x20000000, CLONE_NEWNET]) {
      expect(verdict(p, "clone", [FORK_FLAGS | flag]), `clone ${flag.toString(16)}`).toEqual(DENY);
      expect(verdict(p, "unshare", [flag]), `unshare ${flag.toString(16)}`).toEqual(DENY);
      expect(verdict(p, "unshare", [flag | CLONE_FS]), `unshare ${flag.toString(16)} | CLONE_FS`).toEqual(DENY);
      // Root-like capabilities change nothing: PCC never hands them out, and the rules do not ask.
      expect(verdict(p, "unshare", [flag], { caps: ["CAP_SYS_ADMIN"] })).toEqual(DENY);
    }
    expect(verdict(p, "unshare", [CLONE_NEWTIME])).toEqual(DENY);
    // The low byte of clone's flags is the exit signal, not CLONE_NEWTIME.
    expect(verdict(p, "clone", [CLONE_NEWTIME | 0x11])).toEqual(ALLOW);
    expect(verdict(p, "clone", [CLONE_NEW_FLAGS])).toEqual(DENY);
  });

  it("reads clone's flags from the second argument on s390", () => {
    expect(verdict(p, "clone", [0, FORK_FLAGS], { arch: "s390x" })).toEqual(ALLOW);
    expect(verdict(p, "clone", [0, CLONE_NEWUSER], { arch: "s390x" })).toEqual(DENY);
    expect(verdict(p, "clone", [CLONE_NEWUSER, 0], { arch: "s390x" })).toEqual(ALLOW); // a stack address, not flags
  });

  it("refuses a base that is not a deny-by-default profile", () => {
    expect(() => hardenProfile({ ...BASE, defaultAction: "SCMP_ACT_ALLOW" })).toThrow(/deny-by-default/);
    expect(() => hardenProfile({ ...BASE, defaultAction: "SCMP_ACT_LOG" })).toThrow(/deny-by-default/);
    expect(() => hardenProfile({ defaultAction: "SCMP_ACT_ERRNO" })).toThrow(/not a seccomp profile/);
    expect(() => hardenProfile(null)).toThrow(/not a seccomp profile/);
  });

  it.skipIf(!fs.existsSync(PODMAN_DEFAULT_PROFILE))("hardens this machine's Podman default the same way", () => {
    const base = JSON.parse(fs.readFileSync(PODMAN_DEFAULT_PROFILE, "utf8")) as SeccompProfile;
    // What the sandbox tests found: the default lets an app make a user namespace and trace its neighbours.
    expect(verdict(base, "unshare", [CLONE_NEWUSER])).toEqual(ALLOW);
    expect(verdict(base, "ptrace")).toEqual(ALLOW);
    const hard = hardenProfile(base);
    expect(verdict(hard, "unshare", [CLONE_NEWUSER])).toEqual(DENY);
    expect(verdict(hard, "clone", [FORK_FLAGS | CLONE_NEWUSER])).toEqual(DENY);
    expect(verdict(hard, "clone3")).toEqual(NOSYS);
    for (const name of DENIED_SYSCALLS) expect(verdict(hard, name), name).toEqual(DENY);
    for (const name of ["read", "openat", "execve", "futex", "epoll_wait", "socket", "connect", "io_submit"]) expect(verdict(hard, name), name).toEqual(ALLOW);
    expect(verdict(hard, "clone", [FORK_FLAGS])).toEqual(ALLOW);
  });
});

describe("writeSeccompProfile", () => {
  const dirs: string[] = [];
  const tmp = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), "pcc-seccomp-"));
    dirs.push(d);
    return d;
  };
  afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  it("writes the hardened profile, readable by root only, and says where", () => {
    const dir = tmp();
    const base = path.join(dir, "base.json");
    fs.writeFileSync(base, JSON.stringify(BASE));
    const file = writeSeccompProfile(path.join(dir, "etc"), base);
    expect(file).toBe(path.join(dir, "etc", "seccomp.json"));
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(fs.readFileSync(file, "utf8"))).toEqual(hardenProfile(BASE));
    // Again at the next start, over the old one, leaving no temporary file behind.
    writeSeccompProfile(path.join(dir, "etc"), base);
    expect(fs.readdirSync(path.join(dir, "etc"))).toEqual(["seccomp.json"]);
  });

  it("names the Debian package when Podman's default is missing, and refuses a broken one", () => {
    const dir = tmp();
    expect(() => writeSeccompProfile(dir, path.join(dir, "nope.json"))).toThrow(/missing \(Debian package: golang-github-containers-common\)/);
    fs.writeFileSync(path.join(dir, "bad.json"), "{");
    expect(() => writeSeccompProfile(dir, path.join(dir, "bad.json"))).toThrow(/is not valid JSON/);
    fs.writeFileSync(path.join(dir, "open.json"), JSON.stringify({ ...BASE, defaultAction: "SCMP_ACT_ALLOW" }));
    expect(() => writeSeccompProfile(dir, path.join(dir, "open.json"))).toThrow(/open\.json allows what it does not list/);
    expect(fs.existsSync(path.join(dir, "seccomp.json"))).toBe(false);
  });
});

describe("withSeccompProfile and the create body", () => {
  const spec = (over: Partial<ContainerSpec> = {}): ContainerSpec => ({
    name: "pcc_x_web",
    image: "img",
    labels: {},
    network: "pcc_x",
    aliases: ["web"],
    env: {},
    volumes: [],
    tmpfs: [],
    memoryMb: 64,
    pids: 32,
    ...over,
  });

  it("gives every container it creates the profile, and leaves every other call to the engine", async () => {
    const fake = new FakeEngine();
    fake.images.add("img");
    const engine = withSeccompProfile(fake, "/data/etc/seccomp.json");
    await engine.createContainer(spec());
    await engine.createContainer(spec({ name: "pcc_x_other", seccompProfile: "/elsewhere.json" }));
    expect(fake.containers.get("pcc_x_web")?.spec.seccompProfile).toBe("/data/etc/seccomp.json");
    expect(fake.containers.get("pcc_x_other")?.spec.seccompProfile).toBe("/elsewhere.json");
    // Methods run on the engine itself (its own fields), not on the wrapper.
    expect(await engine.version()).toBe("fake-5.0");
    expect(await engine.imageExists("img")).toBe(true);
    expect(fake.calls).toEqual(["create pcc_x_web", "create pcc_x_other"]);
  });

  it("puts the profile in Podman's create body only when there is one", () => {
    expect(toCreateBody(spec({ seccompProfile: "/data/etc/seccomp.json" }))).toMatchObject({ seccomp_profile_path: "/data/etc/seccomp.json", no_new_privileges: true });
    expect(toCreateBody(spec())).not.toHaveProperty("seccomp_profile_path");
  });
});
