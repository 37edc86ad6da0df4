import { describe, expect, it } from "vitest";
import { TOKEN_PATTERN } from "../../modules/gateway/gateway-files";
import { APP_AUTH_PATH, APP_COOKIE, buildCaddyConfig, CLIENT_IP_HEADER, GATE_HEADERS, OWNER_SIGN_IN_NAME, SIGN_IN_HEADER_ALIASES, type ProxyInput } from "./caddy-config";

/* eslint-disable @typescript-eslint/no-explicit-any */
type AnyRoute = any;

const base: ProxyInput = {
  domain: "pcc.localhost",
  httpsPort: 8443,
  httpPort: 8080,
  bindAddress: "127.0.0.1",
  shellOrigin: "https://pcc.localhost:8443",
  storageDir: "/data/caddy",
  adminSocket: "/run/caddy-admin.sock",
  shellSocket: "/run/web.sock",
  gateSocket: "/run/gate.sock",
  gateway: { grants: "/data/gateway/grants", stopped: "/data/gateway/stopped", sockets: "/data/gateway/sockets", signIn: "/data/gateway/sign-in" },
  tokenPattern: TOKEN_PATTERN,
  tls: { mode: "internal" },
};

const build = (over: Partial<ProxyInput> = {}) => buildCaddyConfig({ ...base, ...over }) as AnyRoute;
const httpsRoutes = (cfg: AnyRoute): AnyRoute[] => cfg.apps.http.servers.pcc_https.routes;
const appRoute = (cfg: AnyRoute) => httpsRoutes(cfg).find((r) => r.match?.[0]?.host?.[0] === `*.${base.domain}`);
const subroutes = (cfg: AnyRoute): AnyRoute[] => appRoute(cfg).handle[0].routes;
const ownerRoute = (cfg: AnyRoute) => subroutes(cfg).find((r) => r.match?.[0]?.file);
const gateRoute = (cfg: AnyRoute) => subroutes(cfg)[subroutes(cfg).length - 1];
const LABEL = "{http.request.host.labels.2}";
/** What an owner's request runs once it may pass (after the stopped check), and a public one after the gate. */
const ownerToApp = (cfg: AnyRoute): AnyRoute[] => ownerRoute(cfg).handle[0].routes[1].handle;
const publicToApp = (cfg: AnyRoute): AnyRoute[] => gateRoute(cfg).handle[0].handle_response[0].routes[0].handle;
/** The proxy for apps that do not sign in by header: the second handler's fallback route. */
const plainProxy = (toApp: AnyRoute[]) => toApp[1].routes[1].handle[0];

