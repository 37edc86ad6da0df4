import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { lintAppDir } from "../spec";
import { fingerprint, rawPublicKey, SOURCE_FORMAT, SOURCE_LIMITS, type SourceIndex } from "./source-index";
import { hashFolder, TreeError } from "./tree-hash";

/**
 * The publisher's side of a catalog source (scripts/sign-source.ts, scripts/new-source-key.ts,
 * `./pcc source sign`): a folder DIR with one folder per app under DIR/apps/<id>/ becomes a source by
 * writing DIR/index.json and DIR/index.json.sig next to them.
 */

export type KeyPair = { privatePem: string; publicKey: string; fingerprint: string };

/** A new Ed25519 key pair: the private key as PKCS#8 PEM, the public one as base64 of its raw 32 bytes. */
export function newKeyPair(): KeyPair {
  const { privateKey } = generateKeyPairSync("ed25519");
  const publicKey = rawPublicKey(privateKey);
  return { privatePem: privateKey.export({ format: "pem", type: "pkcs8" }).toString(), publicKey, fingerprint: fingerprint(publicKey) };
}

export async function readPrivateKey(file: string): Promise<KeyObject> {
  let key: KeyObject;
  try {
    key = createPrivateKey(await fs.readFile(file));
  } catch (e) {
    throw new Error(`${file} is not a private key (${e instanceof Error ? e.message : String(e)}); make one with scripts/new-source-key.ts`);
  }
  if (key.asymmetricKeyType !== "ed25519") throw new Error(`${file} is an ${key.asymmetricKeyType} key; PCC sources and licences are signed with Ed25519`);
  return key;
}

export type BuiltIndex = { index: SourceIndex; bytes: Buffer; problems: string[] };

/** Lints and hashes every app under DIR/apps; problems name the app and what is wrong. */
export async function buildIndex(dir: string, name: string, now = new Date()): Promise<BuiltIndex> {
  const appsDir = path.join(dir, "apps");
  const problems: string[] = [];
  const apps: SourceIndex["apps"] = [];
  let names: string[];
  try {
    names = (await fs.readdir(appsDir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  } catch {
    throw new Error(`${appsDir} cannot be read: a source keeps each app in apps/<id>/`);
  }
  for (const id of names) {
    const appDir = path.join(appsDir, id);
    const lint = await lintAppDir(appDir);
    if (!lint.spec) {
      problems.push(`apps/${id}: does not pass ./pcc app lint: ${lint.errors.map((e) => `${e.path || "(file)"}: ${e.message}`).join("; ")}`);
      continue;
    }
    try {
      const { hash, files } = await hashFolder(appDir);
      apps.push({ id, version: lint.spec.version, hash, files });
    } catch (e) {
      if (!(e instanceof TreeError)) throw e;
      problems.push(`apps/${id}: ${e.message}`);
    }
  }
  if (apps.length > SOURCE_LIMITS.apps) problems.push(`a source holds at most ${SOURCE_LIMITS.apps} apps`);
  const index: SourceIndex = { format: SOURCE_FORMAT, name, generatedAt: now.toISOString(), apps };
  const bytes = Buffer.from(`${JSON.stringify(index, null, 2)}\n`, "utf8");
  if (bytes.length > SOURCE_LIMITS.indexBytes) problems.push(`index.json would be ${bytes.length} bytes; the limit is ${SOURCE_LIMITS.indexBytes}`);
  return { index, bytes, problems };
}

/** index.json.sig for exactly these index bytes. */
export function signIndex(bytes: Buffer, key: KeyObject): string {
  return `${sign(null, bytes, key).toString("base64")}\n`;
}

/** Builds, signs and writes DIR/index.json and DIR/index.json.sig; writes nothing if any app has a problem. */
export async function publishSource(dir: string, key: KeyObject, name?: string): Promise<BuiltIndex & { publicKey: string }> {
  const previous = await fs
    .readFile(path.join(dir, "index.json"), "utf8")
    .then((t) => (JSON.parse(t) as { name?: unknown }).name)
    .catch(() => undefined);
  const built = await buildIndex(dir, name ?? (typeof previous === "string" ? previous : path.basename(path.resolve(dir))));
  const publicKey = rawPublicKey(key);
  if (built.problems.length) return { ...built, publicKey };
  // A PCC refreshing between the two writes sees a mismatch, keeps what it has and gets both next time.
  await fs.writeFile(path.join(dir, "index.json.sig"), signIndex(built.bytes, key));
  await fs.writeFile(path.join(dir, "index.json"), built.bytes);
  return { ...built, publicKey };
}
