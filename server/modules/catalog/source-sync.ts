import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { toMessage } from "../../errors";
import { lintAppDir, type AppSpec } from "../spec";
import { FetchError, readOptional, type SourceReader } from "./source-fetch";
import { fingerprint, parseSourceIndex, SOURCE_LIMITS, SourceIndexError, verifyIndexSignature, type SourceIndex, type SourceIndexApp } from "./source-index";
import { hashFolder, treeHash } from "./tree-hash";

/**
 * One refresh of one source: fetch index.json (and its signature), verify it, then bring each app's folder
 * into the cache, checked file by file against the signed index, hashed again as a whole, and linted.
 *
 * Cache layout, under the source's own folder ($PCC_DATA_DIR/catalog-sources/<source id>/):
 *   index.json, index.json.sig   the last index that verified (re-checked when PCC starts)
 *   status.json                  each app's outcome at that refresh (null, or why it was refused)
 *   <hash hex>/<app id>/         an app folder whose content hash is <hash hex>; folders no index names go
 */

/** Why a whole source was refused (its index, its signature, the way to it). */
export class SourceRefused extends Error {
  constructor(
    message: string,
    /** The source could not be reached or read (rather than read and found wanting). */
    readonly unreachable = false,
  ) {
    super(message);
  }
}

export type VerifiedIndex = { bytes: Buffer; sig: Buffer | null; index: SourceIndex };

export type AppOutcome = { id: string; version: string } & ({ ok: true; spec: AppSpec; dir: string } | { ok: false; message: string; shadowed?: boolean });

/** status.json: per app, null or why it was refused; `shadowed` lists those left out because another source has them. */
export type CachedStatus = { generatedAt: string; apps: Record<string, string | null>; shadowed?: string[] };

/** Reads and verifies a source's index. A source added with a key must be signed by it; only a source the owner trusts unsigned may skip it. */
export async function fetchIndex(reader: SourceReader, publicKey: string | null): Promise<VerifiedIndex> {
  let bytes: Buffer;
  let sig: Buffer | null;
  try {
    bytes = await reader.read("index.json", SOURCE_LIMITS.indexBytes);
    sig = await readOptional(reader, "index.json.sig", SOURCE_LIMITS.sigBytes);
  } catch (e) {
    if (e instanceof FetchError && e.notFound) throw new SourceRefused(`${reader.where} has no index.json; it is not a PCC source`);
    throw new SourceRefused(`${reader.where} cannot be read: ${toMessage(e)}`, true);
  }
  if (publicKey) {
    if (!sig) throw new SourceRefused(`${reader.where} is not signed (it has no index.json.sig), so PCC refuses it. Add it with its publisher's key once it is signed, or trust it unsigned if you really must.`);
    if (!verifyIndexSignature(bytes, sig, publicKey)) {
      throw new SourceRefused(
        `The signature of ${reader.where} does not match its key (${fingerprint(publicKey)}): index.json was changed after it was signed, or signed with another key. Nothing from this source was loaded.`,
      );
    }
  }
  try {
    return { bytes, sig, index: parseSourceIndex(bytes) };
  } catch (e) {
    if (e instanceof SourceIndexError) throw new SourceRefused(`${reader.where}: ${e.message}`);
    throw e;
  }
}

/** The index and statuses kept in the cache by the last good refresh, re-verified; null if there are none (or they no longer verify). */
export async function readCachedIndex(cacheDir: string, publicKey: string | null): Promise<{ verified: VerifiedIndex; status: CachedStatus | null } | null> {
  const bytes = await fs.readFile(path.join(cacheDir, "index.json")).catch(() => null);
  if (!bytes) return null;
  const sig = await fs.readFile(path.join(cacheDir, "index.json.sig")).catch(() => null);
  if (publicKey && (!sig || !verifyIndexSignature(bytes, sig, publicKey))) return null;
  let index: SourceIndex;
  try {
    index = parseSourceIndex(bytes);
  } catch {
    return null;
  }
  const status = await fs
    .readFile(path.join(cacheDir, "status.json"), "utf8")
    .then((t) => JSON.parse(t) as CachedStatus)
    .catch(() => null);
  return { verified: { bytes, sig, index }, status: status?.generatedAt === index.generatedAt ? status : null };
}

