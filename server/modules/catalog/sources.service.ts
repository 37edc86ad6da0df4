import fs from "node:fs/promises";
import path from "node:path";
import type { CatalogSourceRow, CatalogSourcesRepository } from "../../adapters/db/catalog-sources-repository";
import { DomainError, toMessage } from "../../errors";
import { KeyedMutex } from "../../lib/keyed-mutex";
import type { Logger } from "../../logger";
import { FetchError, FolderReader, HttpsReader, sourceUrl, type SourceReader } from "./source-fetch";
import { fingerprint, isPublicKeyText } from "./source-index";
import { fetchIndex, loadCachedApps, readCachedIndex, shadowMessage, SourceRefused, syncApps, type AppOutcome } from "./source-sync";

/** Where a catalog entry comes from: PCC's built-in catalog or a source the owner added. */
export type CatalogOrigin = {
  id: string;
  kind: "built-in" | "folder" | "https";
  name: string;
  location: string | null;
  /** The owner trusts this source without a signature: show it loudly. */
  trustUnsigned: boolean;
};

export const BUILT_IN_ORIGIN: CatalogOrigin = { id: "built-in", kind: "built-in", name: "PCC's built-in catalog", location: null, trustUnsigned: false };

export type SourceSnapshot = { origin: CatalogOrigin; apps: AppOutcome[] };

export type SourceView = {
  id: string;
  kind: "folder" | "https";
  location: string;
  /** The name the source gives itself in its index; null until it was first read. */
  name: string | null;
  publicKey: string | null;
  /** SHA256:… of the key, to compare with what the publisher shows. */
  fingerprint: string | null;
  trustUnsigned: boolean;
  /** Set for a source trusted unsigned: what the owner gave up. */
  warning: string | null;
  addedAt: string;
  lastRefresh: string | null;
  lastError: string | null;
  apps: { id: string; version: string; available: boolean; problem: string | null }[];
};

export type AddSourceInput = { location: string; publicKey?: string | null; trustUnsigned?: boolean };

type Audit = { record(e: { action: string; actor: string; ip?: string | null; details?: Record<string, unknown> }): Promise<void> };
export type Who = { actor: string; ip?: string | null };

export type SourcesDeps = {
  repo: CatalogSourcesRepository;
  /** $PCC_DATA_DIR/catalog-sources: one folder per source. */
  cacheDir: string;
  /** Every app id of the built-in catalog, test apps included: a source can never take one of them. */
  builtInIds: () => Promise<Set<string>>;
  /** Test-only: one more CA (PEM) trusted for HTTPS sources (PCC_SOURCES_EXTRA_CA). */
  extraCa?: string | null;
  /** How a source is read; the default reads folders and HTTPS URLs. */
  readerFor?: (s: { kind: "folder" | "https"; location: string }) => SourceReader;
  audit?: Audit;
  log: Logger;
  now?: () => Date;
};

type Loaded = { row: CatalogSourceRow; name: string | null; generatedAt: string | null; apps: AppOutcome[] };

export const UNSIGNED_WARNING =
  "UNSIGNED: PCC cannot check that this source's apps are the ones its publisher made; whoever can change its files (or its server) can change what you install from it.";
export const REFRESH_EVERY_MS = 6 * 3600_000;
const BUILT_IN_LABEL = "PCC's built-in catalog";
const LOCK = "sources";

/**
 * The catalog sources the owner added beside the built-in catalog: adding (verified before anything is
 * kept), refreshing on demand and every 6 hours, removing. What they offer lives in memory (from the cache
 * at start) for the catalog to read; an app id belongs to whoever had it first, the built-in catalog
 * always first of all.
 */
export class SourcesService {
  private readonly loaded = new Map<string, Loaded>();
  private readonly lock = new KeyedMutex();
  private timers: NodeJS.Timeout[] = [];

  constructor(private readonly d: SourcesDeps) {}

  /** Reads each source's cached, verified apps: the catalog has them at once, without the network. */
  async init() {
    for (const row of await this.d.repo.list()) this.loaded.set(row.id, await this.fromCache(row));
  }

  /** Sources in the order they were added, with their apps (or why each was refused). */
  snapshot(): SourceSnapshot[] {
    return this.ordered().map((l) => ({ origin: this.origin(l), apps: l.apps }));
  }

