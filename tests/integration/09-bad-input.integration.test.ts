import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, PccInstance } from "../helpers/pcc-instance";
import { writeApp } from "../helpers/test-catalog";
import { testAppCatalog } from "../helpers/test-apps";

/**
 * Bad input, end to end: hostile and malformed app folders in the catalog, and hostile install requests
 * over tRPC and the CLI. Each is refused with a message that names what is wrong, and nothing is created:
 * no container, network, volume or secret in Podman, no row in SQLite. The spec's unit tests cover
 * parsing in depth; this file proves "refused, and nothing created" for a representative case of each
 * field group and for every field that would loosen the sandbox. Add a row to a table to add a case.
 */

/** Port 9 on loopback refuses connections: an install that got through would fail fast, offline. */
const UNREACHABLE = `127.0.0.1:9/pcc-test/nothing:1@sha256:${"a".repeat(64)}`;
type Fields = Record<string, unknown>;
const web = (extra: Fields = {}, more: Fields = {}): Fields => ({ services: { web: { image: UNREACHABLE, ...extra } }, ingress: [{ service: "web", port: 8080 }], ...more });

type ManifestCase = {
  /** The app's folder (and, unless the case is about it, its id). */
  id: string;
  what: string;
  /** app.yaml as fields merged over a valid test app, or its raw text. */
  fields?: Fields;
  yaml?: string;
  /** Anything else the folder holds (files, symlinks), made after app.yaml. */
  setup?: (dir: string) => void;
  /** The catalog's problem for this folder must name this field ("" for the file as a whole). */
  field: string;
  /** …and say this. */
  says?: RegExp;
  /** The folder's name is no app id, so the CLI refuses the id itself. */
  badId?: boolean;
};

