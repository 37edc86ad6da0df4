import { describe, expect, expectTypeOf, it } from "vitest";
import { parseAppSpec, type AppSpec, type ParseMode } from "./spec.schema";
import { fullSpec, minimalSpec } from "./spec-fixtures";

const errorsOf = (input: unknown, opts?: ParseMode) => parseAppSpec(input, opts).errors;
/** The messages reported at exactly `path`. */
const at = (input: unknown, path: string) => errorsOf(input).filter((e) => e.path === path).map((e) => e.message);

const withWeb = (web: Record<string, unknown>) => {
  const s = minimalSpec();
  s.services.web = { ...s.services.web, ...web };
  return s;
};

describe("parseAppSpec: valid specs", () => {
  it("accepts the full example with no errors or warnings", () => {
    const r = parseAppSpec(fullSpec());
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.spec?.id).toBe("photos");
  });

  it("normalizes: durations in ms, subdomains and host ports resolved", () => {
    const spec = parseAppSpec(fullSpec()).spec!;
    expect(spec.services.web.healthcheck).toEqual({ http: { port: 8080, path: "/health" }, interval: 5000, timeout: 500, retries: 5, startPeriod: 120_000 });
    expect(spec.ingress.map((g) => g.subdomain)).toEqual(["photos", "admin-photos"]);
    expect(spec.ports[0]).toMatchObject({ hostPort: 53, protocol: "udp" });
    expect(spec.permissions).toEqual({ internet: { hosts: ["api.binance.com"] }, lan: false, devices: ["gpu"] });
  });

  it("fills every default of a minimal spec", () => {
    const spec = parseAppSpec(minimalSpec()).spec!;
    expect(spec).toMatchObject({ test: false, screenshots: [], ports: [], volumes: {}, secrets: {}, settings: [] });
    expect(spec.permissions).toEqual({ internet: false, lan: false, devices: [] });
    expect(spec.services.web).toEqual({
      image: minimalSpec().services.web.image,
      env: {},
      volumes: [],
      tmpfs: [],
      secretFiles: [],
      dependsOn: {},
      resources: { memoryMb: 256, cpus: 1, pids: 256 },
    });
    expect(spec.ingress).toEqual([{ name: "main", service: "web", port: 8080, subdomain: "demo", public: [], auth: { method: "none" } }]);
  });

  it("fills healthcheck, secret, build and port defaults", () => {
    const s = withWeb({ healthcheck: { tcp: { port: 5432 } } });
    s.secrets = { pw: null, other: {} };
    s.services.web.env = { A: "${secrets.pw}${secrets.other}" };
    s.services.b = { build: {} };
    s.ports = [{ name: "p", service: "web", containerPort: 2222, description: "SSH" }];
    const spec = parseAppSpec(s).spec!;
    expect(spec.services.web.healthcheck).toEqual({ tcp: { port: 5432 }, interval: 10_000, timeout: 3000, retries: 3, startPeriod: 60_000 });
    expect(spec.secrets.pw).toEqual({ length: 32, alphabet: "alphanumeric", show: false });
    expect(spec.services.b.build).toEqual({ context: ".", containerfile: "Containerfile" });
    expect(spec.ports[0]).toMatchObject({ protocol: "tcp", hostPort: 2222 });
  });

  it("names the second ingress <name>-<id> by default", () => {
    const s = minimalSpec();
    s.ingress = [{ name: "api", service: "web", port: 1 }, { name: "admin", service: "web", port: 2 }];
    expect(parseAppSpec(s).spec!.ingress.map((g) => g.subdomain)).toEqual(["demo", "admin-demo"]);
  });

  it("accepts an app without ingress (a DNS server) with a warning", () => {
    const s = minimalSpec();
    delete s.ingress;
    const r = parseAppSpec(s);
    expect(r.spec).toBeDefined();
    expect(r.warnings.map((w) => w.path)).toEqual(["ingress"]);
  });
});

