import { describe, expect, it } from "vitest";
import { needsGatewayListeners } from "./oidc-back-channel";
import { resourcesFor } from "../runtime/app-resources";
import { planApp, type PlanContext } from "../runtime/runtime-plan";
import { parseAppSpec, type AppSpec } from "../spec";
import { minimalSpec } from "../spec/spec-fixtures";
import {
  clientMetadata,
  gatewayOf,
  generatedSecrets,
  isBackChannelPath,
  isIssuerPath,
  needsOwner,
  OIDC_CA_PATH,
  OIDC_CA_SECRET,
  OIDC_CLIENT_SECRET,
  type OidcAppContext,
} from "./oidc-client";

const ENV = { OIDC_ISSUER: "${oidc.issuer}", OIDC_CLIENT_ID: "${oidc.clientId}", OIDC_CLIENT_SECRET: "${oidc.clientSecret}", CA: "${oidc.caFile}" };

function spec(over: (s: Record<string, any>) => void = () => undefined): AppSpec {
  const raw = minimalSpec();
  raw.ingress = [
    { service: "web", port: 8080, auth: { method: "oidc", redirectPath: "/auth/callback" } },
    { name: "admin", service: "web", port: 8081, auth: { method: "oidc", redirectPath: "/cb" } },
    { name: "api", service: "web", port: 8082 },
  ];
  raw.services.web.env = ENV;
  over(raw);
  const r = parseAppSpec(raw);
  if (!r.spec) throw new Error(JSON.stringify(r.errors));
  return r.spec;
}
const origin = (sub: string) => `https://${sub}.pcc.example:8443`;

describe("the client PCC registers for an OIDC app", () => {
  it("has the app's id, its generated secret and one redirect URI per OIDC ingress, on that ingress's host", () => {
    expect(clientMetadata(spec(), origin, "s3cret")).toEqual({
      client_id: "demo",
      client_secret: "s3cret",
      client_name: "Demo",
      redirect_uris: ["https://demo.pcc.example:8443/auth/callback", "https://admin-demo.pcc.example:8443/cb"],
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
    });
  });

  it("does not exist for an app without OIDC, nor without its secret", () => {
    const plain = parseAppSpec(minimalSpec()).spec!;
    expect(clientMetadata(plain, origin, "s3cret")).toBeUndefined();
    expect(clientMetadata(spec(), origin, "")).toBeUndefined();
  });

  it("gets a generated secret of its own, beside the spec's, under a name no spec secret can have", () => {
    const s = spec((raw) => (raw.secrets = { "db-password": { length: 20 } }));
    expect(Object.keys(generatedSecrets(s)).sort()).toEqual(["db-password", OIDC_CLIENT_SECRET]);
    expect(generatedSecrets(s)[OIDC_CLIENT_SECRET]).toEqual({ length: 48, alphabet: "base64url" });
    expect(Object.keys(generatedSecrets(parseAppSpec(minimalSpec()).spec!))).toEqual([]);
    const named = minimalSpec();
    named.secrets = { [OIDC_CLIENT_SECRET]: {} };
    expect(parseAppSpec(named).errors.length).toBeGreaterThan(0);
  });
});

describe("oidc env references", () => {
  it("need an ingress that signs in by OIDC", () => {
    const raw = minimalSpec();
    raw.services.web.env = ENV;
    const errors = parseAppSpec(raw).errors.map((e) => `${e.path}: ${e.message}`);
    expect(errors).toHaveLength(4);
    expect(errors[0]).toMatch(/refers to \$\{oidc\.issuer\}, but no ingress signs the owner in by OIDC/);
    expect(parseAppSpec({ ...raw, services: { web: { ...raw.services.web, env: { X: "${oidc.nope}" } } } }).errors[0]?.message).toMatch(/unknown reference/);
  });
});

