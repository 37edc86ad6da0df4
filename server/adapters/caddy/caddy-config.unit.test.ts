import { describe, expect, it } from "vitest";
import { APP_AUTH_PATH, APP_COOKIE, buildCaddyConfig, type ProxyApp, type ProxyInput } from "./caddy-config";

/* eslint-disable @typescript-eslint/no-explicit-any */
type AnyRoute = any;

const base: Omit<ProxyInput, "apps"> = {
  domain: "pcc.localhost",
  httpsPort: 8443,
  httpPort: 8080,
  bindAddress: "127.0.0.1",
  shellOrigin: "https://pcc.localhost:8443",
  storageDir: "/data/caddy",
  adminSocket: "/run/caddy-admin.sock",
  shellSocket: "/run/web.sock",
};

const build = (apps: ProxyApp[], over: Partial<ProxyInput> = {}) => buildCaddyConfig({ ...base, ...over, apps }) as AnyRoute;
const httpsRoutes = (cfg: AnyRoute): AnyRoute[] => cfg.apps.http.servers.pcc_https.routes;
const appRoute = (cfg: AnyRoute, id: string) =>
  httpsRoutes(cfg).find((r) => r.match?.[0]?.host?.[0] === `${id}.${base.domain}`);
const subroutes = (cfg: AnyRoute, id: string): AnyRoute[] => appRoute(cfg, id).handle[0].routes;
const cookieRoute = (cfg: AnyRoute, id: string) => subroutes(cfg, id).find((r) => r.match?.[0]?.header_regexp);

const TOKEN_A = "abcdefghijklmnopqrstuvwxyz234567";
const TOKEN_B = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

describe("buildCaddyConfig: app without tokens", () => {
  const cfg = build([{ id: "hello", upstream: "10.1.2.3:8080", tokens: [] }]);
  const routes = subroutes(cfg, "hello");

  it("has no cookie-matching route and never proxies to the app", () => {
    expect(cookieRoute(cfg, "hello")).toBeUndefined();
    expect(JSON.stringify(routes)).not.toContain("10.1.2.3:8080");
  });

  it("sends the auth path to the shell socket", () => {
    expect(routes[0].match).toEqual([{ path: [APP_AUTH_PATH] }]);
    expect(routes[0].handle[0]).toEqual({ handler: "reverse_proxy", upstreams: [{ dial: "unix//run/web.sock" }] });
  });

  it("redirects GET/HEAD through the shell, keeping the request URI", () => {
    const redirect = routes.find((r) => r.match?.[0]?.method);
    expect(redirect.match[0].method).toEqual(["GET", "HEAD"]);
    const h = redirect.handle[0];
    expect(h.handler).toBe("static_response");
    expect(h.status_code).toBe(302);
    expect(h.headers.Location).toEqual(["https://pcc.localhost:8443/_pcc/app-auth/hello{http.request.uri}"]);
  });

  it("answers 401 to anything else (last route, unmatched)", () => {
    const last = routes[routes.length - 1];
    expect(last.match).toBeUndefined();
    expect(last.handle[0]).toMatchObject({ handler: "static_response", status_code: 401 });
  });
});