export type SyncOptions = {
  reader: SourceReader;
  verified: VerifiedIndex;
  cacheDir: string;
  /** App ids another source (or the built-in catalog) already provides, with a name for it. */
  claimedElsewhere: Map<string, string>;
  /** The source's name for messages. */
  label: string;
};

/** Brings every app of a verified index into the cache (or says why not); then keeps only what the index names. */
export async function syncApps(o: SyncOptions): Promise<AppOutcome[]> {
  await fs.mkdir(o.cacheDir, { recursive: true, mode: 0o700 });
  const budget = { left: SOURCE_LIMITS.sourceBytes };
  const outcomes: AppOutcome[] = [];
  for (const app of o.verified.index.apps) {
    const owner = o.claimedElsewhere.get(app.id);
    if (owner) {
      outcomes.push({ id: app.id, version: app.version, ok: false, message: shadowMessage(app.id, o.label, owner), shadowed: true });
      continue;
    }
    try {
      const { dir, spec } = await fetchApp(o.reader, app, o.cacheDir, budget);
      outcomes.push({ id: app.id, version: app.version, ok: true, dir, spec });
    } catch (e) {
      outcomes.push({ id: app.id, version: app.version, ok: false, message: `${app.id} from ${o.label} was refused: ${toMessage(e)}` });
    }
  }
  await writeAtomic(path.join(o.cacheDir, "index.json"), o.verified.bytes);
  if (o.verified.sig) await writeAtomic(path.join(o.cacheDir, "index.json.sig"), o.verified.sig);
  else await fs.rm(path.join(o.cacheDir, "index.json.sig"), { force: true });
  const status: CachedStatus = {
    generatedAt: o.verified.index.generatedAt,
    apps: Object.fromEntries(outcomes.map((a) => [a.id, a.ok ? null : a.message])),
    shadowed: outcomes.filter((a) => !a.ok && a.shadowed).map((a) => a.id),
  };
  await writeAtomic(path.join(o.cacheDir, "status.json"), Buffer.from(JSON.stringify(status, null, 2)));
  const keep = new Set(o.verified.index.apps.map((a) => hashDir(a)));
  for (const name of await fs.readdir(o.cacheDir)) {
    if (/^[0-9a-f]{64}$/.test(name) && !keep.has(name)) await fs.rm(path.join(o.cacheDir, name), { recursive: true, force: true });
  }
  return outcomes;
}

/** The apps of a cached index as they were at its refresh (no download): for PCC's start. */
export async function loadCachedApps(cacheDir: string, index: SourceIndex, status: CachedStatus | null): Promise<AppOutcome[]> {
  const out: AppOutcome[] = [];
  for (const app of index.apps) {
    const refused = status?.apps[app.id];
    if (refused) {
      out.push({ id: app.id, version: app.version, ok: false, message: refused, shadowed: status?.shadowed?.includes(app.id) ?? false });
      continue;
    }
    const dir = path.join(cacheDir, hashDir(app), app.id);
    const spec = await lintCached(dir, app).catch((e: unknown) => toMessage(e));
    out.push(typeof spec === "string" ? { id: app.id, version: app.version, ok: false, message: `${app.id} is not in PCC's cache (${spec}); refresh the source` } : { id: app.id, version: app.version, ok: true, dir, spec });
  }
  return out;
}

export const shadowMessage = (id: string, label: string, owner: string) =>
  `${label} offers an app "${id}", which ${owner} already provides; a source cannot replace another source's app, so this one was left out.`;

