import { ISSUER_PATH as OIDC_PATH } from "../../modules/oidc/oidc-client";
import { OIDC_COOKIE_NAMES } from "../../modules/oidc/oidc-cookies";

/**
 * Pure builder of Caddy's JSON config. It depends only on PCC's settings, never on the apps: what
 * changes with apps lives in files Caddy reads per request (see modules/gateway/gateway-files.ts),
 * because any change to Caddy's config restarts its servers, dropping idle connections and WebSockets
 * of every app.
 */
export const APP_COOKIE = "__Host-pcc_app";
export const APP_AUTH_PATH = "/.pcc/auth";
/**
 * The connection's peer address as Caddy saw it, set by Caddy on every request to the shell and
 * overwriting any copy the client sent. PCC's rate limits and audit log use only this, never
 * X-Forwarded-For, Forwarded or X-Real-IP, which any client can write.
 */
export const CLIENT_IP_HEADER = "X-Pcc-Client-Ip";
/** The only cookies the shell reads (host-only, Secure: apps can neither read nor overwrite them). */
export const SHELL_COOKIES = ["__Host-pcc_session", "__Host-pcc_browser"] as const;

/** On every shell response. Script policy (CSP) comes from the shell itself; framing is decided here. */
const SHELL_SECURITY_HEADERS = {
  "Strict-Transport-Security": ["max-age=31536000; includeSubDomains"],
  "X-Content-Type-Options": ["nosniff"],
  "Referrer-Policy": ["same-origin"],
  // Framed only by itself (the app window's sign-in bounce runs inside the shell's iframe).
  "X-Frame-Options": ["SAMEORIGIN"],
};

/**
 * What an app that signs the owner in by header (spec `auth: {method: header}`) receives in that header.
 * PCC has one owner and stores no user name, so this is a constant: stable across devices, recovery and
 * reinstalls, so the account an app created for the owner stays theirs.
 */
export const OWNER_SIGN_IN_NAME = "owner";
/**
 * Headers some apps trust for the signed-in user. On an app that signs in by header, client copies of
 * these are deleted too, whichever one the spec names: an app may trust another of them than its spec says.
 */
export const SIGN_IN_HEADER_ALIASES = ["Remote-User", "X-Remote-User", "X-Forwarded-User", "X-Forwarded-Email", "Remote-Email", "Remote-Name", "Remote-Groups"];
/** Names the app's sign-in header, captured from the file Caddy found under gateway/sign-in/<host>/. */
const SIGN_IN_HEADER = "{http.regexp.pcc_sign_in.1}";

/** Headers Caddy sets when it asks PCC's gate about a request; any client copy is overwritten. */
export const GATE_HEADERS = { host: "X-Pcc-Host", uri: "X-Pcc-Uri", method: "X-Pcc-Method" } as const;

export type ProxyInput = {
  domain: string;
  httpsPort: number;
  httpPort: number;
  bindAddress: string;
  shellOrigin: string;
  storageDir: string;
  adminSocket: string;
  shellSocket: string;
  gateSocket: string;
  gateway: { grants: string; stopped: string; sockets: string; signIn: string };
  tokenPattern: string;
  /**
   * internal: Caddy's own CA signs one wildcard certificate (devices must trust it once).
   * acme: a public CA (Let's Encrypt, then ZeroSSL) certifies the shell at start and each app host when first
   * asked for, if PCC's ask endpoint says it is one (a wildcard would need DNS-01, which Debian's Caddy lacks).
   */
  tls: { mode: "internal" } | { mode: "acme"; email: string | null; askUrl: string };
};

function tlsApp(input: ProxyInput) {
  const hosts = [input.domain, `*.${input.domain}`];
  if (input.tls.mode === "internal") {
    return {
      // One wildcard certificate covers every app: adding an app never waits for issuance.
      certificates: { automate: hosts },
      automation: { policies: [{ subjects: hosts, issuers: [{ module: "internal" }] }] },
    };
  }
  const email = input.tls.email ? { email: input.tls.email } : {};
  const issuers = [{ module: "acme", ...email }, { module: "zerossl", ...email }];
  return {
    certificates: { automate: [input.domain] },
    automation: {
      policies: [
        { subjects: [input.domain], issuers },
        { subjects: [`*.${input.domain}`], on_demand: true, issuers },
      ],
      // Only names PCC serves get a certificate: nobody can make Caddy ask a CA for arbitrary subdomains.
      on_demand: { ask: input.tls.askUrl, rate_limit: { interval: "1m", burst: 20 } },
    },
  };
}