describe("the runtime plan of an OIDC app", () => {
  const oidc: OidcAppContext = {
    issuer: "https://pcc.example:8443/oidc",
    clientId: "demo",
    clientSecret: "s3cret",
    caPem: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
    shellHost: "pcc.example",
    gateway: "10.131.7.1",
  };
  const ctx = (s: AppSpec, o: OidcAppContext | null): PlanContext => ({
    spec: s,
    resources: resourcesFor(s, undefined, "abc123"),
    grants: { internet: false, lan: false, devices: [], ports: {} },
    subnet: "10.131.7.0/24",
    bridge: "pccab12c",
    images: { web: "localhost/demo:1" },
    secrets: {},
    settings: {},
    ingressUrl: (name) => origin(name === "main" ? "demo" : `${name}-demo`),
    hostIp: "127.0.0.1",
    oidc: o,
  });

  it("tells the app its issuer, client and CA file, resolves the shell's name to the gateway and mounts the CA", () => {
    const s = spec();
    const plan = planApp(ctx(s, oidc));
    const web = plan.services[0]!.container;
    expect(web.env).toEqual({ OIDC_ISSUER: oidc.issuer, OIDC_CLIENT_ID: "demo", OIDC_CLIENT_SECRET: "s3cret", CA: OIDC_CA_PATH });
    expect(web.hosts).toEqual({ "pcc.example": "10.131.7.1" });
    const caSecret = resourcesFor(s).secrets[OIDC_CA_SECRET]!;
    expect(caSecret).toBe("pcc_demo_oidc-ca");
    expect(web.secrets).toEqual([{ name: caSecret, path: OIDC_CA_PATH }]);
    expect(web.tmpfs).toContainEqual({ path: "/run/pcc", sizeMb: 1 });
    expect(plan.secretFiles).toEqual({ [caSecret]: oidc.caPem });
  });

  it("with a public CA there is no file to mount, and caFile is empty", () => {
    const plan = planApp(ctx(spec(), { ...oidc, caPem: null }));
    const web = plan.services[0]!.container;
    expect(web.env.CA).toBe("");
    expect(web.secrets).toEqual([]);
    expect(plan.secretFiles).toEqual({});
  });

  it("an app without OIDC gets none of it", () => {
    const plain = parseAppSpec(minimalSpec()).spec!;
    expect(resourcesFor(plain).secrets).toEqual({});
    const web = planApp(ctx(plain, null)).services[0]!.container;
    expect(web.hosts).toEqual({});
    expect(web.secrets).toEqual([]);
  });
});

describe("issuer paths", () => {
  it("serves the back channel only its four endpoints", () => {
    for (const p of ["/oidc/.well-known/openid-configuration", "/oidc/jwks", "/oidc/token", "/oidc/me"]) expect(isBackChannelPath(p), p).toBe(true);
    for (const p of ["/oidc/auth", "/oidc/interaction/x", "/oidc/token/x", "/api/trpc/x", "/", "/oidc"]) expect(isBackChannelPath(p), p).toBe(false);
  });

  it("asks for the owner wherever the provider acts for the browser", () => {
    for (const p of ["/oidc/auth", "/oidc/auth/abc", "/oidc/interaction/abc"]) expect(needsOwner(p), p).toBe(true);
    for (const p of ["/oidc/token", "/oidc/authx", "/oidc/jwks"]) expect(needsOwner(p), p).toBe(false);
    expect([isIssuerPath("/oidc"), isIssuerPath("/oidc/x"), isIssuerPath("/oidcx"), isIssuerPath("/")]).toEqual([true, true, false, false]);
  });

  it("finds an app's gateway, the first address of its subnet", () => {
    expect(gatewayOf("10.131.7.0/24")).toBe("10.131.7.1");
  });
});

describe("where an app's container reaches the issuer", () => {
  it("is PCC's own gateway listener unless Caddy already listens on every address", () => {
    // 0.0.0.0 / :: (a server with a real domain): the gateway is Caddy's, and a second listener there would not bind.
    expect(needsGatewayListeners("0.0.0.0")).toBe(false);
    expect(needsGatewayListeners("::")).toBe(false);
    expect(needsGatewayListeners("127.0.0.1")).toBe(true);
    expect(needsGatewayListeners("198.18.0.1")).toBe(true);
  });
});