describe("parseAppSpec: fields", () => {
  it.each([
    ["id", "Photos"],
    ["id", "a".repeat(31)],
    ["version", "1.4"],
    ["version", "v1.4.2"],
    ["version", "01.4.2"],
    ["tagline", "x".repeat(121)],
    ["description", "x".repeat(4001)],
    ["category", "monitoring"],
    ["icon", "../icon.svg"],
    ["icon", "/etc/icon.svg"],
    ["icon", "icon.gif"],
    ["website", "http://immich.app"],
    ["website", "javascript:alert(1)"],
  ])("rejects %s = %j", (field, value) => {
    expect(at({ ...minimalSpec(), [field]: value }, field)).toHaveLength(1);
  });

  it.each(["1.0.0", "0.1.0-rc.1", "2.0.0+build.5", "10.20.30-alpha.beta"])("accepts the version %j", (version) => {
    expect(errorsOf({ ...minimalSpec(), version })).toEqual([]);
  });

  it("asks to quote a version YAML read as a number", () => {
    expect(at({ ...minimalSpec(), version: 1.4 }, "version")[0]).toMatch(/quotes/);
  });

  it.each([
    ["image", "nginx:1.27"],
    ["image", "ghcr.io/Owner/App:1"],
    ["image", "ghcr.io/a/b:1 --privileged"],
    ["user", "root"],
    ["workingDir", "app"],
    ["command", "run.sh"],
    ["tmpfs", ["tmp"]],
    ["tmpfs", ["/a", "/a"]],
    ["volumes", [{ volume: "data", path: "/" }]],
    ["env", { "BAD-NAME": "x" }],
    ["env", { PORT: 8080 }],
    ["resources", { memoryMb: 8 }],
    ["resources", { cpus: 65 }],
    ["resources", { pids: 40000 }],
  ])("rejects services.web.%s = %j", (field, value) => {
    const errors = errorsOf(withWeb({ [field]: value }));
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => e.path.startsWith(`services.web.${field}`))).toBe(true);
  });

  it("says what a healthcheck needs", () => {
    expect(at(withWeb({ healthcheck: {} }), "services.web.healthcheck")).toEqual(["needs exactly one probe: http, tcp or command"]);
    expect(at(withWeb({ healthcheck: { tcp: { port: 1 }, command: ["true"] } }), "services.web.healthcheck")).toEqual([
      "has tcp and command: give exactly one probe",
    ]);
    expect(at(withWeb({ healthcheck: { tcp: { port: 1 }, interval: "10 s" } }), "services.web.healthcheck.interval")[0]).toMatch(/duration/);
    expect(at(withWeb({ healthcheck: { tcp: { port: 1 }, interval: "1ms" } }), "services.web.healthcheck.interval")).toEqual(["must be at least 1s"]);
    expect(at(withWeb({ healthcheck: { tcp: { port: 1 }, timeout: "2h" } }), "services.web.healthcheck.timeout")).toEqual(["must be at most 10m"]);
    expect(at(withWeb({ healthcheck: { http: { port: 70000, path: "/" } } }), "services.web.healthcheck.http.port")).toEqual(["must be at most 65535"]);
  });

  it.each([
    [{ public: ["share"] }, "ingress[0].public[0]"],
    [{ public: ["/a/../admin"] }, "ingress[0].public[0]"],
    [{ public: ["/files/*"] }, "ingress[0].public[0]"],
    [{ subdomain: "-x" }, "ingress[0].subdomain"],
    [{ auth: { method: "oidc" } }, "ingress[0].auth.redirectPath"],
    [{ auth: { method: "header", header: "Cookie" } }, "ingress[0].auth.header"],
    [{ auth: { method: "magic" } }, "ingress[0].auth.method"],
  ])("rejects the ingress %j at %s", (extra, path) => {
    const s = minimalSpec();
    s.ingress = [{ ...s.ingress[0], ...extra }];
    expect(errorsOf(s).map((e) => e.path)).toEqual([path]);
  });

  it("warns when an ingress makes the whole app public", () => {
    const s = minimalSpec();
    s.ingress[0].public = ["/"];
    expect(parseAppSpec(s).warnings.map((w) => w.path)).toEqual(["ingress[0].public[0]"]);
  });

  it.each([
    [{ internet: "yes" }, "permissions.internet"],
    [{ internet: { hosts: [] } }, "permissions.internet.hosts"],
    [{ internet: { hosts: ["https://x.com"] } }, "permissions.internet.hosts[0]"],
    [{ devices: ["usb"] }, "permissions.devices[0]"],
    [{ lan: "no" }, "permissions.lan"],
  ])("rejects the permissions %j at %s", (permissions, path) => {
    expect(errorsOf({ ...minimalSpec(), permissions }).map((e) => e.path)).toEqual([path]);
  });

  it.each([
    [{ price: { amount: 0, currency: "EUR" } }, "license.price.amount"],
    [{ price: { amount: 5, currency: "euro" } }, "license.price.currency"],
    [{ purchaseUrl: "http://x.com/buy" }, "license.purchaseUrl"],
    [{ publicKey: "abc" }, "license.publicKey"],
  ])("rejects the license %j at %s", (extra, path) => {
    const license = { ...fullSpec().license, ...extra };
    expect(errorsOf({ ...minimalSpec(), license }).map((e) => e.path)).toEqual([path]);
  });

  it("rejects secrets out of bounds", () => {
    const s = minimalSpec();
    s.secrets = { pw: { length: 4, alphabet: "emoji" } };
    expect(errorsOf(s).map((e) => e.path).sort()).toEqual(["secrets.pw.alphabet", "secrets.pw.length"]);
  });

  it("explains a missing field and a wrong type in plain words", () => {
    const { name: _name, ...noName } = minimalSpec();
    expect(at(noName, "name")).toEqual(["is required"]);
    expect(at({ ...minimalSpec(), services: [] }, "services")).toEqual(["must be a mapping (key: value), not a list"]);
    expect(at({ ...minimalSpec(), services: {} }, "services")).toEqual(["must declare at least one service"]);
  });
});

describe("parseAppSpec: unknown fields", () => {
  it("refuses them under a known version and suggests the right spelling or place", () => {
    expect(at(withWeb({ helthcheck: {} }), "services.web.helthcheck")).toEqual(['is not a field of pcc.app/v1 here (did you mean "healthcheck"?)']);
    expect(at({ ...minimalSpec(), internet: true }, "internet")).toEqual(['is not a field of pcc.app/v1 here ("internet" belongs under permissions)']);
    expect(at({ ...minimalSpec(), frobnicate: 1 }, "frobnicate")).toEqual(["is not a field of pcc.app/v1"]);
  });
});

describe("AppSpec, the type the runtime consumes", () => {
  it("has resolved, non-optional values where defaults apply", () => {
    expectTypeOf<AppSpec["ingress"][number]["subdomain"]>().toEqualTypeOf<string>();
    expectTypeOf<AppSpec["ports"][number]["hostPort"]>().toEqualTypeOf<number>();
    expectTypeOf<NonNullable<AppSpec["services"][string]["healthcheck"]>["interval"]>().toEqualTypeOf<number>();
    expectTypeOf<AppSpec["services"][string]["env"]>().toEqualTypeOf<Record<string, string>>();
    expectTypeOf<AppSpec["permissions"]["internet"]>().toEqualTypeOf<boolean | { hosts: string[] }>();
    expectTypeOf<AppSpec["secrets"][string]["length"]>().toEqualTypeOf<number>();
  });
});