const bomb = () => {
  const rows = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (const [prev, cur] of ["ab", "bc", "cd", "de", "ef", "fg", "gh", "hi"]) rows.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(",")}]`);
  return `apiVersion: pcc.app/v1\nid: yaml-bomb\n${rows.join("\n")}\n`;
};

/** Every field that would loosen the sandbox (apps-catalog/README.md, "what PCC refuses"). */
const SANDBOX: ManifestCase[] = [
  { id: "sb-privileged", what: "privileged", fields: web({ privileged: true }), field: "services.web.privileged" },
  { id: "sb-network-mode", what: "network_mode: host", fields: web({ network_mode: "host" }), field: "services.web.network_mode" },
  { id: "sb-networkmode", what: "networkMode: host", fields: web({ networkMode: "host" }), field: "services.web.networkMode" },
  { id: "sb-hostnetwork", what: "hostNetwork", fields: web({ hostNetwork: true }), field: "services.web.hostNetwork" },
  { id: "sb-net", what: "net: host", fields: web({ net: "host" }), field: "services.web.net" },
  { id: "sb-pid", what: "pid: host", fields: web({ pid: "host" }), field: "services.web.pid" },
  { id: "sb-hostpid", what: "hostPID", fields: web({ hostPID: true }), field: "services.web.hostPID" },
  { id: "sb-ipc", what: "ipc: host", fields: web({ ipc: "host" }), field: "services.web.ipc" },
  { id: "sb-hostipc", what: "hostIPC", fields: web({ hostIPC: true }), field: "services.web.hostIPC" },
  { id: "sb-uts", what: "uts: host", fields: web({ uts: "host" }), field: "services.web.uts" },
  { id: "sb-cgroup", what: "cgroup: host", fields: web({ cgroup: "host" }), field: "services.web.cgroup" },
  { id: "sb-cgroupns", what: "cgroupns: host", fields: web({ cgroupns: "host" }), field: "services.web.cgroupns" },
  { id: "sb-cgroup-parent", what: "cgroup_parent", fields: web({ cgroup_parent: "/" }), field: "services.web.cgroup_parent" },
  { id: "sb-cap-add", what: "cap_add", fields: web({ cap_add: ["SYS_ADMIN"] }), field: "services.web.cap_add" },
  { id: "sb-capadd", what: "capAdd", fields: web({ capAdd: ["NET_ADMIN"] }), field: "services.web.capAdd" },
  { id: "sb-capabilities", what: "capabilities", fields: web({ capabilities: { add: ["ALL"] } }), field: "services.web.capabilities" },
  { id: "sb-devices", what: "devices outside permissions", fields: web({ devices: ["/dev/kvm:/dev/kvm"] }), field: "services.web.devices" },
  { id: "sb-device-rules", what: "device_cgroup_rules", fields: web({ device_cgroup_rules: ["c 1:3 mr"] }), field: "services.web.device_cgroup_rules" },
  { id: "sb-raw-device", what: "a device path in permissions.devices", fields: web({}, { permissions: { devices: ["/dev/sda"] } }), field: "permissions.devices[0]" },
  { id: "sb-security-opt", what: "security_opt", fields: web({ security_opt: ["seccomp=unconfined"] }), field: "services.web.security_opt" },
  { id: "sb-securityopt", what: "securityOpt", fields: web({ securityOpt: ["apparmor=unconfined"] }), field: "services.web.securityOpt" },
  { id: "sb-seccomp", what: "seccomp", fields: web({ seccomp: "unconfined" }), field: "services.web.seccomp" },
  { id: "sb-apparmor", what: "apparmor", fields: web({ apparmor: "unconfined" }), field: "services.web.apparmor" },
  { id: "sb-selinux", what: "selinux", fields: web({ selinux: "disabled" }), field: "services.web.selinux" },
  { id: "sb-security-context", what: "securityContext", fields: web({ securityContext: { runAsUser: 0 } }), field: "services.web.securityContext" },
  { id: "sb-sysctls", what: "sysctls", fields: web({ sysctls: { "net.ipv4.ip_forward": "1" } }), field: "services.web.sysctls" },
  { id: "sb-userns-mode", what: "userns_mode: host", fields: web({ userns_mode: "host" }), field: "services.web.userns_mode" },
  { id: "sb-userns", what: "userns: host", fields: web({ userns: "host" }), field: "services.web.userns" },
  { id: "sb-read-only", what: "read_only: false", fields: web({ read_only: false }), field: "services.web.read_only" },
  { id: "sb-host-path", what: "a host path as a volume (/srv/x:/data)", fields: web({ volumes: ["/srv/pcc:/data"] }), field: "services.web.volumes[0]", says: /mount a folder or file of the host/ },
  { id: "sb-relative-path", what: "a host path as a volume (./data:/data)", fields: web({ volumes: ["./data:/data"] }), field: "services.web.volumes[0]", says: /mount a folder or file of the host/ },
  { id: "sb-source", what: "a mount with source: /etc", fields: web({ volumes: [{ source: "/etc", path: "/data" }] }), field: "services.web.volumes[0]", says: /mount a folder or file of the host/ },
  { id: "sb-volume-path", what: "a top-level volume given as a path", fields: web({}, { volumes: { data: "/srv/pcc-data" } }), field: "volumes.data", says: /mount a folder or file of the host/ },
  { id: "sb-hostpath", what: "hostPath", fields: web({ hostPath: { path: "/etc" } }), field: "services.web.hostPath" },
  { id: "sb-type-bind", what: "a mount of type bind", fields: web({ volumes: [{ type: "bind", target: "/data", volume: "data" }] }, { volumes: { data: {} } }), field: "services.web.volumes[0]", says: /bind mounts/ },
  { id: "sb-bind", what: "bind:", fields: web({ bind: { propagation: "shared" } }), field: "services.web.bind" },
  { id: "sb-o-bind", what: "o: bind in driver_opts", fields: web({}, { volumes: { data: { driver_opts: { type: "none", o: "bind", device: "/srv" } } } }), field: "volumes.data.driver_opts", says: /bind mounts/ },
  { id: "sb-docker-sock", what: "docker.sock as a volume", fields: web({ volumes: ["/var/run/docker.sock:/var/run/docker.sock"] }), field: "services.web.volumes[0]", says: /container engine's socket/ },
  { id: "sb-podman-sock", what: "podman.sock in env", fields: web({ env: { DOCKER_HOST: "unix:///run/podman/podman.sock" } }), field: "services.web.env.DOCKER_HOST", says: /container engine's socket/ },
  { id: "sb-host-run", what: "the host's /run mounted", fields: web({ volumes: ["/run:/host-run"] }), field: "services.web.volumes[0]", says: /container engine's socket/ },
  { id: "sb-host-files", what: "hostFiles", fields: web({ hostFiles: ["/etc/shadow"] }), field: "services.web.hostFiles" },
];

/** A representative bad value per group of fields; the spec's unit tests hold the rest. */
const FIELDS: ManifestCase[] = [
  // about the app
  { id: "f-api-v2", what: "apiVersion of a newer major", fields: web({}, { apiVersion: "pcc.app/v2" }), field: "apiVersion", says: /newer PCC/ },
  { id: "f-api-missing", what: "no apiVersion", fields: web({}, { apiVersion: undefined }), field: "apiVersion" },
  { id: "f-api-docker", what: "a docker-compose file's version", fields: web({}, { apiVersion: "3.8" }), field: "apiVersion" },
  { id: "f-id-folder", what: "id and folder differ", fields: web({}, { id: "someone-else" }), field: "id", says: /folder is named "f-id-folder"/ },
  { id: "f-name", what: "a name of 61 characters", fields: web({}, { name: "n".repeat(61) }), field: "name" },
  { id: "f-version", what: "a version YAML reads as a number", fields: web({}, { version: 1.4 }), field: "version" },
  { id: "f-category", what: "an unknown category", fields: web({}, { category: "warez" }), field: "category" },
  { id: "f-developer-url", what: "a developer URL over plain http", fields: web({}, { developer: { name: "x", url: "http://example.com" } }), field: "developer.url" },
  { id: "f-website", what: "a javascript: website", fields: web({}, { website: "javascript:alert(1)" }), field: "website" },
  { id: "f-icon-escape", what: "an icon path leaving the folder", fields: web({}, { icon: "../../etc/passwd.svg" }), field: "icon" },
  { id: "f-icon-link", what: "an icon symlinked to a host file", fields: web({}, { icon: "icon.svg" }), setup: (d) => fs.symlinkSync("/etc/passwd", path.join(d, "icon.svg")), field: "icon", says: /outside the app folder/ },
  { id: "f-screenshots", what: "eleven screenshots", fields: web({}, { screenshots: Array.from({ length: 11 }, (_, i) => `s${i}.png`) }), field: "screenshots" },
  { id: "f-license", what: "a price in no currency", fields: web({}, { license: { price: { amount: 5, currency: "euros" }, purchaseUrl: "https://example.com", publicKey: "A".repeat(43) + "=" } }), field: "license.price.currency" },
  { id: "f-unknown-field", what: "an unknown field", fields: web({}, { permisions: { internet: true } }), field: "permisions" },
  { id: "f-proto", what: "__proto__", yaml: `apiVersion: pcc.app/v1\nid: f-proto\n__proto__: { polluted: true }\n`, field: "__proto__" },
  // services
  { id: "s-none", what: "no services", fields: { services: {} }, field: "services" },
  { id: "s-name", what: "a service name in capitals", fields: { services: { Web: { image: UNREACHABLE } } }, field: 'services.Web' },
  { id: "s-unpinned", what: "a published app's image without a digest", fields: { ...web(), test: false, services: { web: { image: "docker.io/library/nginx:latest" } } }, field: "services.web.image" },
  { id: "s-image-build", what: "both image and build", fields: web({ build: { context: "." } }), field: "services.web" },
  { id: "s-user", what: "user: root", fields: web({ user: "root" }), field: "services.web.user" },
  { id: "s-env-number", what: "an env value YAML reads as a number", fields: web({ env: { PORT: 8080 } }), field: "services.web.env.PORT", says: /quotes/ },
  { id: "s-env-name", what: "an env name starting with a digit", fields: web({ env: { "1BAD": "x" } }), field: "services.web.env" },
  { id: "s-workdir", what: "a relative workingDir", fields: web({ workingDir: "app" }), field: "services.web.workingDir" },
  { id: "s-mount", what: "a mount of an undeclared volume", fields: web({ volumes: [{ volume: "nope", path: "/data" }] }), field: "services.web.volumes[0].volume" },
  { id: "s-tmpfs", what: "a relative tmpfs path", fields: web({ tmpfs: ["tmp"] }), field: "services.web.tmpfs[0]" },
  { id: "s-health-two", what: "a healthcheck with two probes", fields: web({ healthcheck: { http: { port: 8080, path: "/" }, tcp: { port: 8080 } } }), field: "services.web.healthcheck" },
  { id: "s-health-port", what: "a healthcheck port of 70000", fields: web({ healthcheck: { tcp: { port: 70000 } } }), field: "services.web.healthcheck.tcp.port" },
  { id: "s-depends", what: "depending on a service that does not exist", fields: web({ dependsOn: { db: { condition: "started" } } }), field: "services.web.dependsOn.db" },
  { id: "s-memory", what: "1 MB of memory", fields: web({ resources: { memoryMb: 1 } }), field: "services.web.resources.memoryMb" },
  { id: "s-command", what: "a command that is not a list", fields: web({ command: "rm -rf /" }), field: "services.web.command" },
  // build folders
  { id: "b-context-up", what: "a build context outside the folder", fields: { services: { web: { build: { context: "../.." } } }, ingress: [{ service: "web", port: 8080 }] }, field: "services.web.build.context" },
  {
    id: "b-link-file",
    what: "a build folder holding a symlink to a host file",
    fields: { services: { web: { build: { context: "build" } } }, ingress: [{ service: "web", port: 8080 }] },
    setup: (d) => {
      fs.mkdirSync(path.join(d, "build"));
      fs.writeFileSync(path.join(d, "build/Containerfile"), "FROM scratch\nCOPY shadow /\n");
      fs.symlinkSync("/etc/shadow", path.join(d, "build/shadow"));
    },
    field: "services.web.build.context",
    says: /symlink that leads outside the app folder/,
  },
  {
    id: "b-link-dir",
    what: "a build folder holding a symlink to /",
    fields: { services: { web: { build: {} } }, ingress: [{ service: "web", port: 8080 }] },
    setup: (d) => {
      fs.writeFileSync(path.join(d, "Containerfile"), "FROM scratch\nCOPY root/etc/shadow /\n");
      fs.symlinkSync("/", path.join(d, "root"));
    },
    field: "services.web.build.context",
    says: /symlink that leads outside the app folder/,
  },
  { id: "b-no-containerfile", what: "a build folder without its Containerfile", fields: { services: { web: { build: {} } }, ingress: [{ service: "web", port: 8080 }] }, field: "services.web.build.containerfile" },
  // ingress and ports
  { id: "i-service", what: "an ingress to an unknown service", fields: { ...web(), ingress: [{ service: "api", port: 8080 }] }, field: "ingress[0].service" },
  { id: "i-port", what: "an ingress on port 0", fields: { ...web(), ingress: [{ service: "web", port: 0 }] }, field: "ingress[0].port" },
  { id: "i-subdomain", what: "a subdomain that is no DNS label", fields: { ...web(), ingress: [{ service: "web", port: 8080, subdomain: "a_b.evil" }] }, field: "ingress[0].subdomain" },
  { id: "i-public", what: "a public path with ..", fields: { ...web(), ingress: [{ service: "web", port: 8080, public: ["/../admin"] }] }, field: "ingress[0].public[0]" },
  { id: "i-auth-header", what: "the user's name in the Cookie header", fields: { ...web(), ingress: [{ service: "web", port: 8080, auth: { method: "header", header: "Cookie" } }] }, field: "ingress[0].auth.header" },
  {
    id: "i-dup-subdomain",
    what: "two ingresses at one subdomain",
    fields: { ...web(), ingress: [{ service: "web", port: 8080 }, { name: "admin", service: "web", port: 8081, subdomain: "i-dup-subdomain" }] },
    field: "ingress[1].subdomain",
  },
  {
    id: "p-dup-host-port",
    what: "two ports on one host port",
    fields: web({}, { ports: [{ name: "a", service: "web", containerPort: 53, protocol: "udp", hostPort: 5353, description: "DNS" }, { name: "b", service: "web", containerPort: 54, protocol: "udp", hostPort: 5353, description: "DNS again" }] }),
    field: "ports[1].hostPort",
  },
  { id: "p-protocol", what: "an sctp port", fields: web({}, { ports: [{ name: "a", service: "web", containerPort: 9, protocol: "sctp", description: "x" }] }), field: "ports[0].protocol" },
  { id: "p-range", what: "a host port of 70000", fields: web({}, { ports: [{ name: "a", service: "web", containerPort: 9, hostPort: 70000, description: "x" }] }), field: "ports[0].hostPort" },
  // volumes, secrets, settings, references, permissions
  { id: "v-secret-length", what: "a 4-character secret", fields: web({}, { secrets: { pw: { length: 4 } } }), field: "secrets.pw.length" },
  { id: "v-setting-dup", what: "two settings with one key", fields: web({}, { settings: [{ key: "a", type: "text", label: "A" }, { key: "a", type: "text", label: "B" }] }), field: "settings[1].key" },
  { id: "v-setting-default", what: "a number setting with a text default", fields: web({}, { settings: [{ key: "n", type: "number", label: "N", default: "ten" }] }), field: "settings[0].default" },
  { id: "v-setting-redos", what: "a pattern that backtracks for hours on its default", fields: web({}, { settings: [{ key: "n", type: "text", label: "N", pattern: "(a+)+b", default: "a".repeat(48) }] }), field: "settings[0].pattern", says: /too long/ },
  { id: "r-secret", what: "env naming an undeclared secret", fields: web({ env: { PW: "${secrets.nope}" } }), field: "services.web.env.PW", says: /nope/ },
  { id: "r-setting", what: "env naming an undeclared setting", fields: web({ env: { X: "${settings.nope}" } }), field: "services.web.env.X" },
  { id: "r-service", what: "env naming an undeclared service", fields: web({ env: { DB: "${services.db.host}" } }), field: "services.web.env.DB" },
  { id: "r-unknown", what: "env with an unknown reference", fields: web({ env: { HOME: "${host.home}" } }), field: "services.web.env.HOME" },
  { id: "x-internet", what: "internet: yes (text)", fields: web({}, { permissions: { internet: "yes" } }), field: "permissions.internet" },
  { id: "x-device", what: "a device not on PCC's list", fields: web({}, { permissions: { devices: ["tpu"] } }), field: "permissions.devices[0]" },
  // the file itself
  { id: "y-bomb", what: "a YAML alias bomb", yaml: bomb(), field: "", says: /alias/i },
  // First in the folder, so it is the first YAML this PCC ever reads: a stack overflow in a cold parser
  // used to abort the whole process at the next read.
  { id: "0-nested", what: "50 000 nested lists", yaml: `${"[".repeat(50_000)}${"]".repeat(50_000)}`, field: "", says: /nested more than 64 levels/, badId: true },
  { id: "y-compact", what: "2000 compact nested sequences", yaml: `apiVersion: pcc.app/v1\nid: y-compact\nx: ${"- ".repeat(2000)}x\n`, field: "", says: /nested more than 64 levels/ },
  { id: "Upper", what: "a folder named in capitals", fields: web(), field: "", says: /the folder name "Upper" is not a valid app id/, badId: true },
  { id: "y-large", what: "a 300 KB app.yaml", yaml: `apiVersion: pcc.app/v1\nid: y-large\ndescription: "${"x".repeat(300_000)}"\n`, field: "", says: /the limit is 262144/ },
  { id: "y-huge", what: "a 1 GiB app.yaml (sparse)", setup: (d) => fs.truncateSync(path.join(d, "app.yaml"), 1024 ** 3), yaml: "", field: "", says: /1073741824 bytes; the limit is 262144/ },
  { id: "y-fifo", what: "app.yaml as a named pipe", setup: (d) => (fs.rmSync(path.join(d, "app.yaml")), spawnSync("mkfifo", [path.join(d, "app.yaml")])), yaml: "", field: "", says: /not a file/ },
  { id: "y-link", what: "app.yaml as a symlink to a host file", setup: (d) => (fs.rmSync(path.join(d, "app.yaml")), fs.symlinkSync("/etc/passwd", path.join(d, "app.yaml"))), yaml: "", field: "", says: /outside the app folder/ },
  { id: "y-two-docs", what: "two YAML documents", yaml: "apiVersion: pcc.app/v1\n---\nid: y-two-docs\n", field: "", says: /documents/ },
  { id: "y-dup-keys", what: "a key given twice", yaml: "apiVersion: pcc.app/v1\nid: y-dup-keys\nid: other\n", field: "", says: /unique/ },
  { id: "y-garbage", what: "binary garbage", yaml: "\u0000\u0001\u0002\uFFFD:::\n\t- [", field: "" },
  { id: "y-empty", what: "an empty file", yaml: "", field: "", says: /but it is empty$/ },
  { id: "y-list", what: "a list instead of a mapping", yaml: "- apiVersion: pcc.app/v1\n", field: "" },
];

const MANIFESTS = [...SANDBOX, ...FIELDS];

type RequestCase = { what: string; input: Record<string, unknown>; says: RegExp };

describe("bad input: refused with a message, and nothing created", () => {
  let apps: Awaited<ReturnType<typeof testAppCatalog>>;
  let pcc: PccInstance;
  let session = "";
  let before = "";
  const heldPort = { value: 0 };

  /** The app requests are made against: valid apps that ask for little, a port, a form. */
  const REQUESTS: RequestCase[] = [
    { what: "internet for an app that does not ask for it", input: { id: "plain", grants: { internet: true } }, says: /does not ask for internet access/ },
    { what: "the local network", input: { id: "plain", grants: { lan: true } }, says: /does not ask for access to your local network/ },
    { what: "a device", input: { id: "plain", grants: { devices: ["gpu"] } }, says: /does not ask for the device "gpu"/ },
    { what: "a raw device path", input: { id: "plain", grants: { devices: ["/dev/sda"] } }, says: /does not ask for the device "\/dev\/sda"/ },
    { what: "a port it does not declare", input: { id: "plain", grants: { ports: { ssh: 22 } } }, says: /does not ask for a port named "ssh"/ },
    { what: "a grant that does not exist", input: { id: "plain", grants: { privileged: true } }, says: /privileged/ },
    { what: "host port 0", input: { id: "porty", grants: { ports: { web: 0 } } }, says: />=1/ },
    { what: "host port 65536", input: { id: "porty", grants: { ports: { web: 65536 } } }, says: /<=65535/ },
    { what: "host port -1", input: { id: "porty", grants: { ports: { web: -1 } } }, says: />=1/ },
    { what: "host port 80.5", input: { id: "porty", grants: { ports: { web: 80.5 } } }, says: /int/ },
    { what: 'host port "80"', input: { id: "porty", grants: { ports: { web: "80" } } }, says: /expected number/ },
    { what: "a number setting given text", input: { id: "setty", settings: { count: "many" } }, says: /Count must be a number/ },
    { what: "a number setting out of bounds", input: { id: "setty", settings: { count: 11 } }, says: /Count must be at most 10/ },
    { what: "a boolean setting given text", input: { id: "setty", settings: { flag: "maybe" } }, says: /Flag must be on or off/ },
    { what: "a select setting given no choice", input: { id: "setty", settings: { mode: "c" } }, says: /Mode must be one of the choices/ },
    { what: "a text setting against its pattern", input: { id: "setty", settings: { handle: "Robert'); DROP TABLE apps;--" } }, says: /Handle does not have the expected form/ },
    { what: "a text setting that makes its pattern backtrack", input: { id: "setty", settings: { slow: "a".repeat(48) } }, says: /Slow cannot be checked/ },
    { what: "a setting the app does not have", input: { id: "setty", settings: { admin: true } }, says: /^"admin" is not a setting of this app$/ },
    { what: "a setting given an object", input: { id: "setty", settings: { handle: { $ne: "" } } }, says: /expected string/ },
    { what: "a setting of 5000 characters", input: { id: "setty", settings: { handle: "a".repeat(5000) } }, says: /<=4096/ },
    { what: 'the id "../x"', input: { id: "../x" }, says: /An app id is 1-30 lower-case letters/ },
    { what: 'the id "..%2Fetc"', input: { id: "..%2Fetc" }, says: /An app id is 1-30 lower-case letters/ },
    { what: 'the id "plain/../../etc"', input: { id: "plain/../../etc" }, says: /An app id is 1-30 lower-case letters/ },
    { what: 'the id "Plain"', input: { id: "Plain" }, says: /An app id is 1-30 lower-case letters/ },
    { what: "an id of 200 characters", input: { id: "a".repeat(200) }, says: /An app id is 1-30 lower-case letters/ },
    { what: "an empty id", input: { id: "" }, says: /An app id is 1-30 lower-case letters/ },
    { what: "an id with a NUL byte", input: { id: "plain\u0000" }, says: /An app id is 1-30 lower-case letters/ },
    { what: "an id that is a list", input: { id: ["plain"] }, says: /expected string/ },
    { what: "an app that is not in the catalog", input: { id: "nope" }, says: /There is no app "nope" in the catalog/ },
    { what: "an app whose entry is broken", input: { id: "sb-privileged" }, says: /The catalog entry of "sb-privileged" is not valid, so it cannot be installed: services\.web\.privileged: / },
    { what: "an app that is installed already", input: { id: "ws" }, says: /Ws is already installed/ },
    { what: "an app at another app's address", input: { id: "clash" }, says: /wants the address https:\/\/ws\.pcc\.localhost:\d+, which Ws already uses/ },
  ];

  beforeAll(async () => {
    apps = await testAppCatalog({ dns: await freePort(), echo: await freePort() });
    for (const c of MANIFESTS) {
      if (c.yaml !== undefined) {
        fs.mkdirSync(path.join(apps.dir, c.id));
        fs.writeFileSync(path.join(apps.dir, c.id, "app.yaml"), c.yaml);
      } else writeApp(apps.dir, c.id, c.fields!);
      c.setup?.(path.join(apps.dir, c.id));
    }
    heldPort.value = await freePort();
    writeApp(apps.dir, "plain", web());
    writeApp(apps.dir, "porty", web({}, { ports: [{ name: "web", service: "web", containerPort: 8080, hostPort: heldPort.value, description: "The web port" }] }));
    writeApp(
      apps.dir,
      "setty",
      web({}, {
        settings: [
          { key: "count", type: "number", label: "Count", min: 1, max: 10, default: 3 },
          { key: "flag", type: "boolean", label: "Flag", default: true },
          { key: "mode", type: "select", label: "Mode", options: [{ value: "a", label: "A" }, { value: "b", label: "B" }], default: "a" },
          { key: "handle", type: "text", label: "Handle", pattern: "[a-z]+", default: "owner" },
          { key: "slow", type: "text", label: "Slow", pattern: "(a+)+b", default: "ab" },
        ],
      }),
    );
    writeApp(apps.dir, "clash", web({}, { ingress: [{ service: "web", port: 8080, subdomain: "ws" }] }));

    pcc = await PccInstance.start({ catalogDir: apps.dir, insecureRegistries: [apps.registry.host] });
    session = await pcc.claim();
    // One app installed for real: its objects must be all Podman holds at the end, untouched.
    const r = pcc.cli("app", "install", "ws");
    expect(r.code, r.stderr).toBe(0);
    before = await snapshot();
  });

  afterAll(async () => {
    await pcc?.stop();
    await pcc?.cleanup();
    await apps?.cleanup();
  });

  it("the catalog lists every bad folder as a problem naming the field, and offers none of them", async () => {
    const t0 = Date.now();
    const catalog = (await pcc.trpc("apps.catalog", null, session, "query")).json.result?.data as { apps: { id: string }[]; problems: { source: string; message: string }[] };
    // Hostile files (a 1 GiB one, a FIFO, bombs) cost the catalog nothing: they are refused unread.
    expect(Date.now() - t0).toBeLessThan(5_000);
    const offered = new Set(catalog.apps.map((a) => a.id));
    const problems = new Map(catalog.problems.map((p) => [p.source, p.message]));
    const wrong: string[] = [];
    for (const c of MANIFESTS) {
      const message = problems.get(`${c.id}/app.yaml`);
      if (offered.has(c.id)) wrong.push(`${c.id} (${c.what}): offered in the store`);
      else if (!message) wrong.push(`${c.id} (${c.what}): no problem reported`);
      else if (!namesField(message, c.field) || (c.says && !c.says.test(message))) wrong.push(`${c.id} (${c.what}): ${message.slice(0, 300)}`);
    }
    expect(wrong).toEqual([]);
    for (const good of ["plain", "porty", "setty", "clash", "ws"]) expect(offered.has(good), good).toBe(true);
  });

  it("`./pcc app install` refuses each bad folder, saying what is wrong, before anything is made", async () => {
    const results = await inBatches(MANIFESTS, 3, async (c) => ({ c, r: await pcc.cliAsync("app", "install", c.id) }));
    const wrong: string[] = [];
    for (const { c, r } of results) {
      const said = r.stderr.trim();
      const expected = `error: The catalog entry of "${c.id}" is not valid, so it cannot be installed: `;
      const refused = c.badId
        ? said === "error: An app id is 1-30 lower-case letters, digits or dashes, starting with a letter."
        : said.startsWith(expected) && namesField(said.slice(expected.length), c.field);
      if (r.code !== 1 || !refused) wrong.push(`${c.id} (${c.what}): exit ${r.code}: ${said.slice(0, 300)}`);
    }
    expect(wrong).toEqual([]);
    expect(journaled(MANIFESTS.map((c) => c.id))).toEqual([]);
    expect(await snapshot()).toBe(before);
  });

  it("refuses hostile install requests over tRPC, each with a message, and makes nothing", async () => {
    const wrong: string[] = [];
    for (const c of REQUESTS) {
      const r = await pcc.trpc("apps.install", c.input, session);
      const message = r.json.error?.message ?? "";
      if (r.status < 400 || r.status >= 500 || !c.says.test(message)) wrong.push(`${c.what}: ${r.status} ${message.slice(0, 300)}`);
    }
    expect(wrong).toEqual([]);
    expect(journaled(["ws", "plain", "porty", "setty", "clash"])).toEqual(["ws"]); // the one real install shows: the check works
    expect(await snapshot()).toBe(before);
  });

  it("refuses hostile ids and values on the CLI too", async () => {
    const cases: [string[], RegExp][] = [
      [["app", "install", "../x"], /An app id is 1-30 lower-case letters/],
      [["app", "install", "x".repeat(200)], /An app id is 1-30 lower-case letters/],
      [["app", "install", "setty", "--set", "count=many"], /Count must be a number/],
      [["app", "install", "porty", "--port", "web=99999"], /usage|65535/],
      [["app", "install", "plain", "--port", "ssh=2222"], /does not ask for a port named "ssh"/],
      [["app", "install", "clash"], /which Ws already uses/],
    ];
    for (const [args, says] of cases) {
      const r = pcc.cli(...args);
      expect(r.code, args.join(" ")).not.toBe(0);
      expect(r.stderr, args.join(" ")).toMatch(says);
    }
    expect(await snapshot()).toBe(before);
    expect(JSON.parse(pcc.cli("app", "list", "--json").stdout).map((a: { id: string }) => a.id)).toEqual(["ws"]);
  });

  /** Everything PCC holds that an install could have made: Podman objects by kind, and the rows in SQLite. */
  async function snapshot(): Promise<string> {
    const managed = encodeURIComponent(JSON.stringify({ label: ["pcc.managed=true"] }));
    const [containers, networks, volumes, secrets, list] = await Promise.all([
      pcc.podman(`/containers/json?all=true&filters=${managed}`),
      pcc.podman(`/networks/json?filters=${managed}`),
      pcc.podman(`/volumes/json?filters=${managed}`),
      pcc.podman("/secrets/json"),
      pcc.trpc("apps.list", null, session, "query"),
    ]);
    return JSON.stringify({
      containers: (containers.json as { Names: string[]; State: string }[]).map((c) => `${c.Names[0]} ${c.State}`).sort(),
      networks: (networks.json as { name: string }[]).map((n) => n.name).sort(),
      volumes: (volumes.json as { Name: string }[]).map((v) => v.Name).sort(),
      secrets: (secrets.json as { Spec: { Name: string } }[]).map((s) => s.Spec.Name).sort(),
      rows: (list.json.result?.data as { id: string; status: string }[]).map((a) => `${a.id} ${a.status}`).sort(),
    });
  }

  /** The ids whose install got as far as the journal (a row in SQLite, however briefly). */
  function journaled(ids: string[]): string[] {
    const log = fs.readFileSync(path.join(pcc.dataDir, "logs/pcc.log"), "utf8");
    return ids.filter((id) => log.includes(`"app":"${id}","msg":"install requested"`));
  }
});

/** A problem names a field when one of its "path: message" parts starts with it ("(file)" for the file). */
function namesField(message: string, field: string): boolean {
  const name = field === "" ? "(file)" : field;
  return message.split("; ").some((part) => part.startsWith(`${name}: `) || part.startsWith(`${name}.`) || part.startsWith(`${name}[`));
}

async function inBatches<T, R>(items: T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return out;
}
