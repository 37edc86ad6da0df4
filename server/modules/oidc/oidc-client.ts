import type { AppSpec } from "../spec";
import type { SecretAlphabet } from "../secrets/secret-box";
import type { ClientMetadata } from "./oidc-adapter";

/**
 * The issuer lives on the shell's own origin, under /oidc, not on a subdomain of its own: the owner's
 * session cookie is host-only on the shell's name, so the authorization endpoint sees it directly and
 * signs the owner in without another handoff, and no new name needs a certificate or a Caddy route.
 */
export const ISSUER_PATH = "/oidc";
export const issuerFor = (shellOrigin: string) => `${shellOrigin}${ISSUER_PATH}`;

// Names with a dot can never be a spec secret's ([a-z][a-z0-9-]*), so PCC's own cannot collide with the app's.
/** The client secret, generated at install and sealed with the app's other secrets. */
export const OIDC_CLIENT_SECRET = "pcc.oidc-client-secret";
/** The Podman secret holding the CA certificate an OIDC app verifies the issuer with. */
export const OIDC_CA_SECRET = "pcc.oidc-ca";
/** Where an OIDC app finds that certificate (a read-only file on a small tmpfs). */
export const OIDC_CA_PATH = "/run/pcc/oidc-ca.crt";

const CLIENT_SECRET = { length: 48, alphabet: "base64url" as SecretAlphabet };

export const oidcIngresses = (spec: AppSpec) => spec.ingress.filter((g) => g.auth.method === "oidc");
export const usesOidc = (spec: AppSpec) => oidcIngresses(spec).length > 0;

/** Every secret PCC generates for an app: the spec's own, plus the client secret of an OIDC app. */
export function generatedSecrets(spec: AppSpec): Record<string, { length: number; alphabet: SecretAlphabet }> {
  return { ...spec.secrets, ...(usesOidc(spec) ? { [OIDC_CLIENT_SECRET]: CLIENT_SECRET } : {}) };
}

/**
 * The client PCC registers for an installed app: its id is the app id, its only redirect URIs are the
 * `redirectPath` of each OIDC ingress on that ingress's own host, and it authenticates at the token endpoint
 * with its generated secret. Authorization code flow only (PKCE accepted), no refresh tokens.
 */
export function clientMetadata(spec: AppSpec, appOrigin: (subdomain: string) => string, secret: string): ClientMetadata | undefined {
  const ingresses = oidcIngresses(spec);
  if (!ingresses.length || !secret) return undefined;
  return {
    client_id: spec.id,
    client_secret: secret,
    client_name: spec.name,
    redirect_uris: ingresses.map((g) => new URL(g.auth.method === "oidc" ? g.auth.redirectPath : "/", appOrigin(g.subdomain)).href),
    grant_types: ["authorization_code"],
    response_types: ["code"],
    token_endpoint_auth_method: "client_secret_basic",
  };
}

/** The first address of an app's subnet: its bridge's own address on the host. */
export const gatewayOf = (subnet: string) => {
  const [base] = subnet.split("/");
  const parts = base!.split(".").map(Number);
  return [parts[0], parts[1], parts[2], parts[3]! + 1].join(".");
};

/**
 * What an app's containers reach over the back channel (server to server): discovery, keys, the token
 * endpoint and userinfo. Never the authorization endpoint or interactions, which act for the owner's browser.
 */
const BACK_CHANNEL = new Set(["/.well-known/openid-configuration", "/jwks", "/token", "/me"].map((p) => ISSUER_PATH + p));
export const isBackChannelPath = (pathname: string) => BACK_CHANNEL.has(pathname);

/** Paths that act for the owner: only with a valid owner session. */
export const needsOwner = (pathname: string) =>
  pathname === `${ISSUER_PATH}/auth` || pathname.startsWith(`${ISSUER_PATH}/auth/`) || pathname.startsWith(`${ISSUER_PATH}/interaction/`);

export const isIssuerPath = (pathname: string) => pathname === ISSUER_PATH || pathname.startsWith(`${ISSUER_PATH}/`);

/** What an OIDC app's containers are told (env references) and given (hosts entry, CA file). */
export type OidcAppContext = {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Caddy's internal CA (PEM) when the shell's certificate comes from it; null with a public CA. */
  caPem: string | null;
  /** The shell's host name, resolved inside the app to its gateway, where PCC serves the back channel. */
  shellHost: string;
  gateway: string;
};
