import type { CDPSession, Page } from "@playwright/test";

export type VirtualAuthenticator = { cdp: CDPSession; id: string; credentials(): Promise<{ credentialId: string; isResidentCredential: boolean; rpId?: string }[]> };

/**
 * Chromium's virtual authenticator on this page (CDP WebAuthn domain): a platform authenticator with
 * user verification and resident keys, like a phone's, which answers every prompt by itself. Each
 * browser context in a test gets its own, so each holds its own passkeys.
 */
export async function addVirtualAuthenticator(page: Page): Promise<VirtualAuthenticator> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable", { enableUI: false });
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return {
    cdp,
    id: authenticatorId,
    credentials: async () => (await cdp.send("WebAuthn.getCredentials", { authenticatorId })).credentials,
  };
}