const page = (title: string, text: string, refresh = false) =>
  `<!doctype html><meta name=viewport content="width=device-width">${refresh ? "<meta http-equiv=refresh content=5>" : ""}<title>${title}</title>` +
  `<body style="font:16px system-ui;display:grid;place-items:center;height:90vh;color:#334"><div><h1>${title}</h1><p>${text}</p></div>`;

const html = (status: number, body: string) => ({
  handler: "static_response",
  status_code: status,
  headers: { "Content-Type": ["text/html; charset=utf-8"], "Cache-Control": ["no-store"] },
  body,
});

/**
 * Header sign-in lives here, in Caddy, not in the forwarder behind it: Caddy parses the client's request
 * and decides whether it passed the owner check, and the forwarder only pipes the bytes Caddy wrote to the
 * container (whose address only root can reach). So the app sees exactly the headers set below, and no
 * second HTTP parser could disagree with Caddy about what a client sent. Go canonicalises header names
 * ("remote-user" is "Remote-User"), and reverse_proxy drops every header the client's Connection header
 * lists before it applies its own `set`, so neither a case variant nor a hop-by-hop trick keeps a forged copy.
 */
function toApp(input: ProxyInput, host: string, who: "owner" | "public") {
  const proxy = (request?: object) => ({
    handler: "reverse_proxy",
    upstreams: [{ dial: `unix/${input.gateway.sockets}/${host}.sock` }],
    headers: {
      ...(request ? { request } : {}),
      response: {
        // An app's cookies stay on its own host: a Domain attribute would hand them to every other app.
        replace: { "Set-Cookie": [{ search_regexp: "(?i);\\s*domain=[^;]*", replace: "" }] },
        // Only the shell may frame an app (in its window); no other site, no other app.
        add: { "Content-Security-Policy": [`frame-ancestors ${input.shellOrigin}`] },
      },
    },
  });
  // Deletion runs in its own handler: within one header operation Caddy deletes after it sets.
  // Underscored names go too: CGI, PHP and WSGI read "Remote_User" as the same variable as "Remote-User".
  const strip = [...SIGN_IN_HEADER_ALIASES, SIGN_IN_HEADER, "*_*"];
  const signedIn = [{ handler: "headers", request: { delete: strip } }, who === "owner" ? proxy({ set: { [SIGN_IN_HEADER]: [OWNER_SIGN_IN_NAME] } }) : proxy()];
  return [
    {
      handler: "headers",
      // The app never sees PCC's credential: strip it before proxying.
      request: {
        replace: {
          Cookie: [
            { search_regexp: `(?:^|;\\s*)${APP_COOKIE}=[^;]*`, replace: "" },
            { search_regexp: "^;\\s*", replace: "" },
          ],
        },
        delete: Object.values(GATE_HEADERS),
      },
    },
    {
      handler: "subroute",
      routes: [
        {
          // The app signs the owner in by header: sign-in/<host>/<Header> exists (see GatewayFiles.setSignIn).
          match: [{ file: { root: input.gateway.signIn, try_files: [`/${host}/*`] } }],
          handle: [
            {
              handler: "subroute",
              routes: [
                { match: [{ vars_regexp: { "{http.matchers.file.relative}": { name: "pcc_sign_in", pattern: "^/[a-z][a-z0-9-]*/([A-Za-z][A-Za-z0-9-]{0,63})$" } } }], handle: signedIn },
                // A name PCC would never write: refuse rather than pass a header the app may trust.
                { handle: [html(503, page("This app is misconfigured", "Reinstall it from your PCC."))] },
              ],
            },
          ],
          terminal: true,
        },
        { handle: [proxy()] },
      ],
    },
  ];
}

