import { createPrivateKey } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DomainError } from "../../errors";
import { EventBus } from "../../events";
import { FakeEngine, MemoryAppsRepository, MemoryGrantStore, rejection, silentLogger } from "../../testing/fakes";
import { AppInstaller } from "../apps/app-installer";
import { AppsService } from "../apps/apps.service";
import { AppGrants } from "../gateway/app-grants";
import { AppRuntime } from "../runtime/app-runtime";
import { HealthMonitor } from "../runtime/health-monitor";
import { ImageStore } from "../runtime/image-store";
import { SecretBox } from "../secrets/secret-box";
import { minimalSpec } from "../spec/spec-fixtures";
import { Catalog } from "./catalog";
import { issueLicence } from "./licences";
import { newKeyPair } from "./source-publish";

// Installing a paid app through the real AppsService: the licence is checked before anything is made.
const dev = newKeyPair();
const key = createPrivateKey(dev.privatePem);
let dir: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "pcc-paid-"));
  await fs.mkdir(path.join(dir, "paid"));
  const spec = { ...minimalSpec(), id: "paid", name: "Paid", license: { price: { amount: 3, currency: "EUR" }, purchaseUrl: "https://dev.example/buy", publicKey: dev.publicKey } };
  await fs.writeFile(path.join(dir, "paid", "app.yaml"), stringify(spec));
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
  const syncFirewall = vi.fn(async () => undefined);
  const gateway = { sync: vi.fn(async () => undefined), invalidate: vi.fn() };
  const health = new HealthMonitor(engine, events, log, () => undefined);
  const installer = new AppInstaller({ repo, runtime, images: new ImageStore(engine, dir, log, 0), box, events, catalogEntry: (id) => catalog.find(id), ingressUrl: (s) => `https://${s}.pcc.test`, hostIp: "127.0.0.1", syncFirewall, log });
  const audit = { record: vi.fn(async () => undefined) };
  const apps = new AppsService({ repo, catalog, installer, runtime, health, grants: new AppGrants(new MemoryGrantStore()), gateway, box, events, syncFirewall, appUrl: (s) => `https://${s}.pcc.test`, hostIp: "127.0.0.1", instanceTag: "t1", audit, log });
  return { apps, repo, engine, audit };
}

const licence = (app = "paid") => issueLicence(key, { v: 1, app, licence: "L-42", issued: new Date().toISOString() });

describe("installing a paid app", () => {
  it("shows its price and purchase link in the store", async () => {
    const { apps } = setup();
    const { apps: list } = await apps.catalog();
    expect(list[0]).toMatchObject({ id: "paid", price: { amount: 3, currency: "EUR", purchaseUrl: "https://dev.example/buy" }, catalogSource: { id: "built-in", kind: "built-in" } });
  });

  it.each([
    ["without a key", undefined, /^Paid costs 3 EUR\. Buy it at https:\/\/dev\.example\/buy, then install it with the licence key you get\. Nothing was installed\.$/],
    ["with a key for another app", licence("other"), /for the app "other", not this one/],
    ["with a forged key", licence().slice(0, -4) + "AAAA", /not issued by this app's developer/],
  ])("is refused %s, and nothing is created", async (_what, key, message) => {
    const { apps, repo, engine } = setup();
    const e = await rejection(apps.install("paid", { licence: key }), DomainError);
    expect(e.code).toBe("INVALID_INPUT");
    expect(e.message).toMatch(message);
    expect(repo.rows.size).toBe(0);
    expect(engine.calls).toEqual([]);
  });

  it("with a good key installs, stores the key with the app and audits the licence id (not the key)", async () => {
    const { apps, repo, audit } = setup();
    const text = licence();
    await apps.install("paid", { licence: text });
    expect(repo.rows.get("paid")!.licence).toBe(text);
    expect(audit.record).toHaveBeenCalledWith(expect.objectContaining({ action: "app.installed", details: expect.objectContaining({ licence: "L-42" }) }));
    expect(JSON.stringify(audit.record.mock.calls)).not.toContain(text);
  });
});