describe("buildCaddyConfig: apps", () => {
  const cfg = build();
  const routes = subroutes(cfg);

  it("serves every app host through one static route: apps change files, never this config", () => {
    expect(appRoute(cfg).match).toEqual([{ host: ["*.pcc.localhost"] }]);
    expect(JSON.stringify(cfg)).not.toMatch(/hello|10\.\d+\./);
  });

  it("sends the sign-in handoff path to the shell socket, first", () => {
    expect(routes[0].match).toEqual([{ path: [APP_AUTH_PATH] }]);
    expect(routes[0].handle[0]).toEqual({ handler: "reverse_proxy", upstreams: [{ dial: "unix//run/web.sock" }] });
  });

  it("lets a request pass only with a well-formed credential that exists as a file for this host", () => {
    const m = ownerRoute(cfg).match[0];
    expect(m.vars_regexp).toEqual({ [`{http.request.cookie.${APP_COOKIE}}`]: { pattern: TOKEN_PATTERN } });
    expect(m.file).toEqual({ root: "/data/gateway/grants", try_files: [`/${LABEL}/{http.request.cookie.${APP_COOKIE}}`] });
  });

  it.each([
    ["a real token", "a".repeat(52), true],
    ["path traversal to another app's credential", `../other/${"a".repeat(52)}`, false],
    ["encoded traversal", `%2e%2e%2fother%2f${"a".repeat(40)}`, false],
    ["too short", "a".repeat(51), false],
    ["upper case", "A".repeat(52), false],
    ["empty", "", false],
  ])("the credential pattern: %s", (_l, value, ok) => {
    expect(new RegExp(TOKEN_PATTERN).test(value)).toBe(ok);
  });

  it("a stopped app gets the 503 page; otherwise the request goes to the app's socket", () => {
    const inner = ownerRoute(cfg).handle[0].routes;
    expect(inner[0].match).toEqual([{ file: { root: "/data/gateway/stopped", try_files: [`/${LABEL}`] } }]);
    expect(inner[0].handle[0]).toMatchObject({ handler: "static_response", status_code: 503 });
    expect(inner[0].handle[0].body).toContain("stopped");
    expect(plainProxy(inner[1].handle)).toMatchObject({ handler: "reverse_proxy", upstreams: [{ dial: `unix//data/gateway/sockets/${LABEL}.sock` }] });
  });

  it("keeps an app's cookies on its own host and lets only the shell frame it", () => {
    const proxy = plainProxy(ownerToApp(cfg));
    const [rule] = proxy.headers.response.replace["Set-Cookie"];
    const strip = (c: string) => c.replace(new RegExp(rule.search_regexp.replace("(?i)", ""), "gi"), rule.replace);
    expect(strip("big=1; Domain=pcc.localhost; Path=/")).toBe("big=1; Path=/");
    expect(strip("big=1; path=/; domain=.pcc.localhost; Secure")).toBe("big=1; path=/; Secure");
    expect(strip("id=1; Path=/; HttpOnly")).toBe("id=1; Path=/; HttpOnly");
    expect(proxy.headers.response.add["Content-Security-Policy"]).toEqual(["frame-ancestors https://pcc.localhost:8443"]);
  });

  it("asks PCC's gate about requests without a credential, without handing it the body", () => {
    const h = gateRoute(cfg).handle[0];
    expect(gateRoute(cfg).match).toBeUndefined();
    expect(h.upstreams).toEqual([{ dial: "unix//run/gate.sock" }]);
    expect(h.rewrite).toEqual({ method: "GET", uri: "/gate" });
    expect(h.headers.request.set).toEqual({
      [GATE_HEADERS.host]: ["{http.request.host}"],
      [GATE_HEADERS.uri]: ["{http.request.uri}"],
      [GATE_HEADERS.method]: ["{http.request.method}"],
    });
    // 2xx (a public path) continues to the app; anything else is the gate's own answer.
    expect(h.handle_response).toHaveLength(1);
    expect(h.handle_response[0].match).toEqual({ status_code: [2] });
    expect(plainProxy(publicToApp(cfg)).upstreams[0].dial).toBe(`unix//data/gateway/sockets/${LABEL}.sock`);
  });

  it("numbers the app label from the right after the domain's own labels", () => {
    const dial = (domain: string) => JSON.stringify(build({ domain })).match(/labels\.(\d+)/)![1];
    expect(dial("example.com")).toBe("2");
    expect(dial("home.example.co.uk")).toBe("4");
    expect(dial("localhost")).toBe("1");
  });

  describe("strips the PCC cookie and the gate's headers before proxying", () => {
    const headers = ownerToApp(cfg)[0];
    const rules: { search_regexp: string; replace: string }[] = headers.request.replace.Cookie;
    // Caddy applies each rule in order with Go's ReplaceAllString: a global replace.
    const strip = (cookie: string) => rules.reduce((v, r) => v.replace(new RegExp(r.search_regexp, "g"), r.replace), cookie);

    it("is a headers handler running before the proxy", () => {
      expect(headers.handler).toBe("headers");
      expect(rules).toHaveLength(2);
      expect(headers.request.delete).toEqual(Object.values(GATE_HEADERS));
    });

    it("is the same for public requests", () => {
      expect(publicToApp(cfg)[0]).toEqual(headers);
    });

    it.each([
      ["a=1; __Host-pcc_app=T; b=2", "a=1; b=2"],
      ["__Host-pcc_app=T; b=2", "b=2"],
      ["a=1; __Host-pcc_app=T", "a=1"],
      ["__Host-pcc_app=T", ""],
      ["a=1; b=2", "a=1; b=2"],
      ["a=1;__Host-pcc_app=T;b=2", "a=1;b=2"],
      ["x__Host-pcc_app=keep; b=2", "x__Host-pcc_app=keep; b=2"],
    ])("%s -> %s", (input, output) => {
      expect(strip(input)).toBe(output);
    });
  });

  describe("header sign-in (spec auth: {method: header}), found per host in gateway/sign-in/<host>/<Header>", () => {
    const signInRoute = (toApp: AnyRoute[]) => toApp[1].routes[0];
    const inner = (toApp: AnyRoute[]) => signInRoute(toApp).handle[0].routes;
    const H = "{http.regexp.pcc_sign_in.1}";

    it("is chosen by a file for this host, not by Caddy's config, and ends there", () => {
      for (const toApp of [ownerToApp(cfg), publicToApp(cfg)]) {
        expect(signInRoute(toApp).match).toEqual([{ file: { root: "/data/gateway/sign-in", try_files: [`/${LABEL}/*`] } }]);
        expect(signInRoute(toApp).terminal).toBe(true);
        const { name, pattern } = inner(toApp)[0].match[0].vars_regexp["{http.matchers.file.relative}"];
        expect(name).toBe("pcc_sign_in");
        const re = new RegExp(pattern);
        expect(re.exec("/wiki/X-Webauth-User")?.[1]).toBe("X-Webauth-User");
        for (const bad of ["/wiki/.tmp", "/wiki/Bad Name", "/wiki/a/b", "/wiki/X:y", "/Wiki/Remote-User"]) expect(re.test(bad), bad).toBe(false);
        // Any other name there (never written by PCC) refuses the request rather than pass it unstripped.
        expect(inner(toApp)[1].match).toBeUndefined();
        expect(inner(toApp)[1].handle[0]).toMatchObject({ handler: "static_response", status_code: 503 });
      }
    });

    it("owner: deletes every client copy of the header, its aliases and underscored names, then sets it", () => {
      const [strip, proxy] = inner(ownerToApp(cfg))[0].handle;
      expect(strip).toEqual({ handler: "headers", request: { delete: [...SIGN_IN_HEADER_ALIASES, H, "*_*"] } });
      expect(SIGN_IN_HEADER_ALIASES).toEqual(expect.arrayContaining(["Remote-User", "X-Remote-User", "X-Forwarded-User", "X-Forwarded-Email", "Remote-Email", "Remote-Name", "Remote-Groups"]));
      // Set inside reverse_proxy: after it dropped the headers the client's Connection header lists.
      expect(proxy.handler).toBe("reverse_proxy");
      expect(proxy.headers.request).toEqual({ set: { [H]: [OWNER_SIGN_IN_NAME] } });
      expect(OWNER_SIGN_IN_NAME).toBe("owner");
      expect(proxy.upstreams).toEqual(plainProxy(ownerToApp(cfg)).upstreams);
    });

    it("public paths: the same deletions and never the header", () => {
      const [strip, proxy] = inner(publicToApp(cfg))[0].handle;
      expect(strip).toEqual(inner(ownerToApp(cfg))[0].handle[0]);
      expect(proxy.headers.request).toBeUndefined();
      expect(JSON.stringify(publicToApp(cfg))).not.toContain(OWNER_SIGN_IN_NAME);
    });

    it("apps that do not sign in by header are proxied as before, nothing set", () => {
      for (const toApp of [ownerToApp(cfg), publicToApp(cfg)]) {
        expect(toApp[1].routes[1].match).toBeUndefined();
        expect(plainProxy(toApp).headers.request).toBeUndefined();
      }
    });
  });

  it("shows a retrying page when an app's socket does not answer", () => {
    const err = cfg.apps.http.servers.pcc_https.errors.routes[0];
    expect(err.match[0].host).toEqual(["*.pcc.localhost"]);
    expect(err.handle[0].body).toContain("refresh");
  });
});