const hashDir = (app: SourceIndexApp) => app.hash.slice("sha256:".length);

/** mkdir -p from `root` down to `dir`, each new folder 0755 whatever the umask (see above). */
async function makeDirs(root: string, dir: string) {
  const rel = path.relative(root, dir);
  let at = root;
  for (const part of ["", ...(rel ? rel.split(path.sep) : [])]) {
    at = part ? path.join(at, part) : at;
    if (await fs.mkdir(at).then(() => true, (e: NodeJS.ErrnoException) => (e.code === "EEXIST" ? false : Promise.reject(e)))) await fs.chmod(at, 0o755);
  }
}

async function writeAtomic(file: string, body: Buffer) {
  const tmp = `${file}.${randomBytes(4).toString("hex")}.tmp`;
  await fs.writeFile(tmp, body, { mode: 0o600 });
  await fs.rename(tmp, file);
}

async function lintCached(dir: string, app: SourceIndexApp): Promise<AppSpec> {
  const { spec, errors } = await lintAppDir(dir);
  if (!spec) throw new Error(`it does not pass ./pcc app lint: ${errors.map((e) => `${e.path || "(file)"}: ${e.message}`).join("; ")}`);
  if (spec.version !== app.version) throw new Error(`its app.yaml says version ${spec.version}, the signed index ${app.version}`);
  return spec;
}

/**
 * One app: every file fetched with its size from the index as the limit and checked against its SHA-256,
 * written to a staging folder, hashed again as a whole (pcc.tree/v1, as the publisher did), linted like the
 * built-in catalog, and only then moved into the cache. A folder already in the cache under the same hash
 * was verified the same way before.
 */
async function fetchApp(reader: SourceReader, app: SourceIndexApp, cacheDir: string, budget: { left: number }): Promise<{ dir: string; spec: AppSpec }> {
  if (treeHash(app.files) !== app.hash) throw new Error("the index gives it a hash that does not match its own list of files (see pcc.tree/v1)");
  const final = path.join(cacheDir, hashDir(app), app.id);
  if (await fs.stat(final).then((s) => s.isDirectory(), () => false)) return { dir: final, spec: await lintCached(final, app) };
  const staging = await fs.mkdtemp(path.join(cacheDir, ".staging-"));
  try {
    const root = path.join(staging, app.id);
    for (const f of app.files) {
      if (budget.left < f.size) throw new Error(`the source holds more than ${SOURCE_LIMITS.sourceBytes} bytes in all; PCC stopped downloading`);
      const mismatch = new Error(`${f.path} does not match the signed index (it was changed after the index was signed, or damaged on the way)`);
      const body = await reader.read(`apps/${app.id}/${f.path}`, f.size).catch((e: unknown) => {
        if (e instanceof FetchError && e.tooBig) throw mismatch;
        if (e instanceof FetchError && e.notFound) throw new Error(`${f.path} is missing from the source`);
        throw e;
      });
      budget.left -= body.length;
      if (body.length !== f.size || createHash("sha256").update(body).digest("hex") !== f.sha256) throw mismatch;
      const file = path.join(root, ...f.path.split("/"));
      await makeDirs(root, path.dirname(file));
      await fs.writeFile(file, body, { flag: "wx" });
      // Whatever PCC's umask (077): a build copies these modes into the image, where the app's own
      // unprivileged user must still read its files. The index carries only the execute bit.
      await fs.chmod(file, f.executable ? 0o755 : 0o644);
    }
    // The same hash the publisher computed, from what is now on disk.
    const { hash } = await hashFolder(root);
    if (hash !== app.hash) throw new Error(`its files add up to ${hash}, not the ${app.hash} of the signed index`);
    const spec = await lintCached(root, app);
    await fs.mkdir(path.dirname(final), { recursive: true, mode: 0o700 });
    await fs.rename(root, final);
    return { dir: final, spec };
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
  }
}
