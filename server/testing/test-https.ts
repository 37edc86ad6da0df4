import { execFileSync } from "node:child_process";
import fs from "node:fs";
import https from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";

/**
 * Tests only: a throwaway certificate authority (made with openssl) and an HTTPS server on 127.0.0.1 that
 * serves a folder, for the catalog-source tests. PCC trusts the CA only when it is passed explicitly
 * (PCC_SOURCES_EXTRA_CA); nothing here touches TLS verification anywhere else.
 */
export type TestCa = { dir: string; caPem: string; caFile: string; cert: string; key: string };

export function makeTestCa(): TestCa {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pcc-test-ca-"));
  const run = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  run("req", "-x509", ...ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=PCC test CA",
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
  run("req", ...ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1");
  fs.writeFileSync(
    path.join(dir, "server.ext"),
    "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n",
  );
  run("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "server.ext");
  const read = (f: string) => fs.readFileSync(path.join(dir, f), "utf8");
  return { dir, caPem: read("ca.pem"), caFile: path.join(dir, "ca.pem"), cert: read("server.pem"), key: read("server.key") };
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export type TestHttpsServer = {
  port: number;
  /** https://127.0.0.1:PORT */
  origin: string;
  /** Requests seen, by path. */
  hits: string[];
  /** Extra routes by exact path, checked before files. */
  routes: Map<string, Handler>;
  close(): Promise<void>;
};

/** Serves `root` (files only, never outside it) over HTTPS on 127.0.0.1 with the CA's server certificate. */
export async function startTestHttpsServer(ca: TestCa, root: string): Promise<TestHttpsServer> {
  const routes = new Map<string, Handler>();
  const hits: string[] = [];
  const server = https.createServer({ cert: ca.cert, key: ca.key }, (req, res) => {
    const url = new URL(req.url ?? "/", "https://x");
    const p = decodeURIComponent(url.pathname);
    hits.push(p);
    const route = routes.get(p);
    if (route) return route(req, res);
    const file = path.resolve(root, `.${p}`);
    if (!file.startsWith(path.resolve(root) + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.statusCode = 404;
      return res.end("not found");
    }
    res.setHeader("content-length", fs.statSync(file).size);
    fs.createReadStream(file).pipe(res);
  });
  const sockets = new Set<import("node:stream").Duplex>();
  server.on("connection", (s) => (sockets.add(s), s.once("close", () => sockets.delete(s))));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    origin: `https://127.0.0.1:${port}`,
    hits,
    routes,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
