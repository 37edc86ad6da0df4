import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DomainError } from "../../errors";
import { EventBus } from "../../events";
import { FakeEngine, MemoryAppsRepository, MemoryGrantStore, silentLogger, rejection } from "../../testing/fakes";
import { Catalog } from "../catalog/catalog";
import { AppGrants } from "../gateway/app-grants";
import { AppRuntime } from "../runtime/app-runtime";
import { HealthMonitor } from "../runtime/health-monitor";
import { ImageStore } from "../runtime/image-store";
import { SecretBox } from "../secrets/secret-box";
import { DIGEST } from "../spec/spec-fixtures";
import { AppInstaller } from "./app-installer";
import { AppsService } from "./apps.service";
import { secretContext } from "./install-request";

const image = (name: string) => `registry.example/${name}:1@${DIGEST}`;

/** A two-service app with a secret shared by both, a setting, a volume and a UDP port. */
const kv = {
  apiVersion: "pcc.app/v1",
  id: "kv",
  name: "KV",
  version: "1.0.0",
  tagline: "t",
  description: "d",
  category: "utilities",
  developer: { name: "dev" },
  services: {
    web: {
      image: image("kv-web"),
      env: { REDIS_URL: "redis://:${secrets.pass}@${services.store.host}:6379", GREETING: "${settings.greeting}", URL: "${app.url}" },
      dependsOn: { store: { condition: "healthy" } },
    },
    store: {
      image: image("kv-store"),
      env: { PASS: "${secrets.pass}" },
      volumes: [{ volume: "data", path: "/data" }],
      healthcheck: { command: ["redis-cli", "ping"] },
    },
  },
  ingress: [{ service: "web", port: 8080 }],
  ports: [{ name: "dns", service: "store", containerPort: 53, protocol: "udp", hostPort: 5300, description: "Answers DNS" }],
  volumes: { data: {} },
  secrets: { pass: { length: 24 } },
  settings: [{ key: "greeting", type: "text", label: "Greeting", default: "hi" }],
  permissions: { internet: { hosts: ["api.example.com"] } },
};

let dir: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "pcc-apps-"));
  for (const [id, spec] of Object.entries({ kv, other: { ...kv, id: "other", name: "Other" } })) {
    await fs.mkdir(path.join(dir, id));
    await fs.writeFile(path.join(dir, id, "app.yaml"), stringify(spec));
  }
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

function setup() {
  const engine = new FakeEngine();
  const repo = new MemoryAppsRepository();
  const catalog = new Catalog(dir);
  const log = silentLogger();
  const events = new EventBus();
  const box = SecretBox.forTests();
  const runtime = new AppRuntime(engine, log, async () => true);
  // Recorded when the rules are in place, and slower than creating containers, as nft can be.
  const syncFirewall = vi.fn(async () => {
    await new Promise((r) => setTimeout(r, 20));
    engine.calls.push("firewall");
  });
  const gateway = { sync: vi.fn(async () => undefined), invalidate: vi.fn() };
  const health = new HealthMonitor(engine, events, log, () => undefined);
  const installer = new AppInstaller({
    repo,
    runtime,
    images: new ImageStore(engine, dir, log, 0),
    box,
    events,
    catalogEntry: (id) => catalog.find(id),
    ingressUrl: (sub) => `https://${sub}.pcc.test`,
    hostIp: "127.0.0.1",
    syncFirewall,
    log,
  });
  const grants = new AppGrants(new MemoryGrantStore());
  const apps = new AppsService({ repo, catalog, installer, runtime, health, grants, gateway, box, events, syncFirewall, appUrl: (s) => `https://${s}.pcc.test`, hostIp: "127.0.0.1", instanceTag: "t1", log });
  return { engine, repo, apps, box, events, gateway, syncFirewall, health };
}

const errorOf = (p: Promise<unknown>) => rejection(p, DomainError);
let nextPort = 46000 + Math.floor(Math.random() * 1000);
const free = { get grants() { return { ports: { dns: nextPort++ } }; } };

