import fs from "node:fs/promises";
import path from "node:path";
import { DomainError, toMessage } from "../../errors";
import { lintAppDir, type AppSpec } from "../spec";
import { folderSignature } from "./folder-signature";
import { BUILT_IN_ORIGIN, type CatalogOrigin, type SourceSnapshot } from "./sources.service";

export type { CatalogOrigin } from "./sources.service";
/** An app the catalog offers: its spec, its folder (builds come from it), and where it comes from. */
export type CatalogEntry = { spec: AppSpec; dir: string; source: CatalogOrigin };
export type CatalogProblem = { source: string; message: string };
export type CatalogSnapshot = { entries: Map<string, CatalogEntry>; problems: CatalogProblem[] };

/** What the catalog needs of the sources the owner added (SourcesService). */
export type SourcesView = { snapshot(): SourceSnapshot[] };

/**
 * The built-in catalog: apps-catalog/<id>/app.yaml in the app spec v1 format. A broken entry is reported
 * and skipped; the rest still loads. The folder may be edited while PCC runs: it is read again whenever it
 * changed (looked at every 2 s at most). Test apps are included here; the Catalog below decides whether
 * owners see them.
 *
 * Each folder is checked as `./pcc app lint` checks it, not just its app.yaml: the file's size before it is
 * read (a huge file or a FIFO never stalls the catalog), and every file it names (icon, screenshots,
 * build folders) inside the folder once symlinks are resolved, so an entry cannot hand PCC a file of the
 * machine through its icon or its build.
 */
type BuiltInSnapshot = CatalogSnapshot & { claimed: Set<string> };

export class BuiltInCatalog {
  private cached: { at: number; value: Promise<{ signature: string | null; snapshot: BuiltInSnapshot }> } | null = null;

  constructor(
    private readonly dir: string,
    /**
     * How long a read is used without looking at the folder again. Linting every folder takes about 100 ms;
     * an install or a reconcile of many apps asks many times a second. After that, the folder's metadata
     * (a few milliseconds) says whether anything changed, and only then is it linted again.
     */
    private readonly maxAgeMs = 2_000,
    private readonly now = () => Date.now(),
    /** How many times the folder was linted (for tests). */
    readonly stats = { reads: 0 },
  ) {}

  /** Entries (test apps included), problems, and every id a folder claims, broken entries included. */
  async load(): Promise<BuiltInSnapshot> {
    if (!this.cached || this.now() - this.cached.at > this.maxAgeMs) {
      const value = this.revalidate(this.cached?.value ?? null);
      this.cached = { at: this.now(), value };
      value.catch(() => (this.cached = null));
    }
    return (await this.cached.value).snapshot;
  }

  private async revalidate(previous: Promise<{ signature: string | null; snapshot: BuiltInSnapshot }> | null) {
    // Taken before the read: a change made while it runs shows in the next comparison.
    const signature = await folderSignature(this.dir);
    const before = await previous?.catch(() => null);
    if (before && signature !== null && before.signature === signature) return before;
    this.stats.reads++;
    return { signature, snapshot: await this.read() };
  }

  /** Forgets the cached read: an owner who just asked for an update expects the folder as it is now. */
  refresh() {
    this.cached = null;
  }

