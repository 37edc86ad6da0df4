import { formatPath, type Issue, type PathSegment } from "./issues";

// Fields that would loosen the sandbox do not exist in the spec, so zod alone would only say "unknown field".
// Authors porting a docker-compose file deserve to hear why PCC refuses them, so the raw document is scanned
// for them (any spelling, any depth) before the schema runs. Each is an error whatever the apiVersion.

const R = {
  privileged: "PCC never runs an app with full access to the host; apps run with no capabilities in their own user namespace.",
  network:
    "each app gets its own isolated network; sharing the host's (or another container's) would let it reach every service on the machine and listen on any port.",
  pid: "an app may not see or signal processes outside its sandbox; each app has its own process namespace.",
  ipc: "an app may not share memory with processes outside its sandbox; each app has its own IPC namespace.",
  uts: "an app may not share the host's host name and domain name namespace; each app has its own.",
  cgroup: "an app may not leave or choose the control group PCC puts it in; that is where its memory, CPU and process limits live.",
  caps: "apps run with every Linux capability dropped and PCC grants none back, so an app can never gain power over the host's kernel.",
  devices:
    "apps get no raw host devices; ask for a named device under permissions.devices (e.g. [gpu]), which the owner approves at install.",
  rawDevice: "name a device from PCC's list (gpu); raw device paths are never passed to an app.",
  security:
    "an app may not change its security profile (seccomp, AppArmor, SELinux, no-new-privileges); PCC confines every app the same way.",
  sysctl: "an app may not change kernel settings; they would affect more than its own sandbox.",
  userns: "every app runs in its own user namespace, where its root is an unprivileged user of the host; an app may not choose another.",
  hostPath:
    "an app may not mount a folder or file of the host; it keeps its data in the named volumes it declares, which PCC keeps apart from everything else.",
  bind: "bind mounts expose the host's files to the app; declare a named volume instead.",
  socket: "access to a container engine's socket is full control of the machine, so no app ever gets it.",
  hostFiles: "an app may not copy files from the host into its image; everything it needs must be in its build folder or a registry image.",
  readOnly: "every app's root filesystem is read-only; write to a volume or a tmpfs path instead.",
} as const;

/** Keys are compared lower-cased without - and _, so cap_add, capAdd and Cap-Add are one rule. */
const KEY_RULES: Record<string, string> = {
  privileged: R.privileged,
  networkmode: R.network,
  hostnetwork: R.network,
  net: R.network,
  pid: R.pid,
  pidmode: R.pid,
  hostpid: R.pid,
  ipc: R.ipc,
  ipcmode: R.ipc,
  hostipc: R.ipc,
  uts: R.uts,
  utsmode: R.uts,
  cgroup: R.cgroup,
  cgroupns: R.cgroup,
  cgroupnsmode: R.cgroup,
  cgroupparent: R.cgroup,
  capadd: R.caps,
  capabilities: R.caps,
  addcapabilities: R.caps,
  devices: R.devices,
  device: R.devices,
  devicecgrouprules: R.devices,
  securityopt: R.security,
  securitycontext: R.security,
  seccomp: R.security,
  seccompprofile: R.security,
  apparmor: R.security,
  selinux: R.security,
  allowprivilegeescalation: R.security,
  sysctls: R.sysctl,
  sysctl: R.sysctl,
  usernsmode: R.userns,
  userns: R.userns,
  hostfiles: R.hostFiles,
  hostpath: R.hostPath,
  bind: R.bind,
  binds: R.bind,
};

/** Not a sandbox rule, but this walk sees every key: JavaScript would drop this one silently. */
const PROTO = 'is not allowed as a field or a name: "__proto__" is reserved by JavaScript.';

const SOCKET = /\b(docker|podman|containerd|crio|cri-dockerd)\.sock\b/i;
const HOST_SOURCE = /^(\/|\.|~|\$)/;
const RUN_DIR = /^\/(var\/)?run(\/|$)/;
/** Prose may talk about anything; only fields that configure something are scanned for socket paths. */
const PROSE = new Set(["description", "tagline", "releaseNotes", "name", "label"]);
const MAX_DEPTH = 64;
const MAX_NODES = 100_000;

