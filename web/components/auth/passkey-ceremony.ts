import {
  startAuthentication,
  startRegistration,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from "@simplewebauthn/browser";
import type { z } from "zod";
import type { authenticationResponse, registrationResponse } from "@/server/modules/identity/identity.schemas";

// What the server's procedures take: the browser library's JSON, as the server's schemas describe it.
type RegistrationInput = z.input<typeof registrationResponse>;
type AuthenticationInput = z.input<typeof authenticationResponse>;

/** What the browser's passkey errors mean to a person. */
function passkeyMessage(e: unknown): string {
  const name = (e as { name?: string } | null)?.name;
  if (name === "NotAllowedError" || name === "AbortError") return "The passkey prompt was closed or timed out. Try again.";
  if (name === "InvalidStateError") return "This device already holds a passkey for this PCC.";
  if (name === "SecurityError") return "Passkeys need this PCC's own HTTPS address. Open it by its name, not by an IP address.";
  if (name === "NotSupportedError") return "This browser cannot create passkeys. Try another browser or device.";
  return (e as Error)?.message || "The passkey did not work. Try again.";
}

/** Asks the browser (or a phone nearby) to create a passkey for the options the server gave. */
export async function createPasskey(options: object): Promise<RegistrationInput> {
  try {
    return (await startRegistration({ optionsJSON: options as PublicKeyCredentialCreationOptionsJSON })) as unknown as RegistrationInput;
  } catch (e) {
    throw new Error(passkeyMessage(e));
  }
}

/** Asks for an existing passkey (user verification required by the server's options). */
export async function assertPasskey(options: object): Promise<AuthenticationInput> {
  try {
    return (await startAuthentication({ optionsJSON: options as PublicKeyCredentialRequestOptionsJSON })) as unknown as AuthenticationInput;
  } catch (e) {
    throw new Error(passkeyMessage(e));
  }
}
