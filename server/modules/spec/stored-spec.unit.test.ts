import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { DomainError } from "../../errors";
import { substituteReferences } from "./references";
import { parseAppSpec } from "./spec.schema";
import { fullSpec, minimalSpec } from "./spec-fixtures";
import { fromStored, migrations, STORED_SPEC_VERSION, toStored } from "./stored-spec";

const specOf = (doc: unknown) => {
  const r = parseAppSpec(doc);
  if (!r.spec) throw new Error(JSON.stringify(r.errors));
  return r.spec;
};

/** How the PCC before pcc.app/v1 stored an installed app (manifestSchema's output, defaults filled). */
const legacyImageApp = () => ({
  id: "actual-budget",
  name: "Actual Budget",
  version: "25.11.0",
  tagline: "Private, local-first personal finance",
  description: "Envelope budgeting.\n",
  category: "finance",
  icon: "icon.svg",
  image: { ref: "docker.io/actualbudget/actual-server:25.11.0" },
  port: 5006,
  user: "1001:1001",
  env: { TZ: "UTC", GREETING: "cost ${price}" },
  volumes: [{ name: "data", path: "/data" }],
  tmpfs: ["/run"],
  limits: { memoryMb: 512, pids: 256 },
  healthPath: "/health",
});

const catchError = (f: () => unknown): DomainError => {
  try {
    f();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error("expected a DomainError");
};

describe("stored spec", () => {
  it("has one migration per older format", () => {
    expect(STORED_SPEC_VERSION).toBe(1);
    expect(migrations).toHaveLength(STORED_SPEC_VERSION);
  });

  it.each([["full", fullSpec], ["minimal", minimalSpec]])("round-trips the %s spec unchanged", (_name, make) => {
    const spec = specOf(make());
    const stored = toStored(spec);
    expect(stored.version).toBe(STORED_SPEC_VERSION);
    expect(fromStored(stored.version, stored.json)).toEqual(spec);
  });

  it("keeps an installed app readable when the publishing policy would now refuse it", () => {
    const spec = specOf({ ...minimalSpec(), test: true, services: { web: { image: "ghcr.io/demo/web:1" } } });
    const { version, json } = toStored({ ...spec, test: false });
    expect(fromStored(version, json).services.web.image).toBe("ghcr.io/demo/web:1");
  });

  it("round-trips a spec written for a newer minor, without the fields it ignored", () => {
    const spec = specOf({ ...minimalSpec(), apiVersion: "pcc.app/v1.5", sharing: true });
    expect(fromStored(1, toStored(spec).json)).toEqual(spec);
  });

  it("throws INVALID_INPUT with a clear message when it cannot read", () => {
    const cases: Array<[number, string, RegExp]> = [
      [2, "{}", /stored by a newer PCC \(format 2; this PCC reads formats up to 1\)/],
      [-1, "{}", /format number -1 is not valid/],
      [1.5, "{}", /format number 1.5 is not valid/],
      [1, "{not json", /not valid JSON/],
      [1, JSON.stringify({ ...minimalSpec(), services: { web: { image: "nginx" } } }), /services\.web\.image: must name its registry/],
      [0, JSON.stringify({ id: "x" }), /upgrading it from format 0 failed/],
      [0, "null", /upgrading it from format 0 failed/],
    ];
    for (const [version, json, message] of cases) {
      const e = catchError(() => fromStored(version, json));
      expect(e.code).toBe("INVALID_INPUT");
      expect(e.message).toMatch(/^The installed app's stored spec cannot be read: /);
      expect(e.message).toMatch(message);
    }
  });
});

describe("stored spec: migration from the legacy manifest (format 0)", () => {
  it("turns a registry-image app into one service behind one ingress", () => {
    const spec = fromStored(0, JSON.stringify(legacyImageApp()));
    expect(spec).toMatchObject({
      apiVersion: "pcc.app/v1",
      id: "actual-budget",
      version: "25.11.0",
      description: "Envelope budgeting.",
      category: "finance",
      icon: "icon.svg",
      developer: { name: "Unknown" },
      volumes: { data: {} },
      permissions: { internet: true, lan: true, devices: [] },
    });
    expect(spec.ingress).toEqual([{ name: "main", service: "app", port: 5006, subdomain: "actual-budget", public: [], auth: { method: "none" } }]);
    expect(spec.services.app).toEqual({
      image: "docker.io/actualbudget/actual-server:25.11.0",
      user: "1001:1001",
      env: { TZ: "UTC", GREETING: "cost $${price}" },
      volumes: [{ volume: "data", path: "/data", readOnly: false }],
      tmpfs: ["/run"],
      secretFiles: [],
      dependsOn: {},
      healthcheck: { http: { port: 5006, path: "/health" }, interval: 10_000, timeout: 3000, retries: 3, startPeriod: 60_000 },
      resources: { memoryMb: 512, cpus: 1, pids: 256 },
    });
    // A legacy value meant "${" literally, and still does.
    expect(substituteReferences(spec.services.app.env.GREETING, () => "!")).toBe("cost ${price}");
  });

  it("turns a local build into a build service and drops the host files v1 refuses", () => {
    const legacy = { ...legacyImageApp(), image: { build: { context: "build", containerfile: "Containerfile", hostFiles: { busybox: "/bin/busybox" } } } };
    const spec = fromStored(0, JSON.stringify(legacy));
    expect(spec.services.app.build).toEqual({ context: "build", containerfile: "Containerfile" });
    expect(spec.services.app).not.toHaveProperty("image");
  });

  it("repairs what v1 is stricter about: short image names, free-form versions, empty texts, unknown categories", () => {
    const legacy = { ...legacyImageApp(), image: { ref: "nginx:1.27" }, version: "1.2", tagline: "", description: "", category: "monitoring" };
    delete (legacy as Record<string, unknown>).icon;
    const spec = fromStored(0, JSON.stringify(legacy));
    expect(spec.services.app.image).toBe("docker.io/library/nginx:1.27");
    expect(spec).toMatchObject({ version: "1.2.0", tagline: "Actual Budget", description: "Actual Budget", category: "other" });
    expect(spec.icon).toBeUndefined();
    for (const [v, want] of [["latest", "0.0.0+latest"], ["2024.01.15-r2", "0.0.0+2024.01.15-r2"], ["v 1/2", "0.0.0+v.1.2"], ["!!!", "0.0.0"]]) {
      expect(fromStored(0, JSON.stringify({ ...legacyImageApp(), version: v })).version).toBe(want);
    }
  });

  // The catalog's own app.yaml files, while they are still in the legacy shape, are what installed apps hold.
  const catalogDir = path.resolve(__dirname, "../../../apps-catalog");
  const legacyCatalog = fs
    .readdirSync(catalogDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(catalogDir, d.name, "app.yaml")))
    .map((d) => [d.name, parseYaml(fs.readFileSync(path.join(catalogDir, d.name, "app.yaml"), "utf8"))] as const)
    .filter(([, doc]) => doc && typeof doc === "object" && !("apiVersion" in doc));

  it.each(legacyCatalog)("migrates the installed legacy app %s", (id, doc) => {
    const spec = fromStored(0, JSON.stringify(doc));
    expect(spec.id).toBe(id);
    expect(spec.ingress[0].subdomain).toBe(id);
  });
});