  async list(): Promise<SourceView[]> {
    const rows = await this.d.repo.list();
    return rows.map((row) => this.view(row, this.loaded.get(row.id)));
  }

  /** Verifies the source (signature, index, no app id another source has), keeps it, downloads its apps. */
  add(input: AddSourceInput, who: Who = { actor: "cli" }): Promise<SourceView> {
    return this.lock.run(LOCK, async () => {
      const { kind, location } = await normalizeLocation(input.location);
      const key = input.publicKey?.trim() || null;
      const trustUnsigned = input.trustUnsigned === true;
      if (key && !isPublicKeyText(key)) throw new DomainError("INVALID_INPUT", "The key must be the publisher's Ed25519 public key: 44 characters of base64, as scripts/new-source-key.ts prints it.");
      if (key && trustUnsigned) throw new DomainError("INVALID_INPUT", "Give the publisher's key or trust the source unsigned, not both.");
      if (!key && !trustUnsigned) {
        throw new DomainError("INVALID_INPUT", "A source needs its publisher's public key, so PCC can check its signature. Ask the publisher for it (and compare its fingerprint), or trust the source unsigned, which PCC advises against.");
      }
      const rows = await this.d.repo.list();
      const same = rows.find((r) => r.location === location);
      if (same) throw new DomainError("ALREADY_EXISTS", `${location} is already a source (${same.id}).`);

      const reader = this.reader({ kind, location });
      try {
        const verified = await fetchIndex(reader, key).catch((e: unknown) => {
          throw refusal(e, "It was not added.");
        });
        const label = `The source "${verified.index.name}"`;
        const claims = await this.claims();
        const taken = verified.index.apps.filter((a) => claims.has(a.id));
        if (taken.length) {
          const list = taken.slice(0, 5).map((a) => `"${a.id}" (${claims.get(a.id)})`).join(", ");
          throw new DomainError("CONFLICT", `${label} offers ${list}, already provided elsewhere. A source cannot replace another source's apps, so it was not added.`);
        }
        const id = newSourceId(location, new Set(rows.map((r) => r.id)));
        if (!(await this.d.repo.create({ id, kind, location, publicKey: key, trustUnsigned }))) throw new DomainError("ALREADY_EXISTS", `${location} is already a source.`);
        const row = (await this.d.repo.get(id))!;
        try {
          const apps = await syncApps({ reader, verified, cacheDir: this.cacheOf(id), claimedElsewhere: claims, label: `the source "${verified.index.name}"` });
          await this.saveOutcome({ row, name: verified.index.name, generatedAt: verified.index.generatedAt, apps }, summary(apps));
        } catch (e) {
          // Added whole or not at all.
          this.loaded.delete(id);
          await this.d.repo.delete(id);
          await fs.rm(this.cacheOf(id), { recursive: true, force: true });
          throw e;
        }
        const apps = this.loaded.get(id)!.apps;
        await this.d.audit?.record({ action: "catalog.source.added", ...who, details: { source: id, location, fingerprint: key ? fingerprint(key) : null, trustUnsigned } });
        this.d.log.info({ source: id, location, apps: apps.length, trustUnsigned }, "catalog source added");
        return this.view((await this.d.repo.get(id))!, this.loaded.get(id));
      } finally {
        reader.close();
      }
    });
  }

  /** Forgets a source and its cache. Apps installed from it keep running (each keeps the spec it was installed with). */
  remove(id: string, who: Who = { actor: "cli" }): Promise<void> {
    return this.lock.run(LOCK, async () => {
      const row = await this.d.repo.get(id);
      if (!row) throw new DomainError("NOT_FOUND", `There is no source "${id}".`);
      await this.d.repo.delete(id);
      this.loaded.delete(id);
      await fs.rm(this.cacheOf(id), { recursive: true, force: true });
      await this.d.audit?.record({ action: "catalog.source.removed", ...who, details: { source: id, location: row.location } });
      this.d.log.info({ source: id }, "catalog source removed");
    });
  }

