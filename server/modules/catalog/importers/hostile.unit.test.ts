import { execFileSync } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { scanSandbox } from "../../spec/sandbox-rules";
import { importCompose } from "./compose";
import { importApp, readSource } from "./index";
import { importRuntipi } from "./runtipi";
import { MAX_SOURCE_BYTES } from "./source-text";
import { cleanup, FIXTURES, importFixture, notesAbout, type Imported } from "./test-helpers";
import { ImportError } from "./types";

const made: string[] = [];
afterAll(() => cleanup(made));
const digest = `sha256:${"a".repeat(64)}`;
const compose = (text: string) => importCompose({ files: { "docker-compose.yml": text }, listing: [], name: "hostile" });
const body = (yaml: string | Buffer | undefined) =>
  String(yaml)
    .split("\n")
    .filter((l) => !l.startsWith("#"))
    .join("\n");
/** What PCC's lint says about a field, to show the importer gives the same reason. */
const reason = (field: string, value: unknown) => scanSandbox({ services: { s: { [field]: value } } }).issues[0]!.message;

describe("import: what loosens the sandbox is never carried over", () => {
  let r: Imported;
  it("imports the dashboard that asks for everything, and the folder lints", async () => {
    r = await importFixture("compose", "hostile/sandbox");
    made.push(r.dir);
    expect(r.lint.errors).toEqual([]);
    expect(scanSandbox(r.spec).issues).toEqual([]);
  });

  it("leaves every sandbox field out of the spec", () => {
    expect(Object.keys(r.spec.services)).toEqual(["dashboard"]);
    expect(Object.keys(r.spec.services.dashboard).sort()).toEqual(["env", "image", "volumes"]);
    expect(r.spec.services.dashboard.env).toEqual({ PRIVILEGED: "false" });
    expect(r.spec.services.dashboard.volumes).toEqual([{ volume: "data", path: "/data" }]);
    expect(r.spec.permissions).toEqual({ internet: false });
    expect(body(r.yaml)).not.toMatch(/docker\.sock|\/etc|\/proc|rootfs|NET_ADMIN|unconfined|ip_forward|ttyUSB|system\.slice/);
  });

  it("notes each refusal with the reason PCC's lint gives", () => {
    const at = (f: string) => notesAbout(r.result.notes, new RegExp(`services\\.dashboard\\.${f}:`)).find((n) => n.level === "refused");
    expect(at("privileged")?.message).toContain(reason("privileged", true));
    expect(at("network_mode")?.message).toContain(reason("network_mode", "host"));
    expect(at("pid")?.message).toContain(reason("pid", "host"));
    expect(at("ipc")?.message).toContain(reason("ipc", "host"));
    expect(at("cap_add")?.message).toMatch(/NET_ADMIN.*SYS_ADMIN/);
    expect(at("cap_add")?.message).toContain(reason("cap_add", ["NET_ADMIN"]));
    expect(at("security_opt")?.message).toContain(reason("security_opt", ["seccomp:unconfined"]));
    expect(at("sysctls")?.message).toContain(reason("sysctls", {}));
    expect(at("devices")?.message).toContain(reason("devices", ["/dev/x"]));
    expect(at("devices")?.message).toMatch(/permissions: \{ devices: \[gpu\] \}/);
    expect(at("userns_mode")?.message).toContain(reason("userns_mode", "host"));
    expect(at("cgroup_parent")?.message).toContain(reason("cgroup_parent", "x"));
    expect(at("read_only")?.message).toContain(reason("read_only", false));
    expect(at("volumes\\[1\\]")?.message).toMatch(/^the host's \/etc → \/host\/etc dropped: an app may not mount a folder or file of the host/);
    expect(at("volumes\\[2\\]")?.message).toMatch(/^the host's \/ → \/rootfs dropped/);
    expect(at("volumes\\[3\\]")?.message).toMatch(/^the host's \/proc/);
  });

  it("says prominently that the app cannot work without the container engine's socket", () => {
    const first = r.result.notes[0]!;
    expect(first.breaksApp).toBe(true);
    const sock = r.result.notes.filter((n) => n.breaksApp);
    expect(sock.map((n) => n.source).sort()).toEqual(["docker-compose.yml: services.dashboard.environment.DOCKER_HOST", "docker-compose.yml: services.dashboard.volumes[0]"]);
    expect(sock.find((n) => n.source.endsWith("volumes[0]"))!.message).toMatch(/container engine's socket is full control of the machine.*cannot work on PCC/);
    expect(r.yaml).toMatch(/^# - \[breaks the app\] refused: /m);
  });

  it("drops the updater sidecar and the host's clock file", () => {
    expect(notesAbout(r.result.notes, /services\.watchtower: runs watchtower/)).toHaveLength(1);
    expect(notesAbout(r.result.notes, /\/etc\/localtime of the host is not mounted/)[0]?.level).toBe("dropped");
  });

  it("refuses a shared network namespace, a socket in a command or healthcheck, the host's /run", () => {
    const r2 = compose(`services:
  app:
    image: ghcr.io/x/app:1@${digest}
    network_mode: "service:vpn"
    command: ["agent", "--docker", "/var/run/docker.sock"]
    healthcheck:
      test: ["CMD", "test", "-S", "/var/run/docker.sock"]
    volumes:
      - /run:/host-run
  vpn:
    image: ghcr.io/x/vpn:1@${digest}
    cap_add: [NET_ADMIN]
    devices: [/dev/net/tun]
`);
    const y = body(r2.files["app.yaml"]);
    expect(y).not.toMatch(/docker\.sock|command:|healthcheck:|\/run|NET_ADMIN|tun/);
    expect(notesAbout(r2.notes, /network_mode: "service:vpn" dropped/)[0]?.breaksApp).toBe(true);
    expect(notesAbout(r2.notes, /\/dev\/net\/tun.*A VPN inside the app cannot work/)[0]?.breaksApp).toBe(true);
    expect(notesAbout(r2.notes, /volumes\[0\]: \/run → \/host-run dropped: access to a container engine's socket/)).toHaveLength(1);
    expect(scanSandbox(parse(y)).issues).toEqual([]);
  });
});

describe("import: hostile files", () => {
  it("refuses a YAML alias bomb quickly", async () => {
    const started = Date.now();
    const source = await readSource("compose", path.join(FIXTURES, "hostile/bomb"));
    expect(() => importApp("compose", source)).toThrow(ImportError);
    expect(() => importApp("compose", source)).toThrow(/cannot be read: .*alias/i);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("refuses a huge file before reading it, and in the pure importer too", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "pcc-import-huge-"));
    made.push(path.join(dir, "x"));
    const huge = `services:\n  a:\n    image: "${"x".repeat(MAX_SOURCE_BYTES)}"\n`;
    await fs.writeFile(path.join(dir, "docker-compose.yml"), huge);
    await expect(readSource("compose", dir)).rejects.toThrow(/bytes; the importer reads files up to/);
    expect(() => compose(huge)).toThrow(/bytes; the importer reads files up to/);
  });

  it("never blocks on a FIFO where a file is expected", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "pcc-import-fifo-"));
    made.push(path.join(dir, "x"));
    execFileSync("mkfifo", [path.join(dir, "docker-compose.yml")]);
    const source = await readSource("compose", dir);
    expect(() => importApp("compose", source)).toThrow(/no compose file found/);
  });

  it("survives pathological nesting in YAML and JSON", () => {
    expect(() => compose(`${"[".repeat(50_000)}${"]".repeat(50_000)}`)).toThrow(ImportError);
    const deep = `${'{"a":'.repeat(100_000)}1${"}".repeat(100_000)}`;
    expect(() => importRuntipi({ files: { "config.json": deep }, listing: [], name: "x" })).toThrow(ImportError);
  });

  it("refuses what is not a compose document, several documents, duplicate keys and too many services", () => {
    expect(() => compose("- a\n- b\n")).toThrow(/must be a mapping/);
    expect(() => compose("services: {a: {image: x}}\n---\nservices: {}\n")).toThrow(/2 YAML documents/);
    expect(() => compose("services:\n  a: {image: x}\n  a: {image: y}\n")).toThrow(/not valid YAML/);
    const many = `services:\n${Array.from({ length: 41 }, (_, i) => `  s${i}:\n    image: x\n`).join("")}`;
    expect(() => compose(many)).toThrow(/41 services/);
  });

  it("ignores __proto__ as a service or a variable and pollutes nothing", () => {
    const r = compose(`services:
  __proto__:
    image: ghcr.io/x/evil:1@${digest}
  app:
    image: ghcr.io/x/app:1@${digest}
    ports: ["8080:8080"]
    environment:
      __proto__: polluted
      constructor: fine
`);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const y = body(r.files["app.yaml"]);
    expect(y).not.toMatch(/__proto__|evil|polluted/);
    expect(y).toContain("constructor: fine");
  });

  it("bounds odd values: names, paths that climb out, huge env values", () => {
    const r = compose(`services:
  "../../Etc Web":
    image: ghcr.io/x/app:1@${digest}
    ports: ["8080:8080"]
    volumes:
      - data:/srv/../etc
    environment:
      BIG: "${"y".repeat(9000)}"
      spring.datasource.url: jdbc:x
`);
    const y = body(r.files["app.yaml"]);
    expect(y).toMatch(/^ {2}etc-web:$/m);
    expect(y).not.toContain("/srv/../etc");
    expect(notesAbout(r.notes, /is not an absolute path PCC accepts/)).toHaveLength(1);
    expect(notesAbout(r.notes, /9000 characters long; PCC allows 8192/)).toHaveLength(1);
    expect(notesAbout(r.notes, /spring\.datasource\.url: is not a variable name PCC accepts/)).toHaveLength(1);
  });
});