const norm = (k: string) => k.toLowerCase().replace(/[-_]/g, "");
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Maps whose keys are names chosen by the author (a volume may well be called "devices"), not fields. */
function keysAreNames(path: PathSegment[]): boolean {
  const [a, , c] = path;
  if (path.length === 1) return a === "services" || a === "volumes" || a === "secrets";
  if (path.length === 3 && a === "services") return c === "env" || c === "dependsOn" || c === "environment" || c === "labels";
  return path[path.length - 1] === "labels";
}

export type SandboxScan = { issues: Issue[]; /** paths (formatted) whose schema errors the issues replace */ flagged: Set<string> };

export function scanSandbox(doc: unknown): SandboxScan {
  const issues: Issue[] = [];
  const flagged = new Set<string>();
  let nodes = 0;
  const flag = (path: PathSegment[], message: string) => {
    const p = formatPath(path);
    if (flagged.has(p)) return;
    flagged.add(p);
    issues.push({ path: p, message });
  };
  const hostSource = (src: string, path: PathSegment[]) => flag(path, RUN_DIR.test(src) || SOCKET.test(src) ? R.socket : R.hostPath);

  const walk = (v: unknown, path: PathSegment[]) => {
    if (++nodes > MAX_NODES || path.length > MAX_DEPTH) return;
    if (typeof v === "string") {
      if (SOCKET.test(v) && !PROSE.has(String(path[path.length - 1]))) flag(path, R.socket);
      return;
    }
    if (Array.isArray(v)) {
      const inVolumes = path[path.length - 1] === "volumes";
      v.forEach((item, i) => {
        // docker-compose short syntax: "SOURCE:TARGET[:MODE]", where a source path is a host path.
        if (inVolumes && typeof item === "string" && item.includes(":") && HOST_SOURCE.test(item)) hostSource(item.split(":")[0], [...path, i]);
        walk(item, [...path, i]);
      });
      return;
    }
    if (!isObject(v)) return;
    if (checkObject(v, path)) return;
    const names = keysAreNames(path);
    for (const k of Object.keys(v)) {
      const child = [...path, k];
      const rule = names ? undefined : KEY_RULES[norm(k)];
      if (k === "__proto__") flag(child, PROTO);
      else if (rule === R.devices && formatPath(path) === "permissions") walkDevices(v[k], child);
      else if (rule) flag(child, rule);
      else if (k === "read_only" && v[k] === false) flag(child, R.readOnly);
      else if (path.length === 1 && path[0] === "volumes" && typeof v[k] === "string" && HOST_SOURCE.test(v[k] as string)) {
        hostSource(v[k] as string, child);
      } else walk(v[k], child);
    }
  };

  /**
   * A mount written as an object (compose long syntax, Podman's mounts, driver_opts of a volume). True when
   * the object was refused as a whole, so its inside is not reported again.
   */
  const checkObject = (o: Record<string, unknown>, path: PathSegment[]): boolean => {
    const str = (k: string) => (typeof o[k] === "string" ? (o[k] as string) : undefined);
    const opts = str("o");
    if (str("type") === "bind" || (opts !== undefined && opts.split(",").includes("bind"))) {
      flag(path, R.bind);
      return true;
    }
    for (const k of ["source", "src", "host", "from"]) {
      const s = str(k);
      if (s !== undefined && HOST_SOURCE.test(s)) {
        hostSource(s, path);
        return true;
      }
    }
    return false;
  };

  const walkDevices = (v: unknown, path: PathSegment[]) => {
    if (!Array.isArray(v)) return;
    v.forEach((d, i) => {
      if (typeof d === "string" && d.includes("/")) flag([...path, i], R.rawDevice);
    });
  };

  walk(doc, []);
  return { issues, flagged };
}
