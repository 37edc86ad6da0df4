import type { IncomingMessage } from "node:http";
import type { KoaContextish, Provider as ProviderType } from "oidc-provider";
import type { Logger } from "../../logger";
import type { OidcKeys } from "./oidc-keys";
import { ISSUER_PATH } from "./oidc-client";
import { OIDC_COOKIES } from "./oidc-cookies";

/** PCC has one owner and no user name: the subject is the constant `owner`, as for header sign-in. */
export const OWNER_SUBJECT = "owner";

export type ProviderDeps = {
  issuer: string;
  keys: OidcKeys;
  adapter: unknown;
  /** The owner session PCC checked for this request before handing it to the provider. */
  ownerSessionOf: (req: IncomingMessage) => string | null;
  /** The owner session a grant was approved in (null for none, or an unknown grant). */
  grantSession: (grantId: string) => Promise<string | null>;
  linkGrant: (grantId: string, sessionId: string) => Promise<void>;
  claims: { name: string; email: string };
  log: Logger;
};

const SCOPE = "openid profile email";
const CLAIMS = ["sub", "name", "preferred_username", "email", "email_verified"];

/**
 * Loads oidc-provider. It warns on the console at import that it prefers Node 22; PCC runs it on Node 20
 * (its code paths there are covered by the tests), and the console is the owner's, so that one notice goes
 * to the log instead.
 */
async function importProvider(log: Logger): Promise<typeof ProviderType> {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === "string" && args[0].startsWith("oidc-provider WARNING: Unsupported runtime")) log.debug(args[0]);
    else warn(...args);
  };
  try {
    return (await import("oidc-provider")).default;
  } finally {
    console.warn = warn;
  }
}

export async function createProvider(d: ProviderDeps): Promise<ProviderType> {
  const Provider = await importProvider(d.log);
  const provider = new Provider(d.issuer, {
    adapter: d.adapter,
    jwks: { keys: [d.keys.signing] },
    cookies: {
      keys: d.keys.cookieKeys,
      names: OIDC_COOKIES,
      long: { httpOnly: true, sameSite: "lax", path: "/" },
      short: { httpOnly: true, sameSite: "lax", path: "/" },
    },
    scopes: ["openid", "profile", "email"],
    claims: { openid: ["sub"], profile: ["name", "preferred_username"], email: ["email", "email_verified"] },
    // The ID token carries the profile too: many apps read the name from it and never call userinfo.
    conformIdTokenClaims: false,
    responseTypes: ["code"],
    features: {
      devInteractions: { enabled: false },
      // Logging out of PCC is done in PCC; a logout page of the provider's own would be one more form to trust.
      rpInitiatedLogout: { enabled: false },
      userinfo: { enabled: true },
    },
    ttl: { AccessToken: 3600, AuthorizationCode: 60, IdToken: 3600, Interaction: 600, Session: 12 * 3600, Grant: 30 * 24 * 3600 },
    // Apps talk to the token and userinfo endpoints from their servers; browsers never need CORS here.
    clientBasedCORS: () => false,
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `${ISSUER_PATH}/interaction/${interaction.uid}` },
    findAccount: (_ctx: unknown, sub: string) =>
      sub === OWNER_SUBJECT
        ? { accountId: OWNER_SUBJECT, claims: () => ({ sub: OWNER_SUBJECT, preferred_username: OWNER_SUBJECT, name: d.claims.name, email: d.claims.email, email_verified: false }) }
        : undefined,
    loadExistingGrant: (ctx: KoaContextish) => loadGrant(ctx, d),
    renderError: (ctx: { type: string; body: string; status: number }, out: { error?: string; error_description?: string }) => {
      // Plain text: no HTML page of the provider's own on the shell's origin.
      ctx.type = "text/plain; charset=utf-8";
      ctx.body = `Signing in to the app failed: ${out.error ?? "error"}${out.error_description ? ` (${out.error_description})` : ""}.`;
    },
  });
  // The shell is reached through Caddy only (the back channel through PCC's own TLS): both say https.
  provider.proxy = true;
  provider.on("server_error", (_ctx, err) => d.log.error({ err }, "OIDC provider error"));
  return provider;
}

/**
 * The owner installed the app, so there is no consent screen: a signed-in owner's grant covers every scope
 * PCC offers. A grant belongs to the owner session that approved it; another session (another device, or
 * after signing out and in) gets a grant of its own, so ending a session can end exactly its apps' tokens.
 */
async function loadGrant(ctx: KoaContextish, d: ProviderDeps) {
  const { client, session, provider } = ctx.oidc;
  const owner = d.ownerSessionOf(ctx.req);
  if (!client || !session?.accountId || !owner) return undefined;
  const existing = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
  if (existing && (await d.grantSession(existing)) === owner) {
    const grant = await provider.Grant.find(existing);
    if (grant && grant.clientId === client.clientId) return grant;
  }
  const grant = new provider.Grant({ accountId: session.accountId, clientId: client.clientId });
  grant.addOIDCScope(SCOPE);
  grant.addOIDCClaims(CLAIMS);
  const id = await grant.save();
  await d.linkGrant(id, owner);
  return grant;
}
