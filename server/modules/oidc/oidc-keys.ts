import { generateKeyPairSync, randomBytes } from "node:crypto";
import fs from "node:fs";
import type { JsonWebKey } from "node:crypto";

export type OidcKeys = {
  /** The private RSA key ID tokens are signed with (RS256, the algorithm every relying party accepts). */
  signing: JsonWebKey & { kid: string; alg: "RS256"; use: "sig" };
  /** Keys oidc-provider signs its cookies with. */
  cookieKeys: string[];
};

function fresh(): OidcKeys {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    signing: { ...privateKey.export({ format: "jwk" }), kid: randomBytes(8).toString("hex"), alg: "RS256", use: "sig" },
    cookieKeys: [randomBytes(32).toString("base64url")],
  };
}

/**
 * Reads the provider's keys, making them at first boot: a file beside secrets.key, 0600 (root's alone),
 * created with `wx` so two starts never replace a key that signed tokens apps still hold.
 */
export function loadOidcKeys(file: string): OidcKeys {
  try {
    const keys = JSON.parse(fs.readFileSync(file, "utf8")) as OidcKeys;
    if (keys.signing?.kty !== "RSA" || !keys.signing.d || !keys.cookieKeys?.length) throw new Error(`${file} holds no usable OIDC keys`);
    fs.chmodSync(file, 0o600);
    return keys;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  const keys = fresh();
  try {
    fs.writeFileSync(file, JSON.stringify(keys), { mode: 0o600, flag: "wx" });
    return keys;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return loadOidcKeys(file);
    throw e;
  }
}
