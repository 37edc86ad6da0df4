import { describe, expect, it } from "vitest";
import { parseAppSpec } from "./spec.schema";
import { minimalSpec } from "./spec-fixtures";

const withWeb = (web: Record<string, unknown>) => {
  const s = minimalSpec();
  s.services.web = { ...s.services.web, ...web };
  return s;
};
const errorsOf = (s: unknown) => parseAppSpec(s).errors;

/** Each spelling, at service level, with the words its reason must contain. */
const SERVICE_FIELDS: Array<[string, unknown, RegExp]> = [
  ["privileged", true, /never runs an app with full access to the host/],
  ["privileged", false, /never runs an app with full access to the host/],
  ["network_mode", "host", /its own isolated network/],
  ["networkMode", "host", /its own isolated network/],
  ["hostNetwork", true, /its own isolated network/],
  ["pid", "host", /own process namespace/],
  ["ipc", "host", /own IPC namespace/],
  ["uts", "host", /host name/],
  ["cgroupns", "host", /control group/],
  ["cap_add", ["NET_ADMIN"], /every Linux capability dropped/],
  ["capAdd", ["SYS_ADMIN"], /every Linux capability dropped/],
  ["capabilities", { add: ["ALL"] }, /every Linux capability dropped/],
  ["devices", ["/dev/dri:/dev/dri"], /no raw host devices.*permissions\.devices/],
  ["security_opt", ["seccomp=unconfined"], /security profile/],
  ["securityOpt", ["apparmor=unconfined"], /security profile/],
  ["sysctls", { "net.ipv4.ip_forward": 1 }, /kernel settings/],
  ["userns_mode", "host", /own user namespace/],
  ["userns", "keep-id", /own user namespace/],
  ["read_only", false, /root filesystem .* read-only/],
];

describe("sandbox rules: refused fields, with their reason", () => {
  it.each(SERVICE_FIELDS)("services.web.%s = %j", (field, value, reason) => {
    const errors = errorsOf(withWeb({ [field]: value }));
    expect(errors).toEqual([{ path: `services.web.${field}`, message: expect.stringMatching(reason) }]);
  });

  it.each(SERVICE_FIELDS)("top-level %s = %j", (field, value, reason) => {
    expect(errorsOf({ ...minimalSpec(), [field]: value })).toEqual([{ path: field, message: expect.stringMatching(reason) }]);
  });

  it("refuses them in any letter case and under a newer minor too (never a mere warning)", () => {
    expect(errorsOf(withWeb({ Privileged: true })).map((e) => e.path)).toEqual(["services.web.Privileged"]);
    const r = parseAppSpec({ ...withWeb({ cap_add: ["ALL"] }), apiVersion: "pcc.app/v1.4" });
    expect(r.errors.map((e) => e.path)).toEqual(["services.web.cap_add"]);
    expect(r.warnings).toEqual([]);
    expect(r.spec).toBeUndefined();
  });

  it("each reason is one sentence", () => {
    for (const [field, value] of SERVICE_FIELDS) {
      const [e] = errorsOf(withWeb({ [field]: value }));
      expect(e.message).toMatch(/^[A-Za-z].*\.$/);
      expect(e.message).not.toMatch(/\. [A-Z]/);
    }
  });
});

describe("sandbox rules: host paths and runtime sockets", () => {
  it.each([
    ["/srv/photos:/data", /may not mount a folder or file of the host/],
    ["./data:/data:rw", /may not mount a folder or file of the host/],
    ["~/data:/data", /may not mount a folder or file of the host/],
    ["/var/run/docker.sock:/var/run/docker.sock", /container engine's socket/],
    ["/run:/host-run", /container engine's socket/],
  ])("compose short syntax %j", (volume, reason) => {
    expect(errorsOf(withWeb({ volumes: [volume] }))).toEqual([{ path: "services.web.volumes[0]", message: expect.stringMatching(reason) }]);
  });

  it.each([
    [{ type: "bind", source: "data", target: "/data" }, /bind mounts/],
    [{ volume: "data", path: "/data", source: "/etc" }, /folder or file of the host/],
    [{ src: "/var/run/podman/podman.sock", dst: "/sock" }, /container engine's socket/],
  ])("long syntax %j", (volume, reason) => {
    const s = withWeb({ volumes: [volume] });
    s.volumes = { data: {} };
    expect(errorsOf(s)).toEqual([{ path: "services.web.volumes[0]", message: expect.stringMatching(reason) }]);
  });

  it("refuses a top-level volume that is a host folder or a bind", () => {
    const s = minimalSpec();
    s.volumes = { data: "/srv/data" };
    expect(errorsOf(s)).toEqual([{ path: "volumes.data", message: expect.stringMatching(/folder or file of the host/) }]);
    s.volumes = { data: { driver: "local", driver_opts: { type: "none", o: "bind", device: "/srv/data" } } };
    expect(errorsOf(s)).toContainEqual({ path: "volumes.data.driver_opts", message: expect.stringMatching(/bind mounts/) });
    expect(errorsOf(s).map((e) => e.path)).not.toContain("volumes.data.driver_opts.device");
  });

  it("refuses a runtime socket mentioned anywhere that configures something", () => {
    expect(errorsOf(withWeb({ env: { DOCKER_HOST: "unix:///var/run/docker.sock" } }))).toEqual([
      { path: "services.web.env.DOCKER_HOST", message: expect.stringMatching(/container engine's socket/) },
    ]);
    expect(errorsOf(withWeb({ command: ["--socket", "/run/podman/podman.sock"] })).map((e) => e.path)).toEqual(["services.web.command[1]"]);
  });

  it("lets prose talk about sockets", () => {
    expect(errorsOf({ ...minimalSpec(), description: "Unlike others, this app never needs docker.sock." })).toEqual([]);
  });

  it("refuses host files copied into a build (the old hostFiles)", () => {
    const s = withWeb({ image: undefined, build: { context: ".", hostFiles: { busybox: "/bin/busybox" } } });
    expect(errorsOf(s)).toEqual([{ path: "services.web.build.hostFiles", message: expect.stringMatching(/copy files from the host/) }]);
  });
});

describe("sandbox rules: devices", () => {
  it("accepts a named device under permissions, refuses a raw path there", () => {
    expect(errorsOf({ ...minimalSpec(), permissions: { devices: ["gpu"] } })).toEqual([]);
    expect(errorsOf({ ...minimalSpec(), permissions: { devices: ["/dev/dri/renderD128"] } })).toEqual([
      { path: "permissions.devices[0]", message: expect.stringMatching(/raw device paths are never passed/) },
    ]);
  });
});

describe("sandbox rules: names are not fields", () => {
  it("ignores author-chosen names that look like refused fields", () => {
    const s = minimalSpec();
    s.services.privileged = { image: s.services.web.image, env: { PRIVILEGED: "1", devices: "none" }, volumes: [{ volume: "devices", path: "/d" }] };
    s.volumes = { devices: {} };
    s.secrets = { capabilities: { show: true } };
    expect(errorsOf(s)).toEqual([]);
  });
});
