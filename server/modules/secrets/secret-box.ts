import { createCipheriv, createDecipheriv, randomBytes, randomInt } from "node:crypto";
import fs from "node:fs";

const KEY_BYTES = 32;
const IV_BYTES = 12;
const VERSION = "v1";

/**
 * Encrypts app secrets at rest (AES-256-GCM) with a key kept in a file readable only by root, beside
 * but apart from the database: a copied pcc.db alone gives away no secret. Each value is bound to its
 * app and name (additional data), so a value moved to another row does not decrypt.
 */
export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  /** Reads the key, creating it (0600) on first use. */
  static open(keyFile: string): SecretBox {
    try {
      const key = fs.readFileSync(keyFile);
      if (key.length !== KEY_BYTES) throw new Error(`${keyFile} is not a ${KEY_BYTES}-byte key`);
      fs.chmodSync(keyFile, 0o600);
      return new SecretBox(key);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
    const key = randomBytes(KEY_BYTES);
    // wx: never overwrite a key that appeared meanwhile; that would make every secret unreadable.
    fs.writeFileSync(keyFile, key, { mode: 0o600, flag: "wx" });
    return new SecretBox(key);
  }

  static forTests(key = randomBytes(KEY_BYTES)) {
    return new SecretBox(key);
  }

  seal(plain: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const c = createCipheriv("aes-256-gcm", this.key, iv);
    c.setAAD(Buffer.from(context));
    const body = Buffer.concat([c.update(plain, "utf8"), c.final()]);
    return [VERSION, iv.toString("base64url"), body.toString("base64url"), c.getAuthTag().toString("base64url")].join(".");
  }

  open(sealed: string, context: string): string {
    const [v, iv, body, tag] = sealed.split(".");
    if (v !== VERSION || !iv || body === undefined || !tag) throw new Error("not a sealed secret");
    const d = createDecipheriv("aes-256-gcm", this.key, Buffer.from(iv, "base64url"));
    d.setAAD(Buffer.from(context));
    d.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([d.update(Buffer.from(body, "base64url")), d.final()]).toString("utf8");
  }
}

const ALPHABETS = {
  alphanumeric: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
  hex: "0123456789abcdef",
  base64url: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
  numeric: "0123456789",
} as const;

export type SecretAlphabet = keyof typeof ALPHABETS;

/** A uniformly random secret (crypto.randomInt has no modulo bias). */
export function generateSecret(length: number, alphabet: SecretAlphabet): string {
  const chars = ALPHABETS[alphabet];
  let out = "";
  for (let i = 0; i < length; i++) out += chars[randomInt(chars.length)];
  return out;
}
