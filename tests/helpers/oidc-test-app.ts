import type { TestImages } from "./test-images";

/**
 * The offline OIDC test app: the `oidc-rp` test image (tests/fixtures/images/oidc-rp/rp.py), a relying
 * party in Python's standard library that signs in by the authorization code flow with PKCE, verifies
 * the issuer's TLS with the CA file PCC mounts and the ID token's signature with its JWKS, and shows
 * "signed in as <name>". `oidc: false` installs the same program without a client (sandbox probes).
 */
export function oidcAppSpec(images: TestImages, opts: { oidc?: boolean } = {}) {
  const oidc = opts.oidc ?? true;
  return {
    services: {
      web: {
        image: images["oidc-rp"].pinned,
        env: oidc
          ? { OIDC_ISSUER: "${oidc.issuer}", OIDC_CLIENT_ID: "${oidc.clientId}", OIDC_CLIENT_SECRET: "${oidc.clientSecret}", OIDC_CA_FILE: "${oidc.caFile}", APP_URL: "${app.url}" }
          : { APP_URL: "${app.url}" },
        healthcheck: { http: { port: 8080, path: "/health" }, interval: "1s", timeout: "1s", retries: 3, startPeriod: "20s" },
      },
    },
    ingress: [{ service: "web", port: 8080, auth: oidc ? { method: "oidc", redirectPath: "/callback" } : { method: "none" } }],
  };
}