describe("AppsService.install", () => {
  it("installs a two-service app: network, volume, secrets sealed at rest, dependency order, then the gateway", async () => {
    const { apps, engine, repo, box, gateway, events } = setup();
    const steps: string[] = [];
    events.subscribe("app.progress", (p) => steps.push(p.step));
    const app = await apps.install("kv", { grants: { internet: true, ports: { dns: 45353 } } });

    expect(app).toMatchObject({ id: "kv", status: "running", url: "https://kv.pcc.test/", ports: [{ name: "dns", protocol: "udp", hostPort: 45353 }] });
    expect((await repo.get("kv"))!.phase).toBe("installed");
    expect([...engine.networks.values()]).toMatchObject([{ name: "pcc_kv_t1", dns: true }]);
    expect([...engine.volumes.keys()]).toEqual(["pcc_kv_data"]);
    // The secret is stored sealed, and both services get the same value.
    const sealed = (await repo.secrets("kv")).pass!;
    const pass = box.open(sealed, secretContext("kv", "pass"));
    expect(pass).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(JSON.stringify([...repo.rows.values()])).not.toContain(pass);
    const web = engine.containers.get("pcc_kv_web")!.spec;
    const store = engine.containers.get("pcc_kv_store")!.spec;
    expect(web.env).toEqual({ REDIS_URL: `redis://:${pass}@store:6379`, GREETING: "hi", URL: "https://kv.pcc.test" });
    expect(store.env.PASS).toBe(pass);
    expect(store.ports).toEqual([{ hostIp: "127.0.0.1", hostPort: 45353, containerPort: 53, protocol: "udp" }]);
    expect(web.uidBase).toBeDefined();
    expect(store.uidBase).toBe(web.uidBase);
    // The firewall in place before any container starts (created meanwhile); the store (a healthy
    // dependency) before the web service.
    expect(engine.calls.indexOf("create pcc_kv_store")).toBeLessThan(engine.calls.indexOf("firewall"));
    expect(engine.calls.indexOf("firewall")).toBeLessThan(engine.calls.indexOf("start pcc_kv_store"));
    expect(engine.calls.indexOf("start pcc_kv_store")).toBeLessThan(engine.calls.indexOf("start pcc_kv_web"));
    expect(steps).toContain("Downloading web");
    expect(gateway.sync).toHaveBeenCalled();
  });

  it("serves the app's host while it installs, and says done only once the gateway has the installed app", async () => {
    const { apps, engine, events, gateway } = setup();
    const order: string[] = [];
    const starts = () => engine.calls.filter((c) => c.startsWith("start ")).length;
    gateway.sync.mockImplementation(async () => {
      order.push(`gateway sync after ${starts()} starts`);
      await new Promise((r) => setTimeout(r, 30));
      order.push("gateway synced");
    });
    events.subscribe("app.done", (d) => void order.push(`done ${d.ok}`));
    await apps.install("kv", { grants: free.grants });
    // Installing and installed apps are served alike, so the sync made at the start is the one "done" waits for.
    expect(order).toEqual(["gateway sync after 0 starts", "gateway synced", "done true"]);
    // Where the app was just seen ready: its first request needs no lookup.
    expect(gateway.invalidate).toHaveBeenCalledWith("kv", { kv: { host: expect.stringMatching(/^10\.\d+\.\d+\.\d+$/), port: 8080 } });
  });

  it("if the gateway's sync at the start failed, it syncs again before done", async () => {
    const { apps, engine, events, gateway } = setup();
    const order: string[] = [];
    const starts = () => engine.calls.filter((c) => c.startsWith("start ")).length;
    gateway.sync.mockImplementationOnce(async () => {
      order.push("gateway sync failed");
      throw new Error("caddy is restarting");
    });
    gateway.sync.mockImplementation(async () => void order.push(`gateway sync after ${starts()} starts`));
    events.subscribe("app.done", (d) => void order.push(`done ${d.ok}`));
    await apps.install("kv", { grants: free.grants });
    expect(order).toEqual(["gateway sync failed", "gateway sync after 2 starts", "done true"]);
  });

  it("a failed install: the gateway drops the host before done says why", async () => {
    const { apps, engine, events, gateway } = setup();
    engine.pullImage = async () => {
      throw new DomainError("EXTERNAL_FAILURE", "PCC could not reach the registry that hosts this app (registry.example).");
    };
    const order: string[] = [];
    gateway.sync.mockImplementation(async () => void order.push("gateway sync"));
    events.subscribe("app.done", (d) => void order.push(`done ${d.ok}`));
    await errorOf(apps.install("kv", { grants: free.grants }));
    expect(order.at(-1)).toBe("done false");
    expect(order.at(-2)).toBe("gateway sync");
  });

  it("refuses grants the app does not ask for, and changes nothing", async () => {
    const { apps, repo, engine } = setup();
    const e = await errorOf(apps.install("kv", { grants: { lan: true } }));
    expect(e.code).toBe("INVALID_INPUT");
    expect(e.message).toMatch(/does not ask for access to your local network/);
    expect(repo.rows.size).toBe(0);
    expect(engine.calls).toEqual([]);
  });

  it("refuses a port another app already uses, naming both, before creating anything", async () => {
    const { apps, engine } = setup();
    await apps.install("kv", { grants: { ports: { dns: 45354 } } });
    const created = engine.calls.length;
    const e = await errorOf(apps.install("other", { grants: { ports: { dns: 45354 } } }));
    expect(e.code).toBe("CONFLICT");
    expect(e.message).toBe("Other needs port 45354/udp (Answers DNS), but KV already uses it. Choose another port.");
    expect(engine.calls.length).toBe(created);
  });

  it("rolls a failed install back completely and says why", async () => {
    const { apps, engine, repo } = setup();
    engine.pullImage = async () => {
      throw new DomainError("EXTERNAL_FAILURE", "PCC could not reach the registry that hosts this app (registry.example).");
    };
    const e = await errorOf(apps.install("kv", { grants: free.grants }));
    expect(e.message).toMatch(/could not reach the registry/);
    expect(repo.rows.size).toBe(0);
    expect(engine.networks.size + engine.volumes.size + engine.containers.size).toBe(0);
    expect((await apps.catalog()).apps.find((a) => a.id === "kv")!.installError).toMatch(/could not reach/);
  });

  it("a firewall that fails while the containers are being created: nothing starts, and the rollback waits for the creates", async () => {
    const { apps, engine, repo, syncFirewall } = setup();
    syncFirewall.mockImplementationOnce(async () => {
      throw new DomainError("EXTERNAL_FAILURE", "nft refused PCC's firewall rules: no such file");
    });
    // Creates that finish only after the firewall has failed.
    const create = engine.createContainer.bind(engine);
    engine.createContainer = async (spec) => (await new Promise((r) => setTimeout(r, 30)), create(spec));
    const e = await errorOf(apps.install("kv", { grants: free.grants }));
    expect(e.message).toMatch(/nft refused/);
    // Long enough for any create still in flight to land: none may outlive the rollback.
    await new Promise((r) => setTimeout(r, 200));
    expect(engine.calls.some((c) => c.startsWith("start "))).toBe(false);
    expect(repo.rows.size).toBe(0);
    expect(engine.networks.size + engine.volumes.size + engine.containers.size).toBe(0);
  });

  it("keeps data and secrets on an uninstall that keeps data, and a reinstall opens them again", async () => {
    const { apps, engine, repo, box } = setup();
    await apps.install("kv", { grants: free.grants });
    const before = box.open((await repo.secrets("kv")).pass!, secretContext("kv", "pass"));
    await apps.remove("kv", { keepData: true });
    expect(repo.rows.size).toBe(0);
    expect([...engine.volumes.keys()]).toEqual(["pcc_kv_data"]);
    expect(repo.kept.get("kv")!.volumes).toEqual({ data: "pcc_kv_data" });
    expect((await apps.catalog()).apps.find((a) => a.id === "kv")!.hasKeptData).toBe(true);

    await apps.install("kv", { grants: free.grants });
    expect(box.open((await repo.secrets("kv")).pass!, secretContext("kv", "pass"))).toBe(before);
    expect(repo.kept.has("kv")).toBe(false);

    await apps.remove("kv", { keepData: false });
    expect(engine.volumes.size).toBe(0);
  });

  it("never hands one app's volume to another", async () => {
    const { apps, engine, repo } = setup();
    engine.volumes.set("pcc_kv_data", { "pcc.managed": "true", "pcc.app": "someone-else" });
    const e = await errorOf(apps.install("kv", { grants: free.grants }));
    expect(e.message).toMatch(/belongs to the app "someone-else"/);
    expect(repo.rows.size).toBe(0);
    expect(engine.volumes.get("pcc_kv_data")).toEqual({ "pcc.managed": "true", "pcc.app": "someone-else" });
  });

  it("an unreadable stored app is reported as broken without hiding the others", async () => {
    const { apps, repo } = setup();
    await apps.install("kv", { grants: free.grants });
    await repo.update("kv", { manifest: "{not json" });
    await apps.install("other", { grants: free.grants });
    const list = await apps.list();
    expect(list.map((a) => [a.id, a.status])).toEqual([
      ["kv", "broken"],
      ["other", "running"],
    ]);
    expect(list[0]!.error).toMatch(/cannot be read/);
  });
});