describe("buildCaddyConfig: server-wide settings", () => {
  it("routes the shell's host to the shell socket, first, telling it the connection's real peer", () => {
    const [issuer, first] = httpsRoutes(build());
    // The OpenID Connect issuer first: the same upstream, with the provider's cookies too.
    expect(issuer.match).toEqual([{ host: ["pcc.localhost"], path: ["/oidc/*"] }]);
    expect(issuer.handle[0]).toMatchObject({ handler: "reverse_proxy", upstreams: [{ dial: "unix//run/web.sock" }] });
    expect(first.match).toEqual([{ host: ["pcc.localhost"] }]);
    // `set` replaces any copy the client sent: PCC's rate limits and audit log trust only this header.
    expect(first.handle).toHaveLength(1);
    const h = first.handle[0];
    expect(h).toMatchObject({ handler: "reverse_proxy", upstreams: [{ dial: "unix//run/web.sock" }] });
    expect(h.headers.request.set[CLIENT_IP_HEADER]).toEqual(["{http.request.remote.host}"]);
  });

  it("passes the shell only its own cookies, whatever an app planted on the parent domain", () => {
    const set = httpsRoutes(build())[1].handle[0].headers.request.set;
    expect(set.Cookie).toEqual(["__Host-pcc_session={http.request.cookie.__Host-pcc_session}; __Host-pcc_browser={http.request.cookie.__Host-pcc_browser}"]);
  });

  it("passes the issuer (and only it) the OIDC provider's own cookies as well", () => {
    const cookie = httpsRoutes(build())[0].handle[0].headers.request.set.Cookie[0] as string;
    const names = cookie.split("; ").map((c) => c.split("=")[0]);
    expect(names).toEqual([
      "__Host-pcc_session",
      "__Host-pcc_browser",
      "__Host-pcc_oidc_session",
      "__Host-pcc_oidc_session.sig",
      "__Host-pcc_oidc_interaction",
      "__Host-pcc_oidc_interaction.sig",
      "pcc_oidc_resume",
      "pcc_oidc_resume.sig",
    ]);
  });

  it("sends the shell's security headers: HSTS, no sniffing, framed by itself only", () => {
    const headers = httpsRoutes(build())[1].handle[0].headers.response.set;
    expect(headers["Strict-Transport-Security"]).toEqual(["max-age=31536000; includeSubDomains"]);
    expect(headers["X-Content-Type-Options"]).toEqual(["nosniff"]);
    expect(headers["X-Frame-Options"]).toEqual(["SAMEORIGIN"]);
  });

  it("ends with a 404 for other hosts", () => {
    const routes = httpsRoutes(build());
    const last = routes[routes.length - 1];
    expect(last.match).toBeUndefined();
    expect(last.handle[0].status_code).toBe(404);
  });

  it("admin API listens only on the unix socket and does not persist config", () => {
    const cfg = build();
    expect(cfg.admin).toEqual({ listen: "unix//run/caddy-admin.sock", config: { persist: false } });
    expect(cfg.storage).toEqual({ module: "file_system", root: "/data/caddy" });
  });

  it("listens on bindAddress for both servers", () => {
    const cfg = build();
    expect(cfg.apps.http.servers.pcc_https.listen).toEqual(["127.0.0.1:8443"]);
    expect(cfg.apps.http.servers.pcc_http.listen).toEqual(["127.0.0.1:8080"]);
    const any4 = build({ bindAddress: "0.0.0.0", httpsPort: 443, httpPort: 80 });
    expect(any4.apps.http.servers.pcc_https.listen).toEqual(["0.0.0.0:443"]);
    expect(any4.apps.http.servers.pcc_http.listen).toEqual(["0.0.0.0:80"]);
  });

  it("brackets IPv6 bind addresses", () => {
    expect(build({ bindAddress: "::" }).apps.http.servers.pcc_https.listen).toEqual(["[::]:8443"]);
  });

  it("HTTP redirects to HTTPS, with the port unless it is 443", () => {
    const loc = (cfg: AnyRoute) => cfg.apps.http.servers.pcc_http.routes[0].handle[0].headers.Location[0];
    expect(loc(build())).toBe("https://{http.request.host}:8443{http.request.uri}");
    expect(loc(build({ httpsPort: 443 }))).toBe("https://{http.request.host}{http.request.uri}");
  });

  it("with a public name: the shell's certificate from a public CA at once, app hosts on demand if PCC says they exist", () => {
    const tls = build({ domain: "box.example.org", tls: { mode: "acme", email: "me@example.org", askUrl: "http://127.0.0.1:4321/ask" } }).apps.tls;
    expect(tls.certificates.automate).toEqual(["box.example.org"]);
    const [shell, apps] = tls.automation.policies;
    expect(shell.subjects).toEqual(["box.example.org"]);
    expect(shell.issuers).toEqual([{ module: "acme", email: "me@example.org" }, { module: "zerossl", email: "me@example.org" }]);
    expect(apps).toMatchObject({ subjects: ["*.box.example.org"], on_demand: true });
    expect(tls.automation.on_demand.ask).toBe("http://127.0.0.1:4321/ask");
    expect(JSON.stringify(tls)).not.toContain("internal");
  });

  it("one internal wildcard certificate covers the domain and every app", () => {
    const tls = build().apps.tls;
    expect(tls.certificates.automate).toEqual(["pcc.localhost", "*.pcc.localhost"]);
    expect(tls.automation.policies[0].issuers).toEqual([{ module: "internal" }]);
  });
});
