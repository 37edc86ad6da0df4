import type {
  AuthenticationResponseJSON,
  AuthenticatorTransport,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from "@simplewebauthn/server";
import type { PasskeyRow } from "../../adapters/db/identity-repository";
import { DomainError } from "../../errors";

/**
 * The relying party is the shell: its domain is the RP ID and its exact origin (scheme, host, port) is
 * the only accepted one. Apps live on subdomains of the same domain, and WebAuthn lets a subdomain
 * use its parent as RP ID, so the strict origin check is what stops an app from obtaining an
 * assertion the shell would accept.
 */
export type RelyingParty = { id: string; name: string; origin: string };

export type RegistrationOptions = PublicKeyCredentialCreationOptionsJSON;
export type AuthenticationOptions = PublicKeyCredentialRequestOptionsJSON;
export type { AuthenticationResponseJSON, RegistrationResponseJSON };

// EdDSA, ES256, RS256: what phones, laptops and security keys use. Pinned so that the set offered
// and the set accepted are the same whatever the runtime supports.
const ALGORITHMS = [-8, -7, -257];
const TIMEOUT_MS = 120_000;

// Loaded with the first ceremony, not at boot: SimpleWebAuthn and its COSE/ASN.1 stack are about 28 MB
// of an idle PCC's memory, and a passkey is used a few times a month.
const webauthn = () => import("@simplewebauthn/server");

const refused = (why: string) => new DomainError("UNAUTHORIZED", `The passkey could not be verified (${why}). Try again.`);

/** WebAuthn ceremonies, through SimpleWebAuthn; user verification is REQUIRED everywhere. */
export class Passkeys {
  constructor(readonly rp: RelyingParty) {}

  async registrationOptions(opts: { ownerId: string; exclude: PasskeyRow[] }): Promise<RegistrationOptions> {
    const { generateRegistrationOptions } = await webauthn();
    return generateRegistrationOptions({
      rpName: this.rp.name,
      rpID: this.rp.id,
      userName: "owner",
      userDisplayName: `Owner of ${this.rp.id}`,
      userID: new TextEncoder().encode(opts.ownerId),
      attestationType: "none",
      authenticatorSelection: { residentKey: "preferred", userVerification: "required" },
      excludeCredentials: opts.exclude.map((p) => ({ id: p.id, transports: p.transports as AuthenticatorTransport[] })),
      supportedAlgorithmIDs: ALGORITHMS,
      timeout: TIMEOUT_MS,
    });
  }

  /** The new credential, ready to store on a device; throws UNAUTHORIZED when anything does not check out. */
  async verifyRegistration(response: RegistrationResponseJSON, challenge: string, deviceId: string, now: Date): Promise<PasskeyRow> {
    const { verifyRegistrationResponse } = await webauthn();
    let result;
    try {
      result = await verifyRegistrationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: this.rp.origin,
        expectedRPID: this.rp.id,
        requireUserVerification: true,
        supportedAlgorithmIDs: ALGORITHMS,
      });
    } catch (e) {
      throw refused((e as Error).message);
    }
    if (!result.verified) throw refused("not verified");
    const { credential, credentialDeviceType, credentialBackedUp } = result.registrationInfo;
    return {
      id: credential.id,
      deviceId,
      publicKey: new Uint8Array(credential.publicKey),
      counter: credential.counter,
      transports: credential.transports ?? response.response.transports ?? [],
      deviceType: credentialDeviceType,
      backedUp: credentialBackedUp,
      createdAt: now,
      lastUsedAt: null,
    };
  }

  /** Any of the owner's passkeys (discoverable), or only the listed ones. */
  async authenticationOptions(allow: PasskeyRow[] = []): Promise<AuthenticationOptions> {
    const { generateAuthenticationOptions } = await webauthn();
    return generateAuthenticationOptions({
      rpID: this.rp.id,
      userVerification: "required",
      allowCredentials: allow.map((p) => ({ id: p.id, transports: p.transports as AuthenticatorTransport[] })),
      timeout: TIMEOUT_MS,
    });
  }

  /** The authenticator's new signature counter; throws UNAUTHORIZED when the assertion is not valid. */
  async verifyAuthentication(response: AuthenticationResponseJSON, challenge: string, stored: PasskeyRow): Promise<number> {
    const { verifyAuthenticationResponse } = await webauthn();
    let result;
    try {
      result = await verifyAuthenticationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: this.rp.origin,
        expectedRPID: this.rp.id,
        requireUserVerification: true,
        credential: { id: stored.id, publicKey: stored.publicKey, counter: stored.counter },
      });
    } catch (e) {
      throw refused((e as Error).message);
    }
    if (!result.verified) throw refused("not verified");
    return result.authenticationInfo.newCounter;
  }
}

/**
 * Challenges waiting for their answer, in memory, single use, bound to whoever started the ceremony
 * (the browser's binding cookie, or a session). Bounded, so anonymous callers cannot grow it forever.
 */
export class Ceremonies<T extends { challenge: string }> {
  private readonly pending = new Map<string, T & { expiresAt: number }>();

  constructor(
    private readonly ttlMs = TIMEOUT_MS + 30_000,
    private readonly now = () => Date.now(),
    private readonly max = 2_000,
  ) {}

  put(kind: string, binding: string, value: T) {
    const key = `${kind}:${binding}`;
    this.pending.delete(key);
    this.pending.set(key, { ...value, expiresAt: this.now() + this.ttlMs });
    while (this.pending.size > this.max) this.pending.delete(this.pending.keys().next().value!);
  }

  take(kind: string, binding: string): T | null {
    const key = `${kind}:${binding}`;
    const v = this.pending.get(key);
    this.pending.delete(key);
    if (!v || v.expiresAt < this.now()) return null;
    return v;
  }
}
