import { z } from "zod";
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from "./passkeys";

// What navigator.credentials returns, as @simplewebauthn/browser serializes it. Shapes and sizes are
// checked here; every signature, challenge and origin is checked by SimpleWebAuthn in the service.
const b64url = (max: number) => z.string().max(max).regex(/^[A-Za-z0-9_-]*={0,2}$/, "not base64url");
const common = {
  id: b64url(1400),
  rawId: b64url(1400),
  type: z.literal("public-key"),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
};

export const registrationResponse = z
  .object({
    ...common,
    response: z.looseObject({
      clientDataJSON: b64url(4096),
      attestationObject: b64url(16384),
      transports: z.array(z.string().max(32)).max(10).optional(),
    }),
  })
  .transform((r) => r as unknown as RegistrationResponseJSON);

export const authenticationResponse = z
  .object({
    ...common,
    response: z.looseObject({
      clientDataJSON: b64url(4096),
      authenticatorData: b64url(4096),
      signature: b64url(2048),
      userHandle: b64url(256).optional(),
    }),
  })
  .transform((r) => r as unknown as AuthenticationResponseJSON);

export const code = z.string().trim().min(1, "Enter the code").max(64);
export const deviceName = z.string().max(120).optional();
export const requestId = z.string().trim().min(1).max(16);
export const pairingId = z.string().regex(/^[a-z2-7]{20,40}$/, "Not a pairing link");
export const recordId = z.string().min(1).max(100);
