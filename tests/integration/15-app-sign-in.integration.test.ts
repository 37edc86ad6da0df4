import http2 from "node:http2";
import tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OWNER_SIGN_IN_NAME, SIGN_IN_HEADER_ALIASES } from "../../server/adapters/caddy/caddy-config";
import { freePort, PccInstance } from "../helpers/pcc-instance";
import { writeApp } from "../helpers/test-catalog";
import { testAppCatalog } from "../helpers/test-apps";

const H = "X-Webauth-User";

// The app: Python's http.server answering with the headers exactly as they arrived (names as sent,
// duplicates kept), and at /pub/seen the paths it was asked for, to prove what never reached it.
const ECHO = `
import http.server, json
seen = []
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/health": body = b"ok"
        elif self.path == "/pub/seen": body = json.dumps(seen).encode()
        else:
            seen.append(self.path)
            body = json.dumps(self.headers.items()).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    do_POST = do_GET
    def log_message(self, *a): pass
http.server.HTTPServer(("0.0.0.0", 8080), H).serve_forever()
`;

type Raw = { status: number; head: string; body: string };

/**
 * One request written byte for byte over TLS: HTTP clients normalise or refuse what these tests must
 * send (two copies differing in case, a Connection header naming other headers, underscores).
 */
function raw(pcc: PccInstance, host: string, lines: string[], timeoutMs = 15_000): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: "127.0.0.1", port: pcc.httpsPort, servername: host, rejectUnauthorized: false, ALPNProtocols: ["http/1.1"] });
    const timer = setTimeout(() => (s.destroy(), reject(new Error(`no answer from ${host} in ${timeoutMs} ms`))), timeoutMs);
    let buf = Buffer.alloc(0);
    const done = (r: Raw) => (clearTimeout(timer), s.destroy(), resolve(r));
    s.on("secureConnect", () => s.write([...lines, "", ""].join("\r\n")));
    s.on("data", (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf("\r\n\r\n");
      if (end < 0) return;
      const head = buf.subarray(0, end).toString();
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
      const length = /\r\ncontent-length: *(\d+)/i.exec(head);
      const rest = buf.subarray(end + 4);
      if (length && rest.length >= Number(length[1])) done({ status, head, body: rest.subarray(0, Number(length[1])).toString() });
      else if (!length && /\r\ntransfer-encoding: *chunked/i.test(head) && rest.includes("\r\n0\r\n\r\n")) done({ status, head, body: dechunk(rest.toString()) });
    });
    s.on("error", (e) => (clearTimeout(timer), reject(e)));
    s.on("close", () => (clearTimeout(timer), reject(new Error(`closed: ${buf.toString().slice(0, 300)}`))));
  });
}

/** The same over HTTP/2, where header names arrive lower-cased and Caddy's Go server canonicalises them. */
function h2(pcc: PccInstance, host: string, path: string, headers: Record<string, string>, timeoutMs = 15_000): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(`https://${host}:${pcc.httpsPort}`, { host: "127.0.0.1", servername: host, rejectUnauthorized: false } as http2.SecureClientSessionOptions);
    const timer = setTimeout(() => (session.destroy(), reject(new Error(`no h2 answer from ${host} in ${timeoutMs} ms`))), timeoutMs);
    session.on("error", (e) => (clearTimeout(timer), reject(e)));
    const req = session.request({ ":path": path, ...headers });
    let body = "";
    let status = 0;
    req.on("response", (h) => (status = Number(h[":status"])));
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => (clearTimeout(timer), session.close(), resolve({ status, head: `h2 ${status}`, body })));
    req.on("error", (e) => (clearTimeout(timer), session.destroy(), reject(e)));
    req.end();
  });
}

const dechunk = (s: string) => {
  let out = "";
  for (let i = 0; ; ) {
    const nl = s.indexOf("\r\n", i);
    const n = parseInt(s.slice(i, nl), 16);
    if (!n) return out;
    out += s.slice(nl + 2, nl + 2 + n);
    i = nl + 4 + n;
  }
};

/** The headers the app received, as [name, value] pairs. */
const received = (r: Raw): [string, string][] => {
  expect(r.status, r.head + r.body).toBe(200);
  return JSON.parse(r.body) as [string, string][];
};
const valuesOf = (headers: [string, string][], name: string) => headers.filter(([k]) => k.toLowerCase() === name.toLowerCase()).map(([, v]) => v);

const FORGED = [`${H}: admin`, `${H.toLowerCase()}: admin`, `${H.toUpperCase()}: admin`, ...SIGN_IN_HEADER_ALIASES.map((a) => `${a}: admin`), "X_Webauth_User: admin", "Remote_User: admin"];