describe("AppsService.stop/start", () => {
  it("stops dependents first and remembers the owner's choice", async () => {
    const { apps, engine, repo, health } = setup();
    await apps.install("kv", { grants: free.grants });
    engine.calls.length = 0;
    await apps.stop("kv");
    expect(engine.calls.filter((c) => c.startsWith("stop"))).toEqual(["stop pcc_kv_web", "stop pcc_kv_store"]);
    expect((await repo.get("kv"))!.desiredState).toBe("stopped");
    expect(health.status("kv")).toBeNull();
    expect((await apps.get("kv")).status).toBe("stopped");
    await apps.start("kv");
    expect((await repo.get("kv"))!.desiredState).toBe("running");
    expect(health.status("kv")).not.toBeNull();
  });

  it("shows a started app as running only once the gateway serves it again", async () => {
    const { apps, gateway } = setup();
    await apps.install("kv", { grants: free.grants });
    await apps.stop("kv");
    // What a shell polling apps.list sees while the gateway drops the "stopped" marker.
    const seen: string[] = [];
    gateway.sync.mockImplementation(async () => void seen.push((await apps.get("kv")).status));
    await apps.start("kv");
    expect(seen).toEqual(["starting"]);
    expect((await apps.get("kv")).status).toBe("running");
  });
});

