import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DomainError } from "../../errors";
import { FakeEngine, MemoryAppsRepository, MemoryGrantStore, silentLogger, rejection } from "../../testing/fakes";
import { AppGrants } from "../gateway/app-grants";
import { AppRuntime } from "./app-runtime";
import { AppsService } from "./apps.service";
import { Catalog } from "./catalog";

const demoYaml = `id: demo
name: Demo
version: "1.0.0"
image:
  ref: docker.io/library/demo:1.0.0
port: 8080
volumes:
  - name: data
    path: /data
  - name: config
    path: /config
`;

let dir: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "pcc-apps-"));
  await fs.mkdir(path.join(dir, "demo"));
  await fs.writeFile(path.join(dir, "demo", "app.yaml"), demoYaml);
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

function setup() {
  const engine = new FakeEngine();
  const repo = new MemoryAppsRepository();
  const catalog = new Catalog(dir);
  const log = silentLogger();
  const probe = vi.fn(async () => true);
  const runtime = new AppRuntime(engine, catalog, log, probe);
  const syncProxy = vi.fn(async () => undefined);
  const grants = new AppGrants(new MemoryGrantStore());
  const gateway = { sync: syncProxy, invalidate: vi.fn() };
  const apps = new AppsService({ repo, catalog, runtime, engine, grants, gateway, appUrl: (id) => `https://${id}.pcc.test/`, log });
  return { engine, repo, catalog, runtime, syncProxy, grants, apps, probe };
}

const errorOf = (p: Promise<unknown>) => rejection(p, DomainError);

describe("AppsService.install", () => {
  it("installs: row installed, network, volumes and a running container", async () => {
    const { apps, engine, repo, syncProxy, probe } = setup();
    const app = await apps.install("demo");

    expect(app).toMatchObject({ id: "demo", name: "Demo", version: "1.0.0", status: "running", error: null, url: "https://demo.pcc.test/" });
    expect((await repo.get("demo"))!.phase).toBe("installed");
    expect(engine.calls).toContain("pull docker.io/library/demo:1.0.0");
    expect([...engine.networks.keys()]).toEqual(["pcc-demo"]);
    expect([...engine.volumes.keys()].sort()).toEqual(["pcc-demo-config", "pcc-demo-data"]);
    const c = engine.containers.get("pcc-demo")!;
    expect(c.state).toBe("running");
    expect(c.spec.volumes).toEqual([
      { name: "pcc-demo-data", path: "/data" },
      { name: "pcc-demo-config", path: "/config" },
    ]);
    expect(c.spec.labels).toMatchObject({ "pcc.managed": "true", "pcc.app": "demo" });
    expect(probe).toHaveBeenCalledWith("http://10.200.0.2:8080/");
    expect(syncProxy).toHaveBeenCalled();
    expect((await apps.list()).map((a) => a.status)).toEqual(["running"]);
  });

  it("journals the network plan on the row", async () => {
    const { apps, repo, engine } = setup();
    await apps.install("demo");
    const row = (await repo.get("demo"))!;
    expect(row.subnet).toMatch(/^10\.\d+\.\d+\.0\/24$/);
    expect(row.bridge).toMatch(/^pcc[a-z2-7]{8}$/);
    expect(engine.networks.get("pcc-demo")).toMatchObject({ subnet: row.subnet, bridge: row.bridge });
  });

  it("rolls back completely when the image cannot be pulled", async () => {
    const { apps, engine, repo, syncProxy } = setup();
    engine.pullImage = async () => {
      throw new Error("pull access denied for demo");
    };

    const err = await errorOf(apps.install("demo"));
    expect(err.message).toBe("pull access denied for demo");
    expect(err.code).toBe("EXTERNAL_FAILURE");

    expect(await repo.get("demo")).toBeNull();
    expect(engine.containers.size).toBe(0);
    expect(engine.networks.size).toBe(0);
    expect(engine.volumes.size).toBe(0);
    expect(repo.kept.size).toBe(0);
    expect(syncProxy).toHaveBeenCalled();
    expect(await apps.list()).toEqual([]);
  });

  it("a failed install can be retried", async () => {
    const { apps, engine } = setup();
    const realPull = engine.pullImage.bind(engine);
    engine.pullImage = async () => {
      throw new Error("network down");
    };
    await errorOf(apps.install("demo"));
    engine.pullImage = realPull;
    expect((await apps.install("demo")).status).toBe("running");
  });

  it("rolls back when the app exits right after starting", async () => {
    const { apps, engine, repo } = setup();
    engine.startContainer = async (name) => {
      const c = engine.containers.get(name)!;
      c.state = "exited";
      c.exitCode = 3;
    };
    const err = await errorOf(apps.install("demo"));
    expect(err.message).toMatch(/exit code 3/);
    expect(await repo.get("demo")).toBeNull();
    expect(engine.containers.size).toBe(0);
    expect(engine.volumes.size).toBe(0);
  });

  it("installing twice is ALREADY_EXISTS and leaves the first install alone", async () => {
    const { apps, repo, engine } = setup();
    await apps.install("demo");
    const err = await errorOf(apps.install("demo"));
    expect(err.code).toBe("ALREADY_EXISTS");
    expect((await repo.get("demo"))!.phase).toBe("installed");
    expect(engine.containers.get("pcc-demo")!.state).toBe("running");
  });

  it("an id missing from the catalog is NOT_FOUND and creates nothing", async () => {
    const { apps, repo, engine } = setup();
    const err = await errorOf(apps.install("nope"));
    expect(err.code).toBe("NOT_FOUND");
    expect(await repo.list()).toEqual([]);
    expect(engine.networks.size).toBe(0);
  });
});

