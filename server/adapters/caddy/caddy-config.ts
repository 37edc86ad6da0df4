/** Pure builder of Caddy's JSON config: everything PCC serves, derived from desired state. */
export const APP_COOKIE = "__Host-pcc_app";
export const APP_AUTH_PATH = "/.pcc/auth";

export type ProxyApp = {
  id: string;
  /** host:port of the container on its bridge, or null while the app is not running. */
  upstream: string | null;
  /** App credentials that may pass; each belongs to one owner session. */
  tokens: string[];
};

export type ProxyInput = {
  domain: string;
  httpsPort: number;
  httpPort: number;
  bindAddress: string;
  shellOrigin: string;
  storageDir: string;
  adminSocket: string;
  shellSocket: string;
  apps: ProxyApp[];
};

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

const page = (title: string, text: string) =>
  `<!doctype html><meta name=viewport content="width=device-width"><title>${title}</title>` +
  `<body style="font:16px system-ui;display:grid;place-items:center;height:90vh;color:#334"><div><h1>${title}</h1><p>${text}</p></div>`;

function appRoute(app: ProxyApp, input: ProxyInput) {
  const toShell = { handler: "reverse_proxy", upstreams: [{ dial: `unix/${input.shellSocket}` }] };
  const routes: unknown[] = [{ match: [{ path: [APP_AUTH_PATH] }], handle: [toShell], terminal: true }];
  if (app.tokens.length > 0) {
    // Tokens are base32 (no regex metacharacters), so an alternation of exact values is safe.
    const tokens = app.tokens.map(escapeRe).join("|");
    routes.push({
      match: [{ header_regexp: { Cookie: { pattern: `(?:^|;\\s*)${APP_COOKIE}=(?:${tokens})(?:;|$)` } } }],
      handle: [
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
          },
        },
        app.upstream
          ? { handler: "reverse_proxy", upstreams: [{ dial: app.upstream }] }
          : {
              handler: "static_response",
              status_code: 503,
              headers: { "Content-Type": ["text/html; charset=utf-8"], "Cache-Control": ["no-store"] },
              body: page("This app is stopped", "Start it again from your PCC."),
            },
      ],
      terminal: true,
    });
  }
  // Anyone else: browsers navigating are sent through the shell to get a credential, the rest get a 401.
  routes.push({
    match: [{ method: ["GET", "HEAD"] }],
    handle: [
      {
        handler: "static_response",
        status_code: 302,
        headers: { Location: [`${input.shellOrigin}/_pcc/app-auth/${app.id}{http.request.uri}`], "Cache-Control": ["no-store"] },
      },
    ],
    terminal: true,
  });
  routes.push({ handle: [{ handler: "static_response", status_code: 401, body: "Sign in to your PCC to use this app.\n" }] });
  return {
    match: [{ host: [`${app.id}.${input.domain}`] }],
    handle: [{ handler: "subroute", routes }],
    terminal: true,
  };
}

export function buildCaddyConfig(input: ProxyInput) {
  const listen = (port: number) => [`${input.bindAddress.includes(":") ? `[${input.bindAddress}]` : input.bindAddress}:${port}`];
  const hosts = [input.domain, `*.${input.domain}`];
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
            // One wildcard certificate covers every app: adding an app never waits for issuance.
            automatic_https: { disable: true },
            tls_connection_policies: [{}],
            routes: [
              {
                match: [{ host: [input.domain] }],
                handle: [{ handler: "reverse_proxy", upstreams: [{ dial: `unix/${input.shellSocket}` }] }],
                terminal: true,
              },
              ...input.apps.map((a) => appRoute(a, input)),
              {
                handle: [
                  { handler: "static_response", status_code: 404, headers: { "Content-Type": ["text/html; charset=utf-8"] }, body: page("Not found", "No app lives at this address.") },
                ],
              },
            ],
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
      tls: {
        certificates: { automate: hosts },
        automation: { policies: [{ subjects: hosts, issuers: [{ module: "internal" }] }] },
      },
      pki: { certificate_authorities: { local: { install_trust: false } } },
    },
  };
}