describe("buildCaddyConfig: app with tokens", () => {
  const cfg = build([
    { id: "hello", upstream: "10.1.2.3:8080", tokens: [TOKEN_A] },
    { id: "other", upstream: "10.9.9.9:3000", tokens: [TOKEN_B] },
  ]);
  const route = cookieRoute(cfg, "hello");
  const re = new RegExp(route.match[0].header_regexp.Cookie.pattern);

  it("proxies matching requests to the upstream", () => {
    expect(route.handle[1]).toEqual({ handler: "reverse_proxy", upstreams: [{ dial: "10.1.2.3:8080" }] });
    expect(route.terminal).toBe(true);
  });

  it("is tried before the redirect and the 401", () => {
    const routes = subroutes(cfg, "hello");
    const idx = routes.indexOf(route);
    expect(idx).toBeGreaterThan(0);
    expect(routes.findIndex((r) => r.match?.[0]?.method)).toBeGreaterThan(idx);
  });

  it.each([
    [`${APP_COOKIE}=${TOKEN_A}`],
    [`a=1; ${APP_COOKIE}=${TOKEN_A}`],
    [`${APP_COOKIE}=${TOKEN_A}; b=2`],
    [`a=1; ${APP_COOKIE}=${TOKEN_A}; b=2`],
    [`a=1;${APP_COOKIE}=${TOKEN_A};b=2`],
  ])("matches the app's own token: %s", (cookie) => {
    expect(re.test(cookie)).toBe(true);
  });

  it.each([
    ["no cookie at all", ""],
    ["other cookies only", "a=1; b=2"],
    ["token is a prefix of the value", `${APP_COOKIE}=${TOKEN_A}x`],
    ["token is a suffix of the value", `${APP_COOKIE}=x${TOKEN_A}`],
    ["cookie name has a prefix", `x${APP_COOKIE}=${TOKEN_A}`],
    ["token under another cookie name", `a=${TOKEN_A}`],
    ["token inside another cookie's value", `a=${APP_COOKIE}=${TOKEN_A}`],
    ["another app's token", `${APP_COOKIE}=${TOKEN_B}`],
    ["empty PCC cookie", `${APP_COOKIE}=`],
  ])("does not match: %s", (_label, cookie) => {
    expect(re.test(cookie)).toBe(false);
  });

  it("the other app's route matches its own token only", () => {
    const otherRe = new RegExp(cookieRoute(cfg, "other").match[0].header_regexp.Cookie.pattern);
    expect(otherRe.test(`${APP_COOKIE}=${TOKEN_B}`)).toBe(true);
    expect(otherRe.test(`${APP_COOKIE}=${TOKEN_A}`)).toBe(false);
  });

  it("accepts any of several tokens (one per session)", () => {
    const multi = cookieRoute(build([{ id: "hello", upstream: "10.1.2.3:8080", tokens: [TOKEN_A, TOKEN_B] }]), "hello");
    const r = new RegExp(multi.match[0].header_regexp.Cookie.pattern);
    expect(r.test(`${APP_COOKIE}=${TOKEN_A}`)).toBe(true);
    expect(r.test(`${APP_COOKIE}=${TOKEN_B}`)).toBe(true);
    expect(r.test(`${APP_COOKIE}=${TOKEN_A}${TOKEN_B}`)).toBe(false);
  });

  describe("strips the PCC cookie before proxying", () => {
    const headers = route.handle[0];
    const rules: { search_regexp: string; replace: string }[] = headers.request.replace.Cookie;
    // Caddy applies each rule in order with Go's ReplaceAllString: a global replace.
    const strip = (cookie: string) => rules.reduce((v, r) => v.replace(new RegExp(r.search_regexp, "g"), r.replace), cookie);

    it("is a headers handler running before the proxy", () => {
      expect(headers.handler).toBe("headers");
      expect(rules).toHaveLength(2);
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
});

describe("buildCaddyConfig: server-wide settings", () => {
  it("a stopped app (no upstream) gets a 503 page instead of a proxy", () => {
    const cfg = build([{ id: "hello", upstream: null, tokens: [TOKEN_A] }]);
    const h = cookieRoute(cfg, "hello").handle[1];
    expect(h.handler).toBe("static_response");
    expect(h.status_code).toBe(503);
    expect(h.body).toContain("stopped");
    expect(cookieRoute(cfg, "hello").handle.some((x: AnyRoute) => x.handler === "reverse_proxy")).toBe(false);
  });

  it("routes the shell's host to the shell socket, first", () => {
    const first = httpsRoutes(build([]))[0];
    expect(first.match).toEqual([{ host: ["pcc.localhost"] }]);
    expect(first.handle).toEqual([{ handler: "reverse_proxy", upstreams: [{ dial: "unix//run/web.sock" }] }]);
  });

  it("ends with a 404 for unknown hosts", () => {
    const routes = httpsRoutes(build([{ id: "hello", upstream: null, tokens: [] }]));
    const last = routes[routes.length - 1];
    expect(last.match).toBeUndefined();
    expect(last.handle[0].status_code).toBe(404);
  });

  it("admin API listens only on the unix socket and does not persist config", () => {
    const cfg = build([]);
    expect(cfg.admin).toEqual({ listen: "unix//run/caddy-admin.sock", config: { persist: false } });
    expect(cfg.storage).toEqual({ module: "file_system", root: "/data/caddy" });
  });

  it("listens on bindAddress for both servers", () => {
    const cfg = build([]);
    expect(cfg.apps.http.servers.pcc_https.listen).toEqual(["127.0.0.1:8443"]);
    expect(cfg.apps.http.servers.pcc_http.listen).toEqual(["127.0.0.1:8080"]);
    const any4 = build([], { bindAddress: "0.0.0.0", httpsPort: 443, httpPort: 80 });
    expect(any4.apps.http.servers.pcc_https.listen).toEqual(["0.0.0.0:443"]);
    expect(any4.apps.http.servers.pcc_http.listen).toEqual(["0.0.0.0:80"]);
  });

  it("brackets IPv6 bind addresses", () => {
    const cfg = build([], { bindAddress: "::" });
    expect(cfg.apps.http.servers.pcc_https.listen).toEqual(["[::]:8443"]);
  });

  it("HTTP redirects to HTTPS, with the port unless it is 443", () => {
    const loc = (cfg: AnyRoute) => cfg.apps.http.servers.pcc_http.routes[0].handle[0].headers.Location[0];
    expect(loc(build([]))).toBe("https://{http.request.host}:8443{http.request.uri}");
    expect(loc(build([], { httpsPort: 443 }))).toBe("https://{http.request.host}{http.request.uri}");
  });

  it("one internal wildcard certificate covers the domain and every app", () => {
    const tls = build([]).apps.tls;
    expect(tls.certificates.automate).toEqual(["pcc.localhost", "*.pcc.localhost"]);
    expect(tls.automation.policies[0].issuers).toEqual([{ module: "internal" }]);
  });
});