describe("apps that sign the owner in by a trusted header", () => {
  let apps: Awaited<ReturnType<typeof testAppCatalog>>;
  let pcc: PccInstance;
  let wikiCookie = "";
  let plainCookie = "";
  let session = "";
  const host = (label: string) => `${label}.${pcc.domain}:${pcc.httpsPort}`;
  const get = (label: string, path: string, extra: string[] = [], cookie = "") =>
    raw(pcc, `${label}.${pcc.domain}`, [`GET ${path} HTTP/1.1`, `Host: ${host(label)}`, ...(cookie ? [`Cookie: ${cookie}`] : []), ...extra]);

  beforeAll(async () => {
    apps = await testAppCatalog({ dns: await freePort(), echo: await freePort() });
    writeApp(apps.dir, "wiki", {
      services: {
        web: {
          image: apps.images.debian.pinned,
          command: ["python3", "-c", ECHO],
          user: "1000:1000",
          healthcheck: { http: { port: 8080, path: "/health" }, interval: "1s", timeout: "1s", retries: 3, startPeriod: "20s" },
        },
      },
      ingress: [
        { service: "web", port: 8080, public: ["/pub"], auth: { method: "header", header: H } },
        { name: "plain", service: "web", port: 8080 },
      ],
    });
    pcc = await PccInstance.start({ catalogDir: apps.dir, insecureRegistries: [apps.registry.host] });
    session = await pcc.claim();
    const install = pcc.cli("app", "install", "wiki");
    expect(install.code, install.stderr).toBe(0);
    wikiCookie = await pcc.appCookie("wiki", session);
    plainCookie = await pcc.appCookie("plain-wiki", session);
  });
  afterAll(async () => {
    await pcc?.stop();
    await pcc?.cleanup();
    await apps?.cleanup();
  });

  it("hands the owner's requests the header, set by PCC to the owner's identity, once", async () => {
    const seen = received(await get("wiki", "/owner", [], wikiCookie));
    expect(valuesOf(seen, H)).toEqual([OWNER_SIGN_IN_NAME]);
    expect(JSON.stringify(seen)).not.toContain("pcc_app");
  });

  it("drops every forged copy: case variants, aliases, underscored names", async () => {
    const seen = received(await get("wiki", "/forged", FORGED, wikiCookie));
    expect(valuesOf(seen, H)).toEqual([OWNER_SIGN_IN_NAME]);
    for (const alias of SIGN_IN_HEADER_ALIASES) expect(valuesOf(seen, alias), alias).toEqual([]);
    expect(seen.filter(([k]) => k.includes("_"))).toEqual([]);
    expect(JSON.stringify(seen)).not.toContain("admin");
  });

  it("over HTTP/2 too", async () => {
    const forged = Object.fromEntries([H, ...SIGN_IN_HEADER_ALIASES, "Remote_User"].map((n) => [n.toLowerCase(), "admin"]));
    const seen = received(await h2(pcc, `wiki.${pcc.domain}`, "/h2", { ...forged, cookie: wikiCookie }));
    expect(valuesOf(seen, H)).toEqual([OWNER_SIGN_IN_NAME]);
    expect(JSON.stringify(seen)).not.toContain("admin");
    const anon = await h2(pcc, `wiki.${pcc.domain}`, "/pub/h2", forged);
    expect(valuesOf(received(anon), H)).toEqual([]);
    expect(anon.body).not.toContain("admin");
  });

  it("drops headers the client's Connection header names, and cannot make PCC's own copy go", async () => {
    const evil = received(await get("wiki", "/evil", ["Connection: X-Evil", "X-Evil: x"], wikiCookie));
    expect(valuesOf(evil, "X-Evil")).toEqual([]);
    expect(valuesOf(evil, H)).toEqual([OWNER_SIGN_IN_NAME]);
    const hop = received(await get("wiki", "/hop", [`Connection: ${H}, X-Forwarded-User`, `${H}: admin`, "X-Forwarded-User: admin"], wikiCookie));
    expect(valuesOf(hop, H)).toEqual([OWNER_SIGN_IN_NAME]);
    expect(valuesOf(hop, "X-Forwarded-User")).toEqual([]);
  });

  it("without the owner's credential the app is never reached, forged header or not", async () => {
    const browser = await get("wiki", "/anon-get", [`${H}: admin`]);
    expect(browser.status).toBe(302);
    expect(browser.head).toMatch(new RegExp(`\\r\\nlocation: ${pcc.shellUrl}/_pcc/app-auth/wiki/anon-get`, "i"));
    const post = await raw(pcc, `wiki.${pcc.domain}`, ["POST /anon-post HTTP/1.1", `Host: ${host("wiki")}`, `${H}: admin`, "Content-Length: 0"]);
    expect(post.status).toBe(401);
    // A forged cookie is no credential either.
    expect((await get("wiki", "/anon-cookie", [`${H}: admin`], `__Host-pcc_app=${"a".repeat(52)}`)).status).toBe(302);
    const paths = JSON.parse((await get("wiki", "/pub/seen")).body) as string[];
    expect(paths).toEqual(expect.arrayContaining(["/owner", "/forged"]));
    expect(paths.filter((p) => p.startsWith("/anon"))).toEqual([]);
  });

  it("public paths reach the app without the header, whatever the client sent", async () => {
    const seen = received(await get("wiki", "/pub/page", FORGED));
    expect(valuesOf(seen, H)).toEqual([]);
    for (const alias of SIGN_IN_HEADER_ALIASES) expect(valuesOf(seen, alias), alias).toEqual([]);
    expect(JSON.stringify(seen)).not.toContain("admin");
    const hop = received(await get("wiki", "/pub/hop", [`Connection: X-Evil`, "X-Evil: x", `${H}: admin`]));
    expect(valuesOf(hop, "X-Evil")).toEqual([]);
    expect(valuesOf(hop, H)).toEqual([]);
  });

  it("tells the shell which address signs the owner in, by which header, as whom", async () => {
    const list = (await pcc.trpc("apps.list", null, session, "query")).json.result?.data as { id: string; urls: { name: string; signIn: unknown }[] }[];
    expect(list.find((a) => a.id === "wiki")?.urls.map((u) => [u.name, u.signIn])).toEqual([
      ["main", { method: "header", header: H, user: OWNER_SIGN_IN_NAME }],
      ["plain", null],
    ]);
  });

  it("an ingress of the same app without header sign-in gets no header from PCC", async () => {
    const seen = received(await get("plain-wiki", "/plain", [], plainCookie));
    expect(valuesOf(seen, H)).toEqual([]);
    expect(JSON.stringify(seen)).not.toContain(OWNER_SIGN_IN_NAME);
  });
});
