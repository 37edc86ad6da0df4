import { createPrivateKey, type KeyObject } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { stringify } from "yaml";
import { expect, vi } from "vitest";
import { MemoryCatalogSourcesRepository } from "../../adapters/db/catalog-sources-repository";
import { DomainError } from "../../errors";
import { rejection, silentLogger } from "../../testing/fakes";
import { minimalSpec } from "../spec/spec-fixtures";
import { Catalog } from "./catalog";
import type { SourceReader } from "./source-fetch";
import { newKeyPair, publishSource, signIndex } from "./source-publish";
import { SourcesService } from "./sources.service";

// Shared by the sources unit tests: apps, publisher keys, signed folder sources and a SourcesService over
// temp folders that each test file makes afresh (`dirs` is read when a helper runs, not when it is made).

export type Keys = { key: KeyObject; publicKey: string };
type Dirs = { tmp: string; builtIn: string; data: string };

export async function writeApp(parent: string, id: string, fields: Record<string, unknown>, files: Record<string, string> = {}) {
  await fs.mkdir(path.join(parent, id), { recursive: true });
  await fs.writeFile(path.join(parent, id, "app.yaml"), stringify({ ...minimalSpec(), id, name: id.toUpperCase(), ...fields }));
  for (const [name, body] of Object.entries(files)) await fs.writeFile(path.join(parent, id, name), body);
}

export const keys = (): Keys => {
  const pair = newKeyPair();
  return { key: createPrivateKey(pair.privatePem), publicKey: pair.publicKey };
};

export const errorOf = (p: Promise<unknown>) => rejection(p, DomainError);

/** Writes a hand-edited index and signs it as the publisher would. */
export async function resign(dir: string, index: unknown, k: Keys) {
  const bytes = Buffer.from(JSON.stringify(index));
  await fs.writeFile(path.join(dir, "index.json"), bytes);
  await fs.writeFile(path.join(dir, "index.json.sig"), signIndex(bytes, k.key));
}

export function sourcesFixture(dirs: () => Dirs) {
  /** A signed folder source with these apps; returns its folder. */
  async function makeSource(name: string, apps: Record<string, Record<string, unknown>>, k: Keys | null, when = new Date()): Promise<string> {
    const dir = path.join(dirs().tmp, "sources", name);
    await fs.rm(path.join(dir, "apps"), { recursive: true, force: true });
    for (const [id, fields] of Object.entries(apps)) await writeApp(path.join(dir, "apps"), id, { icon: "icon.svg", ...fields }, { "icon.svg": "<svg/>" });
    const signer = k?.key ?? keys().key;
    vi.setSystemTime(when);
    const r = await publishSource(dir, signer, name);
    vi.useRealTimers();
    expect(r.problems).toEqual([]);
    if (!k) await fs.rm(path.join(dir, "index.json.sig"));
    return dir;
  }

  function setup(opts: { readerFor?: (s: { kind: "folder" | "https"; location: string }) => SourceReader; repo?: MemoryCatalogSourcesRepository; showTestApps?: boolean } = {}) {
    const repo = opts.repo ?? new MemoryCatalogSourcesRepository();
    const audit = { record: vi.fn(async () => undefined) };
    const sources: SourcesService = new SourcesService({
      repo,
      cacheDir: path.join(dirs().data, "catalog-sources"),
      builtInIds: () => catalog.builtInIds(),
      readerFor: opts.readerFor,
      audit,
      log: silentLogger(),
    });
    const catalog = new Catalog(dirs().builtIn, opts.showTestApps ?? false, sources);
    return { repo, sources, catalog, audit };
  }

  return { makeSource, setup };
}
