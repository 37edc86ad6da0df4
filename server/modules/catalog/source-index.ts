import { createHash, createPublicKey, verify, type KeyObject } from "node:crypto";
import { z } from "zod";
import { appId, semver } from "../spec/spec-fields";
import { isSafeRelPath, SAFE_PATH_RULE, TREE_LIMITS } from "./tree-hash";

/**
 * A catalog source's `index.json` (format `pcc.source/v1`, documented in apps-catalog/README.md,
 * "Publishing a source"), its detached signature `index.json.sig`, and the Ed25519 keys that sign it.
 */
export const SOURCE_FORMAT = "pcc.source/v1";

export const SOURCE_LIMITS = {
  /** index.json, read no further. */
  indexBytes: 4 * 1024 * 1024,
  /** index.json.sig: base64 of 64 bytes, plus a newline. */
  sigBytes: 1024,
  apps: 500,
  /** Everything one refresh may download. */
  sourceBytes: 512 * 1024 * 1024,
};

const fileSchema = z.object({
  path: z.string().max(TREE_LIMITS.pathChars).refine(isSafeRelPath, `must be ${SAFE_PATH_RULE}`),
  size: z.number().int().min(0).max(TREE_LIMITS.fileBytes),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lower-case hex digits"),
  executable: z.boolean().default(false),
});

const appSchema = z
  .object({
    id: appId,
    version: semver,
    hash: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be "sha256:" and 64 lower-case hex digits'),
    files: z.array(fileSchema).min(1).max(TREE_LIMITS.files),
  })
  .superRefine((app, ctx) => {
    const seen = new Set<string>();
    for (const [i, f] of app.files.entries()) {
      if (seen.has(f.path)) ctx.addIssue({ code: "custom", path: ["files", i, "path"], message: `${f.path} is listed twice` });
      seen.add(f.path);
    }
    if (!seen.has("app.yaml")) ctx.addIssue({ code: "custom", path: ["files"], message: "must include app.yaml" });
    const total = app.files.reduce((n, f) => n + f.size, 0);
    if (total > TREE_LIMITS.appBytes) ctx.addIssue({ code: "custom", path: ["files"], message: `add up to ${total} bytes; the limit is ${TREE_LIMITS.appBytes}` });
  });

export const sourceIndexSchema = z
  .object({
    format: z.literal(SOURCE_FORMAT, { error: `must be "${SOURCE_FORMAT}"` }),
    name: z.string().trim().min(1).max(80),
    generatedAt: z.iso.datetime({ offset: true }),
    apps: z.array(appSchema).max(SOURCE_LIMITS.apps),
  })
  .superRefine((index, ctx) => {
    const seen = new Set<string>();
    for (const [i, a] of index.apps.entries()) {
      if (seen.has(a.id)) ctx.addIssue({ code: "custom", path: ["apps", i, "id"], message: `${a.id} is listed twice` });
      seen.add(a.id);
    }
  });

export type SourceIndex = z.output<typeof sourceIndexSchema>;
export type SourceIndexApp = SourceIndex["apps"][number];

export class SourceIndexError extends Error {}

/** Parses the exact bytes of an index.json; throws SourceIndexError naming the first problems. */
export function parseSourceIndex(bytes: Buffer): SourceIndex {
  if (bytes.length > SOURCE_LIMITS.indexBytes) throw new SourceIndexError(`index.json is ${bytes.length} bytes; the limit is ${SOURCE_LIMITS.indexBytes}`);
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (e) {
    throw new SourceIndexError(`index.json is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const r = sourceIndexSchema.safeParse(raw);
  if (!r.success) {
    const issues = r.error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "(top)"}: ${i.message}`);
    const more = r.error.issues.length > 5 ? ` (and ${r.error.issues.length - 5} more)` : "";
    throw new SourceIndexError(`index.json is not a valid ${SOURCE_FORMAT} index: ${issues.join("; ")}${more}`);
  }
  return r.data;
}

// ---- Keys and signatures ----

const KEY_B64 = /^[A-Za-z0-9+/]{43}=?$/;

/** base64 (standard alphabet) of a raw 32-byte Ed25519 public key, as app specs and sources give it. */
export function isPublicKeyText(key: string) {
  return KEY_B64.test(key) && Buffer.from(key, "base64").length === 32;
}

export function publicKeyObject(key: string): KeyObject {
  if (!isPublicKeyText(key)) throw new SourceIndexError("the public key must be base64 of a raw 32-byte Ed25519 key (44 characters)");
  return createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: Buffer.from(key, "base64").toString("base64url") }, format: "jwk" });
}

/** The raw key's base64, from any Ed25519 key object (public or private). */
export function rawPublicKey(key: KeyObject): string {
  const pub = key.type === "private" ? createPublicKey(key) : key;
  const jwk = pub.export({ format: "jwk" }) as { crv?: string; x?: string };
  if (jwk.crv !== "Ed25519" || !jwk.x) throw new SourceIndexError("not an Ed25519 key");
  return Buffer.from(jwk.x, "base64url").toString("base64");
}

/** What an owner compares with the publisher's: `SHA256:` and the unpadded base64 of the raw key's SHA-256 (as ssh-keygen -l shows keys). */
export function fingerprint(key: string): string {
  return `SHA256:${createHash("sha256").update(Buffer.from(key, "base64")).digest("base64").replace(/=+$/, "")}`;
}

/** index.json.sig: base64 of the 64-byte Ed25519 signature over index.json's exact bytes; surrounding whitespace ignored. */
export function parseSignature(text: Buffer): Buffer | null {
  const s = text.toString("utf8").trim();
  if (!/^[A-Za-z0-9+/]{86}==$/.test(s)) return null;
  return Buffer.from(s, "base64");
}

/** Whether `sig` (the contents of index.json.sig) is the key's signature of exactly `index`. */
export function verifyIndexSignature(index: Buffer, sig: Buffer, publicKey: string): boolean {
  const raw = parseSignature(sig);
  if (!raw) return false;
  try {
    return verify(null, index, publicKeyObject(publicKey), raw);
  } catch {
    return false;
  }
}