describe("AppsService status while PCC brings an app up", () => {
  it("says starting, not running, while a start it does not watch yet is under way", async () => {
    const { apps, health } = setup();
    await apps.install("kv", { grants: free.grants });
    // As after a restart of PCC: not watched yet, containers running, the reconciler still waiting for it.
    health.untrack("kv");
    let release = () => undefined as void;
    const starting = apps.locks.run("kv", () => new Promise<void>((r) => (release = r)));
    expect((await apps.get("kv")).status).toBe("starting");
    release();
    await starting;
    expect((await apps.get("kv")).status).toBe("running");
  });
});

describe("AppsService.reconfigure", () => {
  it("moves a port and changes a setting by recreating the containers, keeping volumes and secrets", async () => {
    const { apps, engine, repo } = setup();
    await apps.install("kv", { grants: free.grants });
    const sealed = await repo.secrets("kv");
    const port = nextPort++;
    await apps.reconfigure("kv", { grants: { ports: { dns: port } }, settings: { greeting: "hello" } });
    expect(engine.containers.get("pcc_kv_store")!.spec.ports).toEqual([{ hostIp: "127.0.0.1", hostPort: port, containerPort: 53, protocol: "udp" }]);
    expect(engine.containers.get("pcc_kv_web")!.spec.env.GREETING).toBe("hello");
    expect(engine.containers.get("pcc_kv_web")!.state).toBe("running");
    expect([...engine.volumes.keys()]).toEqual(["pcc_kv_data"]);
    expect(await repo.secrets("kv")).toEqual(sealed);
    expect((await apps.get("kv")).grants.ports).toEqual({ dns: port });
  });

  it("refuses a grant the app never asked for and changes nothing", async () => {
    const { apps, repo } = setup();
    await apps.install("kv", { grants: free.grants });
    const before = (await repo.get("kv"))!.grants;
    const e = await errorOf(apps.reconfigure("kv", { grants: { lan: true } }));
    expect(e.code).toBe("INVALID_INPUT");
    expect((await repo.get("kv"))!.grants).toBe(before);
  });
});
