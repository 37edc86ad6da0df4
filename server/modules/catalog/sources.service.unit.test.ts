import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FolderReader } from "./source-fetch";
import { minimalSpec } from "../spec/spec-fixtures";
import { publishSource } from "./source-publish";
import { errorOf, keys, resign, sourcesFixture, writeApp } from "./sources-fixtures";
import { hashFolder } from "./tree-hash";
import { newSourceId, UNSIGNED_WARNING } from "./sources.service";

let tmp: string;
let builtIn: string;
let data: string;

beforeEach(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "pcc-sources-"));
  builtIn = path.join(tmp, "built-in");
  data = path.join(tmp, "data");
  // The built-in catalog: a test app (hidden from owners) and a real one.
  await writeApp(builtIn, "hello", { test: true });
  await writeApp(builtIn, "notes", {});
});
afterEach(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

const { makeSource, setup } = sourcesFixture(() => ({ tmp, builtIn, data }));

describe("adding a source", () => {
  it("verifies, caches and lists a signed source's apps in the catalog, each saying where it comes from", async () => {
    const k = keys();
    const dir = await makeSource("Good apps", { alpha: {}, beta: { version: "2.1.0" } }, k);
    const { sources, catalog, audit } = setup();
    const view = await sources.add({ location: dir, publicKey: k.publicKey }, { actor: "device:d1" });

    expect(view).toMatchObject({ id: "good-apps", kind: "folder", location: dir, name: "Good apps", trustUnsigned: false, warning: null, lastError: null });
    expect(view.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(view.apps).toEqual([
      { id: "alpha", version: "1.0.0", available: true, problem: null },
      { id: "beta", version: "2.1.0", available: true, problem: null },
    ]);
    const { entries, problems } = await catalog.load();
    expect(problems).toEqual([]);
    expect([...entries.keys()].sort()).toEqual(["alpha", "beta", "notes"]);
    const alpha = entries.get("alpha")!;
    expect(alpha.source).toEqual({ id: "good-apps", kind: "folder", name: "Good apps", location: dir, trustUnsigned: false });
    expect(entries.get("notes")!.source.id).toBe("built-in");
    // Served from PCC's own cache, not from the publisher's folder.
    expect(alpha.dir.startsWith(path.join(data, "catalog-sources", "good-apps"))).toBe(true);
    expect(await catalog.iconPath("alpha")).toBe(path.join(alpha.dir, "icon.svg"));
    expect(audit.record).toHaveBeenCalledWith(expect.objectContaining({ action: "catalog.source.added", actor: "device:d1" }));
  });

  it("caches files readable by an app's unprivileged user whatever PCC's umask: 0644, 0755 if executable, folders 0755", async () => {
    const k = keys();
    const dir = path.join(tmp, "sources", "modes");
    await writeApp(path.join(dir, "apps"), "alpha", {}, { "run.sh": "#!/bin/sh\n" });
    await fs.mkdir(path.join(dir, "apps/alpha/www/sub"), { recursive: true });
    await fs.writeFile(path.join(dir, "apps/alpha/www/sub/index.html"), "hi");
    await fs.chmod(path.join(dir, "apps/alpha/run.sh"), 0o700);
    await publishSource(dir, k.key, "Modes");
    const old = process.umask(0o077);
    try {
      const { catalog, sources } = setup();
      await sources.add({ location: dir, publicKey: k.publicKey });
      const cached = (await catalog.get("alpha")).dir;
      const mode = async (rel: string) => ((await fs.stat(path.join(cached, rel))).mode & 0o777).toString(8);
      expect([await mode("app.yaml"), await mode("run.sh"), await mode("www"), await mode("www/sub"), await mode("www/sub/index.html")]).toEqual(["644", "755", "755", "755", "644"]);
    } finally {
      process.umask(old);
    }
  });

  it("refuses a source whose index was changed after signing, or signed by another key, and keeps nothing", async () => {
    const k = keys();
    const dir = await makeSource("Tampered", { alpha: {} }, k);
    const { sources, repo, catalog } = setup();
    const other = await errorOf(sources.add({ location: dir, publicKey: keys().publicKey }));
    expect(other.code).toBe("INVALID_INPUT");
    expect(other.message).toMatch(/signature of .* does not match its key \(SHA256:.*\).*Nothing from this source was loaded\. It was not added\./);

    const index = await fs.readFile(path.join(dir, "index.json"), "utf8");
    await fs.writeFile(path.join(dir, "index.json"), index.replace('"Tampered"', '"Tampered!"'));
    const changed = await errorOf(sources.add({ location: dir, publicKey: k.publicKey }));
    expect(changed.message).toMatch(/changed after it was signed/);
    expect(repo.rows.size).toBe(0);
    expect((await catalog.load()).entries.has("alpha")).toBe(false);
    expect(await fs.readdir(path.join(data, "catalog-sources")).catch(() => [])).toEqual([]);
  });

  it("refuses an unsigned source unless the owner trusts it unsigned, which is then shown loudly", async () => {
    const dir = await makeSource("Unsigned", { alpha: {} }, null);
    const { sources, catalog } = setup();
    const needsKey = await errorOf(sources.add({ location: dir }));
    expect(needsKey.message).toMatch(/needs its publisher's public key/);
    const noSig = await errorOf(sources.add({ location: dir, publicKey: keys().publicKey }));
    expect(noSig.message).toMatch(/is not signed \(it has no index\.json\.sig\)/);

    const view = await sources.add({ location: dir, trustUnsigned: true });
    expect(view).toMatchObject({ trustUnsigned: true, warning: UNSIGNED_WARNING, publicKey: null, fingerprint: null });
    expect(view.warning).toMatch(/^UNSIGNED/);
    expect((await catalog.get("alpha")).source.trustUnsigned).toBe(true);
  });

  it("refuses bad input in words: no scheme, plain HTTP, a relative path, a bad key, both key and trust", async () => {
    const k = keys();
    const dir = await makeSource("Good", { alpha: {} }, k);
    const { sources } = setup();
    expect((await errorOf(sources.add({ location: "http://example.test/apps/", publicKey: k.publicKey }))).message).toMatch(/HTTPS only/);
    expect((await errorOf(sources.add({ location: "https://u:p@example.test/", publicKey: k.publicKey }))).message).toMatch(/user name or password/);
    expect((await errorOf(sources.add({ location: "apps", publicKey: k.publicKey }))).message).toMatch(/absolute path/);
    expect((await errorOf(sources.add({ location: path.join(tmp, "nope"), publicKey: k.publicKey }))).message).toMatch(/is not a folder/);
    expect((await errorOf(sources.add({ location: dir, publicKey: "abc" }))).message).toMatch(/44 characters of base64/);
    expect((await errorOf(sources.add({ location: dir, publicKey: k.publicKey, trustUnsigned: true }))).message).toMatch(/not both/);
    await sources.add({ location: dir, publicKey: k.publicKey });
    expect((await errorOf(sources.add({ location: `${dir}/`, publicKey: k.publicKey }))).code).toBe("ALREADY_EXISTS");
  });
});

describe("no source shadows another's app", () => {
  it("refuses, at add, a source offering an id of the built-in catalog (test apps included)", async () => {
    const k = keys();
    const dir = await makeSource("Shadow", { hello: {}, gamma: {} }, k);
    const { sources, repo, catalog } = setup();
    const e = await errorOf(sources.add({ location: dir, publicKey: k.publicKey }));
    expect(e.code).toBe("CONFLICT");
    expect(e.message).toBe(`The source "Shadow" offers "hello" (PCC's built-in catalog), already provided elsewhere. A source cannot replace another source's apps, so it was not added.`);
    expect(repo.rows.size).toBe(0);
    expect((await catalog.load()).entries.has("gamma")).toBe(false);
  });

  it("refuses, at add, an id another source has; reports, at refresh, an id a source takes up later", async () => {
    const ka = keys();
    const kb = keys();
    const a = await makeSource("First", { alpha: {} }, ka);
    const b = await makeSource("Second", { beta: {} }, kb);
    const { sources, catalog } = setup();
    await sources.add({ location: a, publicKey: ka.publicKey });
    const clash = await makeSource("Clash", { alpha: {} }, kb);
    expect((await errorOf(sources.add({ location: clash, publicKey: kb.publicKey }))).message).toMatch(/offers "alpha" \(the source "First"\)/);
    await sources.add({ location: b, publicKey: kb.publicKey });

    // Second now also publishes alpha (First's) and notes (the built-in catalog's).
    await makeSource("Second", { beta: { version: "1.1.0" }, alpha: { name: "Evil alpha" }, notes: {} }, kb, new Date(Date.now() + 60_000));
    const [view] = await sources.refresh("second");
    expect(view!.apps.map((x) => [x.id, x.available])).toEqual([["alpha", false], ["beta", true], ["notes", false]]);
    expect(view!.apps[0]!.problem).toMatch(/the source "Second" offers an app "alpha", which the source "First" already provides/);
    expect(view!.lastError).toMatch(/^2 of 3 apps refused/);
    const { entries, problems } = await catalog.load();
    expect(entries.get("alpha")!.spec.name).toBe("ALPHA");
    expect(entries.get("alpha")!.source.id).toBe("first");
    expect(entries.get("notes")!.source.id).toBe("built-in");
    expect(entries.get("beta")!.spec.version).toBe("1.1.0");
    expect(problems.map((p) => p.source).sort()).toEqual(["second/alpha", "second/notes"]);
    // Refreshing First later changes nothing about who has alpha.
    await sources.refresh("first");
    expect((await catalog.get("alpha")).source.id).toBe("first");
  });
});

describe("refreshing", () => {
  it("refuses an app whose folder changed after signing, with a clear message, and loads the others", async () => {
    const k = keys();
    const dir = await makeSource("Mixed", { alpha: {}, beta: {} }, k);
    await fs.appendFile(path.join(dir, "apps/beta/app.yaml"), "# changed after signing\n");
    const { sources, catalog } = setup();
    const view = await sources.add({ location: dir, publicKey: k.publicKey });
    expect(view.apps.map((a) => [a.id, a.available])).toEqual([["alpha", true], ["beta", false]]);
    expect(view.apps[1]!.problem).toBe(`beta from the source "Mixed" was refused: app.yaml does not match the signed index (it was changed after the index was signed, or damaged on the way)`);
    expect(view.lastError).toMatch(/^1 of 2 apps refused/);
    const e = await errorOf(catalog.get("beta"));
    expect(e.code).toBe("INVALID_INPUT");
    expect(e.message).toMatch(/^"beta" cannot be installed: beta from the source "Mixed" was refused: app\.yaml does not match/);
    expect((await catalog.get("alpha")).spec.id).toBe("alpha");
    // Nothing of the refused app is left in the cache.
    const cached = await fs.readdir(path.join(data, "catalog-sources", "mixed"));
    expect(cached.filter((n) => /^[0-9a-f]{64}$/.test(n))).toHaveLength(1);
  });

  it("refuses apps that fail lint, or whose app.yaml gives another version than the signed index", async () => {
    const k = keys();
    const dir = await makeSource("Lint", { alpha: {}, beta: {}, gamma: {} }, k);
    // The publisher's tool refuses such apps; a hand-made index (signed all the same) may not.
    await writeApp(path.join(dir, "apps"), "alpha", { services: { web: { image: minimalSpec().services.web.image, privileged: true } } });
    await writeApp(path.join(dir, "apps"), "beta", { version: "9.9.9" });
    const index = JSON.parse(await fs.readFile(path.join(dir, "index.json"), "utf8"));
    for (const app of index.apps.slice(0, 2)) Object.assign(app, await hashFolder(path.join(dir, "apps", app.id)));
    await resign(dir, index, k);
    const view = await setup().sources.add({ location: dir, publicKey: k.publicKey });
    expect(view.apps.map((a) => [a.id, a.available])).toEqual([["alpha", false], ["beta", false], ["gamma", true]]);
    expect(view.apps[0]!.problem).toMatch(/^alpha from the source "Lint" was refused: it does not pass \.\/pcc app lint: services\.web\.privileged: /);
    expect(view.apps[1]!.problem).toBe(`beta from the source "Lint" was refused: its app.yaml says version 9.9.9, the signed index 1.0.0`);
  });

  it("keeps the last good apps when the source later fails to verify, and refuses an older index (a replay)", async () => {
    const k = keys();
    const t0 = new Date(Date.now() - 3600_000);
    const dir = await makeSource("Steady", { alpha: {} }, k, t0);
    const { sources, catalog } = setup();
    await sources.add({ location: dir, publicKey: k.publicKey });

    await fs.writeFile(path.join(dir, "index.json.sig"), Buffer.alloc(64, 1).toString("base64"));
    const [bad] = await sources.refresh();
    expect(bad!.lastError).toMatch(/does not match its key.*PCC keeps the apps of the last refresh that verified\./);
    expect(bad!.lastRefresh).not.toBeNull();
    expect((await catalog.get("alpha")).spec.id).toBe("alpha");

    await makeSource("Steady", { alpha: {}, newer: {} }, k, new Date(t0.getTime() - 60_000));
    const [old] = await sources.refresh("steady");
    expect(old!.lastError).toMatch(/older than the one PCC has .* in case someone replays an old index/);
    expect((await catalog.load()).entries.has("newer")).toBe(false);

    await makeSource("Steady", { alpha: { version: "1.2.0" }, newer: {} }, k, new Date());
    const [good] = await sources.refresh("steady");
    expect(good!.lastError).toBeNull();
    expect((await catalog.get("alpha")).spec.version).toBe("1.2.0");
    expect((await catalog.get("newer")).source.id).toBe("steady");
  });

  it("starts from the verified cache, without the network", async () => {
    const k = keys();
    const dir = await makeSource("Cached", { alpha: {}, beta: {} }, k);
    await fs.appendFile(path.join(dir, "apps/beta/app.yaml"), "# changed\n");
    const first = setup();
    await first.sources.add({ location: dir, publicKey: k.publicKey });
    await fs.rm(dir, { recursive: true });

    const again = setup({ repo: first.repo });
    await again.sources.init();
    expect((await again.catalog.get("alpha")).source.name).toBe("Cached");
    expect((await errorOf(again.catalog.get("beta"))).message).toMatch(/app\.yaml does not match the signed index/);
    // A cache someone edited no longer verifies: nothing of it is served.
    await fs.appendFile(path.join(data, "catalog-sources", "cached", "index.json"), " ");
    const third = setup({ repo: first.repo });
    await third.sources.init();
    expect((await third.catalog.load()).entries.has("alpha")).toBe(false);
  });

  it("refreshes on a schedule only what is due", async () => {
    const k = keys();
    const dir = await makeSource("Sched", { alpha: {} }, k);
    const reads: string[] = [];
    const { sources } = setup({
      readerFor: (s) => {
        const r = new FolderReader(s.location);
        return { where: r.where, close: () => undefined, read: (rel, max) => (reads.push(rel), r.read(rel, max)) };
      },
    });
    await sources.add({ location: dir, publicKey: k.publicKey });
    reads.length = 0;
    vi.useFakeTimers({ toFake: ["setTimeout", "setInterval"] });
    try {
      sources.startSchedule(3600_000, 1000, 10);
      await vi.advanceTimersByTimeAsync(50);
      expect(reads).toEqual([]);
      sources.stopSchedule();
      sources.startSchedule(0, 1000, 10);
      await vi.advanceTimersByTimeAsync(50);
      expect(reads).toContain("index.json");
    } finally {
      sources.stopSchedule();
      vi.useRealTimers();
    }
    // Behind the scheduled one, so nothing still writes to the cache as the test ends.
    await sources.refresh("sched");
  });

  it("removes a source and its cache; its apps leave the catalog", async () => {
    const k = keys();
    const dir = await makeSource("Gone", { alpha: {} }, k);
    const { sources, catalog, repo } = setup();
    await sources.add({ location: dir, publicKey: k.publicKey });
    await sources.remove("gone");
    expect(repo.rows.size).toBe(0);
    expect((await catalog.load()).entries.has("alpha")).toBe(false);
    expect(await fs.readdir(path.join(data, "catalog-sources"))).toEqual([]);
    expect((await errorOf(sources.remove("gone"))).code).toBe("NOT_FOUND");
  });
});

describe("source ids", () => {
  it.each([
    ["https://apps.example.com/pcc/", [], "apps-example-com"],
    ["https://www.example.com/", [], "example-com"],
    ["https://127.0.0.1:8443/src/", [], "src-127-0-0-1"],
    ["/srv/My Apps", [], "my-apps"],
    ["/srv/my-apps", ["my-apps", "my-apps-2"], "my-apps-3"],
    ["/srv/built-in", [], "built-in-source"],
  ])("%s → %s", (location, taken, id) => {
    expect(newSourceId(location, new Set(taken as string[]))).toBe(id);
  });
});
