import { describe, expect, it } from "vitest";
import { parseAppSpec } from "./spec.schema";
import { DIGEST, fullSpec, minimalSpec } from "./spec-fixtures";

/** The only errors of a spec, as "path: message". */
const errorsOf = (s: unknown, mode?: "catalog" | "installed") => parseAppSpec(s, { mode }).errors.map((e) => `${e.path}: ${e.message}`);

describe("cross-field checks: references", () => {
  it.each([
    [(s: any) => (s.ingress[0].service = "api"), 'ingress[0].service: names the service "api", which is not declared under services'],
    [(s: any) => (s.ports[0].service = "nope"), 'ports[0].service: names the service "nope", which is not declared under services'],
    [(s: any) => (s.services.web.dependsOn = { cache: { condition: "started" } }), 'services.web.dependsOn.cache: names the service "cache", which is not declared under services'],
    [(s: any) => (s.services.web.volumes[0].volume = "photos"), 'services.web.volumes[0].volume: names the volume "photos", which is not declared under volumes'],
    [(s: any) => (s.services.web.secretFiles[0].secret = "api-key"), 'services.web.secretFiles[0].secret: names the secret "api-key", which is not declared under secrets'],
    [(s: any) => (s.services.web.env.X = "${secrets.nope}"), 'services.web.env.X: refers to ${secrets.nope}, but no secret "nope" is declared under secrets'],
    [(s: any) => (s.services.web.env.X = "${settings.nope}"), 'services.web.env.X: refers to ${settings.nope}, but no setting has the key "nope"'],
    [(s: any) => (s.services.web.env.X = "${ingress.nope.url}"), 'services.web.env.X: refers to ${ingress.nope.url}, but no ingress is named "nope"'],
    [(s: any) => (s.services.web.env.X = "${services.nope.host}"), 'services.web.env.X: refers to ${services.nope.host}, but no service "nope" is declared'],
    [(s: any) => (s.services.web.env.X = "${env.HOME}"), "services.web.env.X: has an unknown reference"],
    [(s: any) => (s.services.web.env.X = "abc${secrets.db-password"), 'services.web.env.X: has a "${" that is never closed'],
  ])("%#: %s", (mutate, expected) => {
    const s = fullSpec();
    mutate(s);
    const errors = errorsOf(s);
    expect(errors).toHaveLength(1);
    expect(errors[0].startsWith(expected)).toBe(true);
  });

  it("accepts a literal ${ written as $${", () => {
    const s = fullSpec();
    s.services.web.env.X = "cost: $${price}";
    expect(errorsOf(s)).toEqual([]);
  });

  it("requires a healthcheck on a service another waits to be healthy", () => {
    const s = fullSpec();
    delete s.services.db.healthcheck;
    expect(errorsOf(s)).toEqual([
      'services.web.dependsOn.db.condition: is "healthy" but the service "db" has no healthcheck (add one, or use "started")',
    ]);
    s.services.web.dependsOn.db.condition = "started";
    expect(errorsOf(s)).toEqual([]);
  });
});

describe("cross-field checks: dependency cycles", () => {
  const chain = (deps: Record<string, string[]>) => {
    const s = minimalSpec();
    s.services = Object.fromEntries(
      Object.entries(deps).map(([id, on]) => [
        id,
        { image: `ghcr.io/demo/${id}:1@${DIGEST}`, dependsOn: Object.fromEntries(on.map((d) => [d, { condition: "started" }])) },
      ]),
    );
    s.ingress = [{ service: Object.keys(deps)[0], port: 80 }];
    return s;
  };

  it("reports a cycle once, at the edge that closes it", () => {
    expect(errorsOf(chain({ web: ["api"], api: ["db"], db: ["web"] }))).toEqual([
      "services.db.dependsOn.web: closes a dependency cycle (web → api → db → web): services cannot wait for each other",
    ]);
  });

  it("reports a service that waits for itself", () => {
    expect(errorsOf(chain({ web: ["web"] }))).toEqual(["services.web.dependsOn.web: closes a dependency cycle (web → web): services cannot wait for each other"]);
  });

  it("accepts a diamond", () => {
    expect(errorsOf(chain({ web: ["api", "worker"], api: ["db"], worker: ["db"], db: [] }))).toEqual([]);
  });
});

