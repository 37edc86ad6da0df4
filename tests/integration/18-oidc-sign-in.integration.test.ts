import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CookieJar, freePort, httpGet, PccInstance, type HttpResponse } from "../helpers/pcc-instance";
import { writeApp } from "../helpers/test-catalog";
import { oidcAppSpec } from "../helpers/oidc-test-app";
import { testAppCatalog } from "../helpers/test-apps";

/** A browser: cookies per host, redirects followed by hand so every hop can be checked. */
class Browser {
  private readonly jars = new Map<string, CookieJar>();
  readonly hops: string[] = [];

  constructor(shellHost?: string, sessionCookie?: string) {
    if (shellHost && sessionCookie) this.jar(shellHost).take({ "set-cookie": sessionCookie });
  }

  private jar(host: string) {
    let j = this.jars.get(host);
    if (!j) this.jars.set(host, (j = new CookieJar()));
    return j;
  }

  /** GETs url, following redirects until an answer that is not one, or until `stop` says so. */
  async open(url: string, stop: (next: URL) => boolean = () => false): Promise<HttpResponse & { url: string }> {
    let current = new URL(url);
    for (let i = 0; i < 20; i++) {
      this.hops.push(current.href);
      const jar = this.jar(current.host);
      const r = await httpGet(current.href, { cookie: jar.header });
      jar.take(r.headers);
      const location = r.headers.location;
      if (r.status < 300 || r.status >= 400 || typeof location !== "string") return { ...r, url: current.href };
      const next = new URL(location, current);
      if (stop(next)) return { ...r, url: next.href };
      current = next;
    }
    throw new Error(`too many redirects: ${this.hops.join(" → ")}`);
  }
}

