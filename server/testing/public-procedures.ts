/**
 * The procedures anyone may call, reviewed by hand. The tier tests (unit, and the integration test that
 * enumerates the live router) fail when a public procedure appears that is not listed here: making
 * something public is a decision, not an accident.
 */
export const PUBLIC_PROCEDURES = [
  "identity.state",
  "identity.signIn.begin",
  "identity.signIn.finish",
  "identity.loginRequest.create",
  "identity.loginRequest.status",
  "identity.loginRequest.redeem",
  "identity.pairing.start",
  "identity.pairing.status",
  "identity.pairing.registerBegin",
  "identity.pairing.registerFinish",
  "identity.recovery.begin",
  "identity.recovery.finish",
];