describe("cross-field checks: duplicates", () => {
  it("refuses two ingresses with the same (default) name", () => {
    const s = minimalSpec();
    s.ingress = [{ service: "web", port: 1 }, { service: "web", port: 2, subdomain: "other" }];
    expect(errorsOf(s)).toEqual(['ingress[1].name: "main" is already the name of ingress[0]; each ingress needs its own name']);
  });

  it("refuses two ingresses on the same subdomain, explicit or default", () => {
    const s = minimalSpec();
    s.ingress = [{ service: "web", port: 1 }, { name: "admin", service: "web", port: 2, subdomain: "demo" }];
    expect(errorsOf(s)).toEqual(['ingress[1].subdomain: "demo" is already the subdomain of ingress[0]']);
    s.ingress = [{ service: "web", port: 1 }, { name: "admin", service: "web", port: 2 }, { name: "x", service: "web", port: 3, subdomain: "admin-demo" }];
    expect(errorsOf(s)).toEqual(['ingress[2].subdomain: "admin-demo" is already the subdomain of ingress[1]']);
  });

  it("refuses the same container port published twice, and the same host port twice", () => {
    const s = fullSpec();
    const dns = s.ports[0];
    s.ports = [dns, { ...dns, name: "dns2", hostPort: 5353 }];
    expect(errorsOf(s)).toEqual(['ports[1].containerPort: udp 53 of "dns" is already published by ports[0]']);
    s.ports = [dns, { ...dns, name: "dns2", containerPort: 5353 }];
    expect(errorsOf(s)).toEqual(["ports[1].hostPort: host udp port 53 is already taken by ports[0]"]);
    s.ports = [dns, { ...dns, name: "dns-tcp", protocol: "tcp" }];
    expect(errorsOf(s)).toEqual([]);
    s.ports = [dns, { ...dns, protocol: "tcp" }];
    expect(errorsOf(s)).toEqual(['ports[1].name: repeats the port name "dns"']);
  });

  it("refuses a host port clash through the default host port", () => {
    const s = fullSpec();
    s.ports = [s.ports[0], { name: "alt", service: "web", containerPort: 53, protocol: "udp", description: "x" }];
    expect(errorsOf(s)).toEqual(["ports[1].hostPort: host udp port 53 is already taken by ports[0]"]);
  });

  it("refuses two mounts at one path in a service", () => {
    const s = fullSpec();
    s.services.web.tmpfs = ["/data"];
    expect(errorsOf(s)).toEqual(["services.web.tmpfs[0]: mounts /data again (already used by services.web.volumes[0].path)"]);
  });

  it("keeps /tmp for PCC's own tmpfs", () => {
    const s = fullSpec();
    s.services.web.tmpfs = ["/tmp", "/run"];
    expect(errorsOf(s)).toEqual([]);
    s.services.web.volumes[0].path = "/tmp";
    expect(errorsOf(s)).toEqual(["services.web.volumes[0].path: mounts /tmp again (already used by the tmpfs PCC always mounts there)"]);
  });

  it("refuses two settings with one key", () => {
    const s = fullSpec();
    s.settings.push({ key: "theme", type: "boolean", label: "Again" });
    expect(errorsOf(s)).toEqual(['settings[2].key: repeats the setting "theme"']);
  });
});