describe("one-tap OpenID Connect sign-in to apps", () => {
  let apps: Awaited<ReturnType<typeof testAppCatalog>>;
  let pcc: PccInstance;
  let session = "";
  let hostService: net.Server;
  let hostServicePort = 0;
  const shellHost = () => new URL(pcc.shellUrl).host;
  const appUrl = (id: string, path = "/") => `https://${id}.${pcc.domain}:${pcc.httpsPort}${path}`;
  const authorize = (clientId: string, redirectUri: string, extra: Record<string, string> = {}) =>
    `${pcc.shellUrl}/oidc/auth?${new URLSearchParams({ client_id: clientId, redirect_uri: redirectUri, response_type: "code", scope: "openid profile email", state: "s1", nonce: "n1", ...extra })}`;
  const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;
  const token = (clientId: string, secret: string, code: string, redirectUri: string) =>
    httpGet(`${pcc.shellUrl}/oidc/token`, {
      method: "POST",
      headers: { authorization: basic(clientId, secret), "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: redirectUri }).toString(),
    });
  /** The client secret PCC handed the app, as its container sees it. */
  const clientSecret = async (id: string) => {
    const c = await pcc.podman(`/containers/pcc_${id}_web/json`);
    const env = (c.json as { Config: { Env: string[] } }).Config.Env;
    return env.find((e) => e.startsWith("OIDC_CLIENT_SECRET="))!.slice("OIDC_CLIENT_SECRET=".length);
  };
  /** The owner's browser through the authorization endpoint, stopping at the redirect back to the app. */
  const codeFor = async (clientId: string, redirectUri: string, cookie = session) => {
    const r = await new Browser(shellHost(), cookie).open(authorize(clientId, redirectUri), (next) => next.href.startsWith(redirectUri));
    const code = new URL(r.url).searchParams.get("code");
    if (!code) throw new Error(`no code: ${r.status} ${r.url} ${r.text.slice(0, 200)}`);
    return code;
  };
  /** What one app's container reaches (see /probe in oidc-test-app.ts), as the owner. */
  const probe = async (id: string, appCookie: string, q: Record<string, string>) =>
    (await httpGet(appUrl(id, `/probe?${new URLSearchParams(q)}`), { cookie: appCookie })).text;
  const gatewayOf = async (id: string) => {
    const c = await pcc.podman(`/containers/pcc_${id}_web/json`);
    const nets = (c.json as { NetworkSettings: { Networks: Record<string, { Gateway: string }> } }).NetworkSettings.Networks;
    return Object.values(nets)[0]!.Gateway;
  };

  beforeAll(async () => {
    apps = await testAppCatalog({ dns: await freePort(), echo: await freePort() });
    writeApp(apps.dir, "rp", oidcAppSpec(apps.images));
    writeApp(apps.dir, "other", oidcAppSpec(apps.images));
    writeApp(apps.dir, "plain", oidcAppSpec(apps.images, { oidc: false }));
    // A service of the host on every address: an OIDC app must not reach it, although it reaches the issuer.
    hostService = net.createServer((s) => s.end("host service\n"));
    await new Promise<void>((r) => hostService.listen(0, "0.0.0.0", () => r()));
    hostServicePort = (hostService.address() as net.AddressInfo).port;
    pcc = await PccInstance.start({ catalogDir: apps.dir, insecureRegistries: [apps.registry.host] });
    session = await pcc.claim();
    for (const id of ["rp", "other", "plain"]) {
      const install = pcc.cli("app", "install", id);
      expect(install.code, install.stderr).toBe(0);
    }
  });
  afterAll(async () => {
    await pcc?.stop();
    await pcc?.cleanup();
    await apps?.cleanup();
    await new Promise<void>((r) => (hostService ? hostService.close(() => r()) : r()));
  });

  it("the owner opens the app and lands in it signed in, with no step of their own", async () => {
    const browser = new Browser(shellHost(), session);
    const r = await browser.open(appUrl("rp"));
    expect(r.status, `${browser.hops.join("\n")}\n${r.text}`).toBe(200);
    expect(r.text).toContain("signed in as owner");
    const paths = browser.hops.map((h) => new URL(h).pathname);
    // The app bounce, then the issuer (authorization, the owner approved at once), then the app's callback.
    expect(paths).toEqual(expect.arrayContaining(["/oidc/auth", "/callback"]));
    expect(paths.some((p) => p.startsWith("/oidc/interaction/"))).toBe(true);
    // Once signed in, the app keeps its own session.
    expect((await browser.open(appUrl("rp"))).text).toContain("signed in as owner");
  });

  it("tells the app its issuer, client and CA through env references", async () => {
    const c = await pcc.podman("/containers/pcc_rp_web/json");
    const env = Object.fromEntries((c.json as { Config: { Env: string[] } }).Config.Env.map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
    expect(env.OIDC_ISSUER).toBe(`${pcc.shellUrl}/oidc`);
    expect(env.OIDC_CLIENT_ID).toBe("rp");
    expect(env.OIDC_CLIENT_SECRET).toMatch(/^[A-Za-z0-9_-]{48}$/);
    expect(env.OIDC_CA_FILE).toBe("/run/pcc/oidc-ca.crt");
    const discovery = JSON.parse((await httpGet(`${pcc.shellUrl}/oidc/.well-known/openid-configuration`)).text) as Record<string, unknown>;
    expect(discovery.issuer).toBe(`${pcc.shellUrl}/oidc`);
    expect(discovery.code_challenge_methods_supported).toEqual(["S256"]);
  });

  it("without an owner session no code is issued: the browser is sent to sign in", async () => {
    const redirect = appUrl("rp", "/callback");
    // No cookie, a forged one, and one of a session that has ended.
    const ended = await pcc.signIn();
    expect((await pcc.trpc("identity.signOut", null, ended)).status).toBe(200);
    for (const cookie of [undefined, "__Host-pcc_session=" + "a".repeat(52), ended]) {
      const r = await httpGet(authorize("rp", redirect), { cookie });
      expect(r.status).toBe(302);
      expect(String(r.headers.location)).toMatch(/^\/\?next=%2Foidc%2Fauth%3F/);
    }
    // Straight to the interaction without a session: refused the same way, no code.
    const interaction = await httpGet(`${pcc.shellUrl}/oidc/interaction/abc`);
    expect(interaction.status).toBe(302);
    expect(String(interaction.headers.location)).not.toContain("code=");
  });

  it("the token endpoint refuses a wrong client secret, another app's credentials, and a used code", async () => {
    const redirect = appUrl("rp", "/callback");
    const code = await codeFor("rp", redirect);
    const wrong = await token("rp", "not-the-secret", code, redirect);
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain("invalid_client");
    const other = await token("other", await clientSecret("other"), code, redirect);
    expect(other.status).toBe(400);
    expect(other.text).toContain("invalid_grant");
    const right = await token("rp", await clientSecret("rp"), code, redirect);
    expect(right.status, right.text).toBe(200);
    const tokens = JSON.parse(right.text) as { access_token: string; id_token: string };
    const claims = JSON.parse(Buffer.from(tokens.id_token.split(".")[1]!, "base64url").toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ iss: `${pcc.shellUrl}/oidc`, aud: "rp", sub: "owner", nonce: "n1" });
    expect((await token("rp", await clientSecret("rp"), code, redirect)).status).toBe(400);
  });

  it("another app cannot use this app's redirect URI, nor get a code for it", async () => {
    const r = await new Browser(shellHost(), session).open(authorize("other", appUrl("rp", "/callback")), () => true);
    expect(r.status).toBe(400);
    expect(r.text).toContain("redirect_uri");
    expect(r.headers.location).toBeUndefined();
  });

  it("an OIDC app reaches exactly the issuer on its gateway; other apps and host services stay out of reach", async () => {
    const rpCookie = await pcc.appCookie("rp", session);
    const plainCookie = await pcc.appCookie("plain", session);
    const issuerPort = String(pcc.httpsPort);
    // The issuer, by name (a hosts entry to the gateway), over TLS verified with the CA PCC mounted.
    expect(await probe("rp", rpCookie, { host: pcc.domain, port: issuerPort, path: "/oidc/jwks" })).toBe("open HTTP/1.1 200 OK");
    // Only the back channel's endpoints: never the authorization endpoint, nor the shell.
    expect(await probe("rp", rpCookie, { host: pcc.domain, port: issuerPort, path: "/oidc/auth" })).toBe("open HTTP/1.1 404 Not Found");
    expect(await probe("rp", rpCookie, { host: pcc.domain, port: issuerPort, path: "/api/trpc/identity.state" })).toBe("open HTTP/1.1 404 Not Found");
    const gateway = await gatewayOf("rp");
    expect(await probe("rp", rpCookie, { host: gateway, port: String(hostServicePort) })).toMatch(/^closed/);
    expect(await probe("rp", rpCookie, { host: gateway, port: String(pcc.httpPort) })).toMatch(/^closed/);
    // Another OIDC app's gateway is not this app's way in.
    expect(await probe("rp", rpCookie, { host: await gatewayOf("other"), port: issuerPort })).toMatch(/^closed/);
    // An app without OIDC cannot reach the issuer at all, not even on its own gateway.
    expect(await probe("plain", plainCookie, { host: await gatewayOf("plain"), port: issuerPort })).toMatch(/^closed/);
    // The probe itself works: the app reaches its own port.
    expect(await probe("plain", plainCookie, { host: "127.0.0.1", port: "8080" })).toBe("open");
  });

  it("ending the owner session that approved a grant ends its tokens", async () => {
    const second = await pcc.signIn();
    const redirect = appUrl("rp", "/callback");
    const code = await codeFor("rp", redirect, second);
    const tokens = JSON.parse((await token("rp", await clientSecret("rp"), code, redirect)).text) as { access_token: string };
    const me = () => httpGet(`${pcc.shellUrl}/oidc/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect((await me()).status).toBe(200);
    expect((await pcc.trpc("identity.signOut", null, second)).status).toBe(200);
    expect((await me()).status).toBe(401);
  });

  it("uninstalling the app removes its client and revokes what was issued to it", async () => {
    const redirect = appUrl("rp", "/callback");
    const code = await codeFor("rp", redirect);
    const tokens = JSON.parse((await token("rp", await clientSecret("rp"), code, redirect)).text) as { access_token: string };
    const me = () => httpGet(`${pcc.shellUrl}/oidc/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect((await me()).status).toBe(200);
    const remove = pcc.cli("app", "remove", "rp");
    expect(remove.code, remove.stderr).toBe(0);
    expect((await me()).status).toBe(401);
    const r = await new Browser(shellHost(), session).open(authorize("rp", redirect), () => true);
    expect(r.status).toBe(400);
    expect(r.text).toContain("invalid_client");
    // The other app's client is untouched.
    expect((await new Browser(shellHost(), session).open(appUrl("other"))).text).toContain("signed in as owner");
  });
});
