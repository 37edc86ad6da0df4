import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PccInstance, waitFor } from "../helpers/pcc-instance";
import { writeApp } from "../helpers/test-catalog";
import { moveTag, startRegistry, type Registry } from "../helpers/registry";
import { buildVariant, ensureTestImages, type TestImages } from "../helpers/test-images";

type Status = { status: string; version: string };
type Updates = { available: { appId: string; to: string }[]; history: { appId: string; outcome: string; toVersion: string; message: string | null }[] };

/** The web test image under a tag of ours, pinned: tag and digest, as real catalog entries are. */
const ref = (registry: string, tag: string, digest: string) => `${registry}/pcc-test/web:${tag}@${digest}`;

describe("updates install themselves, and roll back by themselves", () => {
  let registry: Registry;
  let images: TestImages;
  let catalog: string;
  let pcc: PccInstance;
  let session = "";
  const digests: Record<string, string> = {};

  const writeNotes = (version: string, image: string, extra: Record<string, unknown> = {}) =>
    writeApp(catalog, "notes", {
      version,
      services: { web: { image, user: "1000:1000", volumes: [{ volume: "data", path: "/data" }], healthcheck: { http: { port: 8080, path: "/health" }, interval: "1s", timeout: "1s", retries: 2, startPeriod: "5s" } } },
      ingress: [{ service: "web", port: 8080 }],
      volumes: { data: {} },
      ...extra,
    });
  const status = (id: string) => JSON.parse(pcc.cli("app", "status", id, "--json").stdout) as Status;
  const updates = (check = false) => JSON.parse(pcc.cli("app", "updates", ...(check ? ["--check"] : []), "--json").stdout) as Updates;
  /** The app's own data, read on the host (root): the volume's folder. */
  const mark = async (app: string) => {
    const v = (await pcc.podman(`/volumes/pcc_${app}_data/json`)).json as { Mountpoint: string };
    return fs.readFileSync(path.join(v.Mountpoint, "mark"), "utf8").trim();
  };
  const page = async (app: string) => (await pcc.http(`${pcc.appUrl(app)}/`, { cookie: await pcc.appCookie(app, session) })).text;

  beforeAll(async () => {
    registry = await startRegistry();
    images = await ensureTestImages(registry.host);
    const v1 = await buildVariant(registry.host, "web", "1.0");
    const v2 = await buildVariant(registry.host, "web", "2.0", { files: { "www/index.html": "<h1>Hello from PCC test web</h1><p>version 2</p>" } });
    // Broken: it overwrites the app's data, then never answers its health check.
    const broken = await buildVariant(registry.host, "web", "3.0", { cmd: ["sh", "-c", "echo broken > /data/mark; exec sleep 1000000"] });
    Object.assign(digests, { v1: v1.digest, v2: v2.digest, broken: broken.digest });
    catalog = fs.mkdtempSync(path.join(os.tmpdir(), "pcc-updates-"));
    writeNotes("1.0.0", ref(registry.host, "1.0", v1.digest));
    pcc = await PccInstance.start({ catalogDir: catalog, insecureRegistries: [registry.host] });
    session = await pcc.claim();
    expect(pcc.cli("app", "install", "notes").code).toBe(0);
    // The app's data: what every update must keep.
    const v = (await pcc.podman("/volumes/pcc_notes_data/json")).json as { Mountpoint: string };
    fs.writeFileSync(path.join(v.Mountpoint, "mark"), "keep\n");
  });
  afterAll(async () => {
    await pcc?.stop();
    await pcc?.cleanup();
    await registry?.stop();
    fs.rmSync(catalog, { recursive: true, force: true });
    void images;
  });

  it("a newer version in the catalog is found and installed, keeping the app's data", async () => {
    writeNotes("2.0.0", ref(registry.host, "2.0", digests.v2!));
    await new Promise((r) => setTimeout(r, 2_100)); // the catalog is re-read every 2 s
    expect(updates(false).available).toEqual([]);
    const found = updates(true);
    // Policy auto (the default): the check installed it.
    expect(found.history[0]).toMatchObject({ appId: "notes", outcome: "updated", toVersion: "2.0.0" });
    expect(status("notes")).toMatchObject({ status: "running", version: "2.0.0" });
    expect(await page("notes")).toContain("version 2");
    expect(await mark("notes")).toBe("keep");
  });

  it("a new version that never becomes healthy is rolled back, with the data as it was, and the owner is told", async () => {
    writeNotes("3.0.0", ref(registry.host, "3.0", digests.broken!));
    await pcc.cliAsync("app", "update", "notes").then((r) => {
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/3\.0\.0 did not start .* went back to 2\.0\.0 with your data as it was/);
    });
    expect(status("notes")).toMatchObject({ status: "running", version: "2.0.0" });
    expect(await mark("notes")).toBe("keep");
    expect(await page("notes")).toContain("version 2");
    expect(updates().history[0]).toMatchObject({ appId: "notes", outcome: "rolled-back", toVersion: "3.0.0" });
  });

  it("a tag that moved to a new image is detected and followed", async () => {
    writeNotes("2.0.0", ref(registry.host, "2.0", digests.v2!));
    writeApp(catalog, "tagged", { services: { web: { image: ref(registry.host, "live", digests.v1!) } }, ingress: [{ service: "web", port: 8080 }] });
    await moveTag(registry.host, "pcc-test/web", "live", digests.v1!);
    await new Promise((r) => setTimeout(r, 2_100));
    expect(pcc.cli("app", "install", "tagged").code).toBe(0);
    expect(await page("tagged")).toContain("version 1");
    await moveTag(registry.host, "pcc-test/web", "live", digests.v2!);
    const r = updates(true);
    expect(r.history[0]).toMatchObject({ appId: "tagged", outcome: "updated" });
    expect(await page("tagged")).toContain("version 2");
    const image = ((await pcc.podman("/containers/pcc_tagged_web/json")).json as { ImageName: string }).ImageName;
    expect(image).toContain(digests.v2!);
  });

  it("a crash in the middle of an update ends in the old version, whole, within 10 s of the next start", async () => {
    writeNotes("4.0.0", ref(registry.host, "2.0", digests.v2!).replace(":2.0@", ":1.0@").replace(digests.v2!, digests.v1!));
    await pcc.stop();
    pcc.opts.env = { PCC_CRASH_AT: "update:swapped" };
    await pcc.boot();
    await waitFor("notes running", async () => status("notes").status === "running", 60_000);
    const r = await pcc.cliAsync("app", "update", "notes");
    expect(r.code).not.toBe(0);
    pcc.opts.env = {};
    const started = Date.now();
    await pcc.boot();
    await waitFor("notes back on 2.0.0", async () => {
      const s = status("notes");
      return s.status === "running" && s.version === "2.0.0";
    }, 10_000);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(await mark("notes")).toBe("keep");
    expect(await page("notes")).toContain("version 2");
    expect(updates().history[0]).toMatchObject({ appId: "notes", outcome: "failed", toVersion: "4.0.0" });
  });

  it("an app set to notify is told about, not updated, until the owner says so", async () => {
    expect(pcc.cli("app", "update-policy", "notes", "sometimes").code).toBe(2);
    expect(pcc.cli("app", "update-policy", "notes", "notify").code).toBe(0);
    writeNotes("5.0.0", ref(registry.host, "1.0", digests.v1!));
    expect(updates(true).available).toEqual([expect.objectContaining({ appId: "notes", to: "5.0.0" })]);
    expect(status("notes")).toMatchObject({ status: "running", version: "2.0.0" });
    expect(pcc.cli("app", "update", "notes").code).toBe(0);
    expect(status("notes")).toMatchObject({ status: "running", version: "5.0.0" });
    expect(await mark("notes")).toBe("keep");
  });
});