  /** Fetches one source again (or every one): new and changed apps come in, verified; a failure keeps the last good apps. */
  refresh(id?: string): Promise<SourceView[]> {
    return this.lock.run(LOCK, async () => {
      const rows = await this.d.repo.list();
      const targets = id === undefined ? rows : rows.filter((r) => r.id === id);
      if (id !== undefined && !targets.length) throw new DomainError("NOT_FOUND", `There is no source "${id}".`);
      for (const row of targets) await this.refreshOne(row);
      const fresh = await this.d.repo.list();
      return fresh.filter((r) => targets.some((t) => t.id === r.id)).map((r) => this.view(r, this.loaded.get(r.id)));
    });
  }

  /** Refreshes sources not refreshed for `everyMs`, checking every few minutes; the first check soon after start. */
  startSchedule(everyMs = REFRESH_EVERY_MS, checkMs = 10 * 60_000, firstMs = 60_000) {
    const check = async () => {
      const now = this.now().getTime();
      for (const row of await this.d.repo.list()) {
        if (row.lastRefresh && now - row.lastRefresh.getTime() < everyMs) continue;
        await this.refresh(row.id).catch((err) => this.d.log.warn({ err, source: row.id }, "scheduled source refresh failed"));
      }
    };
    const run = () => void check().catch((err) => this.d.log.warn({ err }, "scheduled source refresh failed"));
    this.timers.push(setTimeout(run, firstMs).unref(), setInterval(run, checkMs).unref());
  }

  stopSchedule() {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
  }

  private async refreshOne(row: CatalogSourceRow) {
    const prev = this.loaded.get(row.id) ?? { row, name: null, generatedAt: null, apps: [] };
    const keeping = prev.apps.some((a) => a.ok) ? " PCC keeps the apps of the last refresh that verified." : "";
    const reader = this.reader(row);
    try {
      let verified;
      try {
        verified = await fetchIndex(reader, row.publicKey);
      } catch (e) {
        return await this.saveOutcome({ ...prev, row }, `${toMessage(e)}${keeping}`);
      }
      if (prev.generatedAt && Date.parse(verified.index.generatedAt) < Date.parse(prev.generatedAt)) {
        return await this.saveOutcome(
          { ...prev, row },
          `${reader.where} now serves an index generated ${verified.index.generatedAt}, older than the one PCC has (${prev.generatedAt}); refused, in case someone replays an old index.${keeping}`,
        );
      }
      const label = `the source "${verified.index.name}"`;
      const apps = await syncApps({ reader, verified, cacheDir: this.cacheOf(row.id), claimedElsewhere: await this.claims(row.id), label });
      await this.saveOutcome({ row, name: verified.index.name, generatedAt: verified.index.generatedAt, apps }, summary(apps));
      this.d.log.info({ source: row.id, apps: apps.length, refused: apps.filter((a) => !a.ok).length }, "catalog source refreshed");
    } finally {
      reader.close();
    }
  }

  private async saveOutcome(l: Loaded, lastError: string | null) {
    const lastRefresh = this.now();
    await this.d.repo.update(l.row.id, { lastRefresh, lastError });
    this.loaded.set(l.row.id, { ...l, row: { ...l.row, lastRefresh, lastError } });
    if (lastError) this.d.log.warn({ source: l.row.id, problem: lastError }, "catalog source refresh had problems");
  }

  /** App ids taken, with who has them: the built-in catalog's, then each source's (but `except`'s own). */
  private async claims(except?: string): Promise<Map<string, string>> {
    const claims = new Map<string, string>();
    for (const id of await this.d.builtInIds()) claims.set(id, BUILT_IN_LABEL);
    for (const l of this.ordered()) {
      if (l.row.id === except) continue;
      for (const a of l.apps) if (!claims.has(a.id) && !(!a.ok && a.shadowed)) claims.set(a.id, `the source "${l.name ?? l.row.location}"`);
    }
    return claims;
  }

  private async fromCache(row: CatalogSourceRow): Promise<Loaded> {
    const cached = await readCachedIndex(this.cacheOf(row.id), row.publicKey).catch(() => null);
    if (!cached) return { row, name: null, generatedAt: null, apps: [] };
    const { index } = cached.verified;
    return { row, name: index.name, generatedAt: index.generatedAt, apps: await loadCachedApps(this.cacheOf(row.id), index, cached.status) };
  }