  private async read(): Promise<BuiltInSnapshot> {
    const entries = new Map<string, CatalogEntry>();
    const problems: CatalogProblem[] = [];
    const claimed = new Set<string>();
    let names: string[] = [];
    try {
      names = (await fs.readdir(this.dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    } catch (e) {
      problems.push({ source: this.dir, message: `The catalog folder cannot be read: ${toMessage(e)}` });
    }
    for (const name of names) {
      // Folders without an app.yaml (the JSON Schema's, for one) are not apps.
      const exists = await fs.lstat(path.join(this.dir, name, "app.yaml")).then(() => true, () => false);
      if (!exists) continue;
      claimed.add(name);
      const source = path.join(name, "app.yaml");
      try {
        const { spec, errors } = await lintAppDir(path.join(this.dir, name));
        if (!spec) throw new Error(errors.map((e) => `${e.path || "(file)"}: ${e.message}`).join("; "));
        entries.set(spec.id, { spec, dir: path.join(this.dir, name), source: BUILT_IN_ORIGIN });
      } catch (e) {
        problems.push({ source, message: toMessage(e) });
      }
    }
    return { entries, problems, claimed };
  }
}

/**
 * Every app PCC offers: the built-in catalog, then the sources the owner added, in the order they were
 * added. An app id belongs to the first that has it (the built-in catalog before any source), so no source
 * can shadow another's app: a later one offering the same id is reported as a problem, never served.
 * Test apps (`test: true`) are left out unless the development setting shows them.
 */
export class Catalog {
  private readonly builtIn: BuiltInCatalog;

  constructor(
    dir: string,
    private readonly showTestApps = false,
    private readonly sources: SourcesView | null = null,
  ) {
    this.builtIn = new BuiltInCatalog(dir);
  }

  /** The next read goes to disk. */
  refresh() {
    this.builtIn.refresh();
  }

  async load(): Promise<CatalogSnapshot> {
    const { entries, problems } = await this.compose();
    return { entries, problems };
  }

  /** The ids of the built-in catalog, test apps and broken entries included: no source may take one. */
  async builtInIds(): Promise<Set<string>> {
    const { entries, claimed } = await this.builtIn.load();
    return new Set([...claimed, ...entries.keys()]);
  }

  async get(id: string): Promise<CatalogEntry> {
    const { entries, problems, refused } = await this.compose();
    const entry = entries.get(id);
    if (entry) return entry;
    // A broken entry is not "missing": say what is wrong with it.
    const why = refused.get(id);
    if (why) throw new DomainError("INVALID_INPUT", `"${id}" cannot be installed: ${why}`);
    const problem = problems.find((p) => p.source === path.join(id, "app.yaml"));
    if (problem) throw new DomainError("INVALID_INPUT", `The catalog entry of "${id}" is not valid, so it cannot be installed: ${problem.message}`);
    throw new DomainError("NOT_FOUND", `There is no app "${id}" in the catalog.`);
  }

  async find(id: string): Promise<CatalogEntry | null> {
    return (await this.load()).entries.get(id) ?? null;
  }

  /** The icon file of an app, if it names one. SVG only: nothing else gets served. */
  async iconPath(id: string): Promise<string | null> {
    const e = (await this.load()).entries.get(id);
    if (!e?.spec.icon || !e.spec.icon.endsWith(".svg")) return null;
    return path.join(e.dir, e.spec.icon);
  }

  private async compose() {
    const builtIn = await this.builtIn.load();
    const entries = new Map(builtIn.entries);
    const problems = [...builtIn.problems];
    /** Source apps that were refused, by id: why (for get). */
    const refused = new Map<string, string>();
    const owners = new Map<string, string>([...builtIn.claimed, ...builtIn.entries.keys()].map((id) => [id, BUILT_IN_ORIGIN.name]));
    for (const { origin, apps } of this.sources?.snapshot() ?? []) {
      const label = `the source "${origin.name}"`;
      for (const app of apps) {
        const at = `${origin.id}/${app.id}`;
        const owner = owners.get(app.id);
        if (owner) {
          // Reported, never served; the app that had the id first stays as it is.
          problems.push({ source: at, message: app.ok ? `${label} offers an app "${app.id}", which ${owner} already provides; it was left out.` : app.message });
          continue;
        }
        owners.set(app.id, label);
        if (app.ok) entries.set(app.id, { spec: app.spec, dir: app.dir, source: origin });
        else {
          refused.set(app.id, app.message);
          problems.push({ source: at, message: app.message });
        }
      }
    }
    if (!this.showTestApps) for (const [id, e] of entries) if (e.spec.test) entries.delete(id);
    return { entries, problems, refused };
  }
}