describe("cross-field checks: image or build", () => {
  it("wants exactly one of image and build", () => {
    const s = minimalSpec();
    s.services.web.build = { context: "." };
    expect(errorsOf(s)).toEqual([
      "services.web.build: cannot be given together with image: a service runs either a registry image or one built from its folder",
    ]);
    delete s.services.web.build;
    delete s.services.web.image;
    expect(errorsOf(s)).toEqual(["services.web.image: is required (or give build to build the image from the app folder)"]);
  });

  it("requires a digest on registry images, except for test apps, localhost/ images and installed specs", () => {
    const s = minimalSpec();
    s.services.web.image = "ghcr.io/demo/web:1.0";
    expect(errorsOf(s)).toEqual([
      "services.web.image: must be pinned by digest: append @sha256:<64 hex> so the app always runs the image that was reviewed (only test apps may omit it)",
    ]);
    expect(errorsOf({ ...s, test: true })).toEqual([]);
    expect(errorsOf(s, "installed")).toEqual([]);
    s.services.web.image = "localhost/demo-web:1";
    expect(errorsOf(s)).toEqual([]);
  });

  it("wants registry images fully qualified", () => {
    const s = minimalSpec();
    s.services.web.image = `postgres:16@${DIGEST}`;
    expect(errorsOf(s)).toEqual(["services.web.image: must name its registry, e.g. docker.io/library/postgres:16 rather than postgres:16"]);
  });
});

describe("cross-field checks: settings", () => {
  const withSetting = (setting: Record<string, unknown>) => {
    const s = minimalSpec();
    s.settings = [{ key: "k", label: "K", ...setting }];
    s.services.web.env = { K: "${settings.k}" };
    return s;
  };

  it.each([
    [{ type: "number", default: "5" }, "settings[0].default: must be a number, not text"],
    [{ type: "boolean", default: "yes" }, "settings[0].default: must be true or false, not text"],
    [{ type: "text", default: 5 }, "settings[0].default: must be text, not a whole number (put it in quotes)"],
    [{ type: "select" }, "settings[0].options: is required"],
    [{ type: "select", options: [] }, "settings[0].options: a select needs at least one option"],
    [{ type: "select", options: [{ value: "a", label: "A" }], default: "b" }, "settings[0].default: is not one of the options' values"],
    [{ type: "select", options: [{ value: "a", label: "A" }, { value: "a", label: "B" }] }, 'settings[0].options[1].value: repeats the option "a"'],
    [{ type: "number", min: 1, max: 10, default: 11 }, "settings[0].default: is above max (10)"],
    [{ type: "number", min: 5, max: 1 }, "settings[0].max: is below min (5)"],
    [{ type: "text", pattern: "([a-z" }, "settings[0].pattern: is not a valid regular expression"],
    [{ type: "password", pattern: "[a-z]+", default: "ABC" }, "settings[0].default: does not match the setting's own pattern"],
    [{ type: "text", pattern: "(a+)+b", default: "a".repeat(40) }, "settings[0].pattern: takes too long to match its default"],
    [{ type: "number", pattern: "x" }, "settings[0].pattern: is not a field of pcc.app/v1"],
    [{ type: "color" }, 'settings[0].type: must be one of: "text", "password", "number", "select", "boolean"'],
  ])("%j → %s", (setting, expected) => {
    expect(errorsOf(withSetting(setting))[0]).toMatch(new RegExp(`^${expected.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
    expect(errorsOf(withSetting(setting))).toHaveLength(1);
  });

  it("accepts a well-typed setting of each kind", () => {
    for (const setting of [
      { type: "text", default: "abc", pattern: "[a-z]+" },
      { type: "password" },
      { type: "number", default: 3, min: 1, max: 5 },
      { type: "select", default: "a", options: [{ value: "a", label: "A" }] },
      { type: "boolean", default: true },
    ]) {
      expect(errorsOf(withSetting(setting))).toEqual([]);
    }
  });
});

describe("warnings", () => {
  it("flags declared but unused volumes, secrets and settings", () => {
    const s = fullSpec();
    s.volumes.cache = {};
    s.secrets.spare = {};
    s.secrets.admin = { show: true };
    s.settings.push({ key: "unused", type: "boolean", label: "Unused" });
    const r = parseAppSpec(s);
    expect(r.errors).toEqual([]);
    expect(r.warnings.map((w) => w.path)).toEqual(["volumes.cache", "secrets.spare", "settings[2]"]);
  });
});
