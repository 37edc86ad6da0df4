import fs from "node:fs/promises";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { DomainError, toMessage } from "../../errors";
import { manifestSchema, type Manifest } from "./manifest";
import type { CatalogProblem } from "./apps.types";

export type CatalogEntry = { manifest: Manifest; dir: string };
export type CatalogSnapshot = { entries: Map<string, CatalogEntry>; problems: CatalogProblem[] };

/**
 * Reads apps-catalog/<id>/app.yaml. A broken manifest is reported and skipped; the rest still loads.
 * Read fresh on each call: the folder is small and may be edited while PCC runs.
 */
export class Catalog {
  constructor(private readonly dir: string) {}

  async load(): Promise<CatalogSnapshot> {
    const entries = new Map<string, CatalogEntry>();
    const problems: CatalogProblem[] = [];
    let names: string[] = [];
    try {
      names = (await fs.readdir(this.dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    } catch (e) {
      problems.push({ source: this.dir, message: `The catalog folder cannot be read: ${toMessage(e)}` });
    }
    for (const name of names) {
      const file = path.join(this.dir, name, "app.yaml");
      // Folders without an app.yaml (the JSON Schema's, for one) are not apps.
      if (!(await fs.stat(file).catch(() => null))) continue;
      const source = path.join(name, "app.yaml");
      try {
        const raw = parseYaml(await fs.readFile(file, "utf8")) as unknown;
        const manifest = manifestSchema.parse(raw);
        if (manifest.id !== name) throw new Error(`its id "${manifest.id}" does not match its folder "${name}"`);
        entries.set(manifest.id, { manifest, dir: path.join(this.dir, name) });
      } catch (e) {
        const message = e instanceof z.ZodError ? e.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ") : toMessage(e);
        problems.push({ source, message });
      }
    }
    return { entries, problems };
  }

  async get(id: string): Promise<CatalogEntry> {
    const { entries } = await this.load();
    const entry = entries.get(id);
    if (!entry) throw new DomainError("NOT_FOUND", `There is no app "${id}" in the catalog.`);
    return entry;
  }

  /** The icon file of an app, if its manifest names one. SVG only: nothing else gets served. */
  async iconPath(id: string): Promise<string | null> {
    const { entries } = await this.load();
    const e = entries.get(id);
    if (!e?.manifest.icon || !e.manifest.icon.endsWith(".svg")) return null;
    return path.join(e.dir, e.manifest.icon);
  }
}
