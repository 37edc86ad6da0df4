import { describe, expect, it } from "vitest";
import type { UpdatesRepository } from "../../adapters/db/updates-repository";
import type { RegistryClient } from "../../adapters/registry/registry-client";
import { EventBus } from "../../events";
import { MemoryAppsRepository, silentLogger } from "../../testing/fakes";
import type { Catalog } from "../catalog/catalog";
import { parseAppSpec, toStored, type AppSpec } from "../spec";
import { minimalSpec } from "../spec/spec-fixtures";
import { newPermissions } from "./new-permissions";
import type { Updater } from "./updater";
import { UpdatesService } from "./updates.service";

const spec = (patch: Record<string, unknown> = {}): AppSpec => {
  const r = parseAppSpec({ ...minimalSpec(), ...patch });
  if (!r.spec) throw new Error(JSON.stringify(r.errors));
  return r.spec;
};

function setup(installed: AppSpec, inCatalog: AppSpec, policy: "auto" | "notify" | "off" = "auto") {
  const repo = new MemoryAppsRepository();
  const stored = toStored(installed);
  void repo.create(
    { id: installed.id, name: installed.name, version: installed.version, manifest: stored.json, specVersion: stored.version, desiredState: "running", phase: "installed", subnet: "", bridge: "", resources: "{}", grants: "{}", settings: "{}", updatePolicy: policy },
    {},
  );
  const applied: string[] = [];
  const updater = { update: async (appId: string, target: AppSpec) => (applied.push(`${appId}@${target.version}`), { ok: true }) } as unknown as Updater;
  const catalog = { find: async (id: string) => (id === inCatalog.id ? { spec: inCatalog, dir: "", source: { kind: "built-in" } } : null), refresh: () => undefined } as unknown as Catalog;
  const registry = { tagDigest: async () => null } as unknown as RegistryClient;
  const events = new EventBus();
  const told: string[] = [];
  events.subscribe("app.update-available", (e) => told.push(`${e.appId}:${e.to}`));
  const service = new UpdatesService({ repo, updates: {} as UpdatesRepository, catalog, registry, updater, events, log: silentLogger() });
  return { service, applied, told };
}

describe("updates service", () => {
  it("installs a newer version by itself under the auto policy", async () => {
    const t = setup(spec(), spec({ version: "1.1.0" }));
    expect(await t.service.check()).toEqual([]);
    expect(t.applied).toEqual(["demo@1.1.0"]);
    expect(t.told).toEqual(["demo:1.1.0"]);
  });

  it("under auto, leaves an update that asks for new access to the owner, and says what it asks", async () => {
    const t = setup(spec(), spec({ version: "2.0.0", permissions: { internet: true, lan: true } }));
    const found = await t.service.check();
    expect(t.applied).toEqual([]);
    expect(t.told).toEqual(["demo:2.0.0"]);
    expect(found).toEqual([expect.objectContaining({ appId: "demo", from: "1.0.0", to: "2.0.0", kind: "version", newPermissions: ["the whole internet", "your local network"] })]);
    // The owner may still choose to install it.
    await t.service.update("demo");
    expect(t.applied).toEqual(["demo@2.0.0"]);
  });

  it("notify tells and waits; off neither tells nor installs", async () => {
    const n = setup(spec(), spec({ version: "1.1.0" }), "notify");
    expect((await n.service.check()).map((u) => u.to)).toEqual(["1.1.0"]);
    expect([n.applied, n.told]).toEqual([[], ["demo:1.1.0"]]);
    const o = setup(spec(), spec({ version: "1.1.0" }), "off");
    await o.service.check();
    expect([o.applied, o.told]).toEqual([[], []]);
  });

  it("lists each installed app's policy", async () => {
    const t = setup(spec(), spec(), "notify");
    expect(await t.service.policies()).toEqual([{ appId: "demo", name: "Demo", version: "1.0.0", policy: "notify" }]);
  });
});

describe("newPermissions", () => {
  const ports = (...names: string[]) => names.map((name, i) => ({ name, service: "web", containerPort: 5000 + i, protocol: "udp", description: "Game traffic." }));
  it("names only what the installed version did not ask for", () => {
    expect(newPermissions(spec(), spec())).toEqual([]);
    expect(newPermissions(spec({ permissions: { internet: true } }), spec({ permissions: { internet: { hosts: ["a.example"] } } }))).toEqual([]);
    expect(newPermissions(spec({ permissions: { internet: { hosts: ["a.example"] } } }), spec({ permissions: { internet: { hosts: ["a.example", "b.example"] } } }))).toEqual([
      "internet access to b.example",
    ]);
    expect(newPermissions(spec({ permissions: { internet: { hosts: ["a.example"] } } }), spec({ permissions: { internet: true } }))).toEqual(["the whole internet"]);
    expect(newPermissions(spec(), spec({ permissions: { devices: ["gpu"] } }))).toEqual(["the device gpu"]);
    expect(newPermissions(spec({ ports: ports("dns") }), spec({ ports: ports("dns", "game") }))).toEqual(["port 5001/udp (game)"]);
  });
});
