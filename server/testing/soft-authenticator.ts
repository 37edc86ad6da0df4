/**
 * A WebAuthn authenticator in software (ES256, "none" attestation, discoverable credentials), for unit
 * and integration tests that speak to PCC without a browser. It signs exactly what a real platform
 * authenticator signs, so PCC's verification (SimpleWebAuthn) runs unchanged. The browser tests use
 * Chromium's own virtual authenticator instead.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from "@simplewebauthn/server";

type Cbor = number | string | Uint8Array | Cbor[] | Map<number | string, Cbor>;

function head(major: number, n: number): Buffer {
  if (n < 24) return Buffer.from([(major << 5) | n]);
  if (n < 0x100) return Buffer.from([(major << 5) | 24, n]);
  if (n < 0x10000) return Buffer.from([(major << 5) | 25, n >> 8, n & 0xff]);
  const b = Buffer.alloc(5);
  b[0] = (major << 5) | 26;
  b.writeUInt32BE(n, 1);
  return b;
}

/** Just enough CBOR (RFC 8949) for attestation objects and COSE keys. */
export function cbor(v: Cbor): Buffer {
  if (typeof v === "number") return v >= 0 ? head(0, v) : head(1, -1 - v);
  if (typeof v === "string") return Buffer.concat([head(3, Buffer.byteLength(v)), Buffer.from(v)]);
  if (v instanceof Uint8Array) return Buffer.concat([head(2, v.length), Buffer.from(v)]);
  if (Array.isArray(v)) return Buffer.concat([head(4, v.length), ...v.map(cbor)]);
  return Buffer.concat([head(5, v.size), ...[...v].flatMap(([k, x]) => [cbor(k), cbor(x)])]);
}

const b64url = (b: Uint8Array) => Buffer.from(b).toString("base64url");
const sha256 = (b: Uint8Array | string) => createHash("sha256").update(b).digest();
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;

type Credential = { id: Buffer; key: KeyObject; rpId: string; userHandle: Buffer; counter: number };
export type Tamper = { origin?: string; rpId?: string; userVerified?: boolean; challenge?: string; type?: string };

export class SoftAuthenticator {
  private readonly credentials: Credential[] = [];

  constructor(readonly origin: string) {}

  get credentialIds() {
    return this.credentials.map((c) => b64url(c.id));
  }

  /** navigator.credentials.create(), as @simplewebauthn/browser's startRegistration returns it. */
  register(options: PublicKeyCredentialCreationOptionsJSON, t: Tamper = {}): RegistrationResponseJSON {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const jwk = publicKey.export({ format: "jwk" });
    const cose = cbor(
      new Map<number, Cbor>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, Buffer.from(jwk.x!, "base64url")],
        [-3, Buffer.from(jwk.y!, "base64url")],
      ]),
    );
    const rpId = t.rpId ?? options.rp.id ?? new URL(this.origin).hostname;
    const cred: Credential = { id: randomBytes(32), key: privateKey, rpId, userHandle: Buffer.from(options.user.id, "base64url"), counter: 0 };
    const idLen = Buffer.from([cred.id.length >> 8, cred.id.length & 0xff]);
    const authData = Buffer.concat([sha256(rpId), Buffer.from([this.flags(t) | FLAG_AT]), u32(0), Buffer.alloc(16), idLen, cred.id, cose]);
    const attestationObject = cbor(new Map<string, Cbor>([["fmt", "none"], ["attStmt", new Map()], ["authData", authData]]));
    this.credentials.push(cred);
    return {
      id: b64url(cred.id),
      rawId: b64url(cred.id),
      type: "public-key",
      response: { clientDataJSON: this.clientData("webauthn.create", options.challenge, t), attestationObject: b64url(attestationObject), transports: ["internal"] },
      clientExtensionResults: {},
      authenticatorAttachment: "platform",
    };
  }

  /** navigator.credentials.get(): with an empty allow list, any credential of the RP (discoverable). */
  assert(options: PublicKeyCredentialRequestOptionsJSON, t: Tamper = {}): AuthenticationResponseJSON {
    const rpId = options.rpId ?? new URL(this.origin).hostname;
    const allowed = new Set((options.allowCredentials ?? []).map((c) => c.id));
    const cred = this.credentials.find((c) => c.rpId === rpId && (allowed.size === 0 || allowed.has(b64url(c.id))));
    if (!cred) throw new Error("NotAllowedError: no credential for this relying party");
    cred.counter++;
    const authData = Buffer.concat([sha256(t.rpId ?? rpId), Buffer.from([this.flags(t)]), u32(cred.counter)]);
    const clientDataJSON = this.clientData(t.type ?? "webauthn.get", options.challenge, t);
    const signature = sign("sha256", Buffer.concat([authData, sha256(Buffer.from(clientDataJSON, "base64url"))]), cred.key);
    return {
      id: b64url(cred.id),
      rawId: b64url(cred.id),
      type: "public-key",
      response: { clientDataJSON, authenticatorData: b64url(authData), signature: b64url(signature), userHandle: b64url(cred.userHandle) },
      clientExtensionResults: {},
      authenticatorAttachment: "platform",
    };
  }

  private flags(t: Tamper) {
    return FLAG_UP | (t.userVerified === false ? 0 : FLAG_UV);
  }

  private clientData(type: string, challenge: string, t: Tamper) {
    return b64url(Buffer.from(JSON.stringify({ type: t.type ?? type, challenge: t.challenge ?? challenge, origin: t.origin ?? this.origin, crossOrigin: false })));
  }
}