function appRoutes(input: ProxyInput) {
  // `*.<domain>` matches exactly one more label, which Caddy numbers from the right.
  const host = `{http.request.host.labels.${input.domain.split(".").length}}`;
  const owner = {
    match: [
      {
        vars_regexp: { [`{http.request.cookie.${APP_COOKIE}}`]: { pattern: input.tokenPattern } },
        file: { root: input.gateway.grants, try_files: [`/${host}/{http.request.cookie.${APP_COOKIE}}`] },
      },
    ],
    handle: [
      {
        handler: "subroute",
        routes: [
          { match: [{ file: { root: input.gateway.stopped, try_files: [`/${host}`] } }], handle: [html(503, page("This app is stopped", "Start it again from your PCC."))], terminal: true },
          { handle: toApp(input, host, "owner") },
        ],
      },
    ],
    terminal: true,
  };
  // No credential: PCC's gate decides (public path → proxy; browser → sign-in redirect; else 401/404).
  const gate = {
    handle: [
      {
        handler: "reverse_proxy",
        upstreams: [{ dial: `unix/${input.gateSocket}` }],
        rewrite: { method: "GET", uri: "/gate" },
        headers: { request: { set: { [GATE_HEADERS.host]: ["{http.request.host}"], [GATE_HEADERS.uri]: ["{http.request.uri}"], [GATE_HEADERS.method]: ["{http.request.method}"] } } },
        handle_response: [{ match: { status_code: [2] }, routes: [{ handle: toApp(input, host, "public") }] }],
      },
    ],
  };
  return {
    match: [{ host: [`*.${input.domain}`] }],
    handle: [
      {
        handler: "subroute",
        routes: [{ match: [{ path: [APP_AUTH_PATH] }], handle: [{ handler: "reverse_proxy", upstreams: [{ dial: `unix/${input.shellSocket}` }] }], terminal: true }, owner, gate],
      },
    ],
    terminal: true,
  };
}

/** The shell's upstream. It gets only the cookies named (see SHELL_COOKIES). */
function shellProxy(input: ProxyInput, cookies: readonly string[]) {
  return {
    handler: "reverse_proxy",
    upstreams: [{ dial: `unix/${input.shellSocket}` }],
    headers: {
      request: {
        set: {
          [CLIENT_IP_HEADER]: ["{http.request.remote.host}"],
          // The shell gets its own cookies and nothing else: cookies an app planted on the
          // parent domain can neither reach it nor swell its requests past Node's header limit.
          Cookie: [cookies.map((c) => `${c}={http.request.cookie.${c}}`).join("; ")],
        },
      },
      response: { set: SHELL_SECURITY_HEADERS },
    },
  };
}

export function buildCaddyConfig(input: ProxyInput) {
  const listen = (port: number) => [`${input.bindAddress.includes(":") ? `[${input.bindAddress}]` : input.bindAddress}:${port}`];
  return {
    admin: { listen: `unix/${input.adminSocket}`, config: { persist: false } },
    storage: { module: "file_system", root: input.storageDir },
    apps: {
      http: {
        http_port: input.httpPort,
        https_port: input.httpsPort,
        servers: {
          pcc_https: {
            listen: listen(input.httpsPort),
            // Certificates come from the tls app below (one wildcard, or the shell plus app hosts on demand).
            automatic_https: { disable: true },
            tls_connection_policies: [{}],
            routes: [
              // The OpenID Connect issuer (server/modules/oidc) also gets the provider's own cookies, and
              // only it: one an app planted on the parent domain could swell sign-in requests, never the shell's.
              { match: [{ host: [input.domain], path: [`${OIDC_PATH}/*`] }], handle: [shellProxy(input, [...SHELL_COOKIES, ...OIDC_COOKIE_NAMES])], terminal: true },
              { match: [{ host: [input.domain] }], handle: [shellProxy(input, SHELL_COOKIES)], terminal: true },
              appRoutes(input),
              { handle: [html(404, page("Not found", "No app lives at this address."))] },
            ],
            errors: {
              routes: [
                {
                  match: [{ host: [`*.${input.domain}`], expression: "{http.error.status_code} >= 502 && {http.error.status_code} <= 504" }],
                  handle: [html(502, page("This app is not answering", "It may be starting or may have stopped by itself. This page retries every few seconds.", true))],
                },
              ],
            },
          },
          pcc_http: {
            listen: listen(input.httpPort),
            automatic_https: { disable: true },
            routes: [
              {
                handle: [
                  {
                    handler: "static_response",
                    status_code: 308,
                    headers: { Location: [`https://{http.request.host}${input.httpsPort === 443 ? "" : `:${input.httpsPort}`}{http.request.uri}`] },
                  },
                ],
              },
            ],
          },
        },
      },
      tls: tlsApp(input),
      pki: { certificate_authorities: { local: { install_trust: false } } },
    },
  };
}