  private ordered(): Loaded[] {
    return [...this.loaded.values()].sort((a, b) => a.row.addedAt.getTime() - b.row.addedAt.getTime() || a.row.id.localeCompare(b.row.id));
  }

  private origin(l: Loaded): CatalogOrigin {
    return { id: l.row.id, kind: l.row.kind, name: l.name ?? l.row.location, location: l.row.location, trustUnsigned: l.row.trustUnsigned };
  }

  private view(row: CatalogSourceRow, l: Loaded | undefined): SourceView {
    return {
      id: row.id,
      kind: row.kind,
      location: row.location,
      name: l?.name ?? null,
      publicKey: row.publicKey,
      fingerprint: row.publicKey ? fingerprint(row.publicKey) : null,
      trustUnsigned: row.trustUnsigned,
      warning: row.trustUnsigned ? UNSIGNED_WARNING : null,
      addedAt: row.addedAt.toISOString(),
      lastRefresh: row.lastRefresh?.toISOString() ?? null,
      lastError: row.lastError,
      apps: (l?.apps ?? []).map((a) => ({ id: a.id, version: a.version, available: a.ok, problem: a.ok ? null : a.message })),
    };
  }

  private reader(s: { kind: "folder" | "https"; location: string }): SourceReader {
    if (this.d.readerFor) return this.d.readerFor(s);
    return s.kind === "folder" ? new FolderReader(s.location) : new HttpsReader(s.location, { extraCa: this.d.extraCa });
  }

  private cacheOf(id: string) {
    return path.join(this.d.cacheDir, id);
  }

  private now() {
    return this.d.now?.() ?? new Date();
  }
}

/** Problems of a refresh in one line for `lastError`, or null when every app came through. */
function summary(apps: AppOutcome[]): string | null {
  const refused = apps.filter((a): a is Extract<AppOutcome, { ok: false }> => !a.ok);
  if (!refused.length) return null;
  const text = `${refused.length} of ${apps.length} app${apps.length === 1 ? "" : "s"} refused: ${refused.map((a) => a.message).join(" ")}`;
  return text.length > 2000 ? `${text.slice(0, 1997)}...` : text;
}

function refusal(e: unknown, what: string): DomainError {
  if (e instanceof DomainError) return e;
  const unreachable = e instanceof SourceRefused && e.unreachable;
  return new DomainError(unreachable ? "EXTERNAL_FAILURE" : "INVALID_INPUT", `${toMessage(e)} ${what}`);
}

/** An owner's location: an https:// URL (kept as its folder URL) or an absolute path to a folder on this machine. */
export async function normalizeLocation(input: string): Promise<{ kind: "folder" | "https"; location: string }> {
  const loc = input.trim();
  if (/^https:\/\//i.test(loc)) {
    try {
      return { kind: "https", location: sourceUrl(loc).href };
    } catch (e) {
      throw new DomainError("INVALID_INPUT", e instanceof FetchError ? e.message : toMessage(e));
    }
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(loc)) throw new DomainError("INVALID_INPUT", `${loc}: PCC fetches sources over HTTPS only (an https:// URL), or from a folder on this machine.`);
  if (!path.isAbsolute(loc)) throw new DomainError("INVALID_INPUT", `${loc || "(empty)"}: give an https:// URL or the absolute path of a folder on this machine.`);
  const folder = path.resolve(loc);
  const isDir = await fs.stat(folder).then((s) => s.isDirectory(), () => false);
  if (!isDir) throw new DomainError("INVALID_INPUT", `${folder} is not a folder on this machine.`);
  return { kind: "folder", location: folder };
}

/** A short readable id from the host or folder name: example-com, my-apps-2. */
export function newSourceId(location: string, taken: Set<string>): string {
  let base: string;
  try {
    base = /^https:/i.test(location) ? new URL(location).hostname.replace(/^www\./, "") : path.basename(location);
  } catch {
    base = "source";
  }
  let slug = base.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 24).replace(/-+$/, "");
  if (!/^[a-z]/.test(slug)) slug = `src-${slug}`.replace(/-+$/, "");
  if (slug === "built-in" || slug === "src") slug = `${slug}-source`;
  let id = slug;
  for (let n = 2; taken.has(id); n++) id = `${slug}-${n}`;
  return id;
}

export { shadowMessage };