describe("AppsService.remove", () => {
  it("keepData=true removes the container and network, keeps and records the volumes", async () => {
    const { apps, engine, repo, grants, syncProxy } = setup();
    await apps.install("demo");
    await grants.issue("demo", "demo", "s1", new Date(Date.now() + 3600_000));
    syncProxy.mockClear();

    await apps.remove("demo", { keepData: true });

    expect(await repo.get("demo")).toBeNull();
    expect(engine.containers.size).toBe(0);
    expect(engine.networks.size).toBe(0);
    expect([...engine.volumes.keys()].sort()).toEqual(["pcc-demo-config", "pcc-demo-data"]);
    expect(repo.kept.get("demo")!.sort()).toEqual(["pcc-demo-config", "pcc-demo-data"]);
    expect(grants.tokensFor("demo")).toEqual([]);
    expect(syncProxy).toHaveBeenCalled();

    const { apps: catalogApps } = await apps.catalog();
    expect(catalogApps.find((a) => a.id === "demo")).toMatchObject({ installed: false, hasKeptData: true });
  });

  it("keepData=false removes the volumes too and forgets kept data", async () => {
    const { apps, engine, repo } = setup();
    await apps.install("demo");
    await apps.remove("demo", { keepData: false });
    expect(await repo.get("demo")).toBeNull();
    expect(engine.containers.size).toBe(0);
    expect(engine.networks.size).toBe(0);
    expect(engine.volumes.size).toBe(0);
    expect(repo.kept.has("demo")).toBe(false);
  });

  it("a reinstall reuses kept volumes and then stops counting them as kept", async () => {
    const { apps, engine, repo } = setup();
    await apps.install("demo");
    await apps.remove("demo", { keepData: true });
    await apps.install("demo");
    expect(engine.volumes.size).toBe(2);
    expect(repo.kept.has("demo")).toBe(false);
  });

  it("a failed reinstall does not destroy kept data", async () => {
    const { apps, engine, repo } = setup();
    await apps.install("demo");
    await apps.remove("demo", { keepData: true });
    engine.images.clear();
    engine.pullImage = async () => {
      throw new Error("registry unreachable");
    };
    await errorOf(apps.install("demo"));
    expect([...engine.volumes.keys()].sort()).toEqual(["pcc-demo-config", "pcc-demo-data"]);
    expect(repo.kept.has("demo")).toBe(true);
  });

  it("removing an app that is not installed is NOT_FOUND", async () => {
    const { apps } = setup();
    expect((await errorOf(apps.remove("demo", { keepData: false }))).code).toBe("NOT_FOUND");
  });
});

describe("AppsService.start/stop", () => {
  it("stop records the owner's wish and stops the container; start brings it back", async () => {
    const { apps, engine, repo } = setup();
    await apps.install("demo");

    await apps.stop("demo");
    expect((await repo.get("demo"))!.desiredState).toBe("stopped");
    expect(engine.containers.get("pcc-demo")!.state).toBe("exited");
    expect((await apps.get("demo")).status).toBe("stopped");

    await apps.start("demo");
    expect((await repo.get("demo"))!.desiredState).toBe("running");
    expect((await apps.get("demo")).status).toBe("running");
  });

  it("an app that should run but has no container is reported as an error", async () => {
    const { apps, engine } = setup();
    await apps.install("demo");
    engine.containers.clear();
    const app = await apps.get("demo");
    expect(app.status).toBe("error");
    expect(app.error).toMatch(/no container/);
  });

  it("start/stop of an unknown app is NOT_FOUND", async () => {
    const { apps } = setup();
    expect((await errorOf(apps.start("demo"))).code).toBe("NOT_FOUND");
    expect((await errorOf(apps.stop("demo"))).code).toBe("NOT_FOUND");
  });
});
