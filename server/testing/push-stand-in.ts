import { createECDH, createPublicKey, randomBytes, verify, type ECDH } from "node:crypto";
import type { IncomingMessage } from "node:http";
import https from "node:https";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import type { TestCa } from "./test-https";

/**
 * Tests only: both ends of web push that PCC does not own. A browser's side (a P-256 key pair and a
 * 16-byte auth secret, as PushManager makes them; decrypting what arrives) and a push service's side
 * (an HTTPS server on 127.0.0.1 with a throwaway CA that records each push and answers as told).
 * Nothing here talks to a real push service.
 */

// http_ece (a dependency of web-push) ships no types; decrypt is all the tests need of it.
const ece = createRequire(import.meta.url)("http_ece") as {
  decrypt(body: Buffer, params: { version: "aes128gcm"; privateKey: ECDH; authSecret: string }): Buffer;
};

export type TestBrowser = { ecdh: ECDH; auth: string; subscription: (endpoint: string) => { endpoint: string; expirationTime: null; keys: { p256dh: string; auth: string } } };

export function testBrowser(): TestBrowser {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  const auth = randomBytes(16).toString("base64url");
  return { ecdh, auth, subscription: (endpoint) => ({ endpoint, expirationTime: null, keys: { p256dh: ecdh.getPublicKey().toString("base64url"), auth } }) };
}

/** The payload as the browser's service worker would get it (aes128gcm, RFC 8291). */
export function decryptPush(browser: TestBrowser, body: Buffer): string {
  return ece.decrypt(body, { version: "aes128gcm", privateKey: browser.ecdh, authSecret: browser.auth }).toString("utf8");
}

export type VapidClaims = { aud: string; exp: number; sub: string };

/**
 * Checks an `Authorization: vapid t=<JWT>, k=<key>` header (RFC 8292) as a push service does: the key
 * is the one given, and the ES256 signature over the JWT verifies with it. Returns the JWT's claims.
 */
export function verifyVapid(header: string | undefined, expectedPublicKey: string): VapidClaims {
  const m = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+), k=([\w-]+)$/.exec(header ?? "");
  if (!m) throw new Error(`not a VAPID authorization header: ${header}`);
  const [, jwt, k] = m as unknown as [string, string, string];
  if (k !== expectedPublicKey) throw new Error("VAPID key is not the expected public key");
  const raw = Buffer.from(k, "base64url");
  const key = createPublicKey({ key: { kty: "EC", crv: "P-256", x: raw.subarray(1, 33).toString("base64url"), y: raw.subarray(33, 65).toString("base64url") }, format: "jwk" });
  const [head, claims, sig] = jwt.split(".") as [string, string, string];
  if (JSON.parse(Buffer.from(head, "base64url").toString()).alg !== "ES256") throw new Error("VAPID JWT is not ES256");
  const ok = verify("sha256", Buffer.from(`${head}.${claims}`), { key, dsaEncoding: "ieee-p1363" }, Buffer.from(sig, "base64url"));
  if (!ok) throw new Error("VAPID JWT signature does not verify");
  return JSON.parse(Buffer.from(claims, "base64url").toString()) as VapidClaims;
}

export type ReceivedPush = { path: string; headers: IncomingMessage["headers"]; body: Buffer };

export type PushStandIn = {
  origin: string;
  received: ReceivedPush[];
  /** Status to answer per path (default 201, as push services do). `hang` never answers. */
  answers: Map<string, number | "hang">;
  /** The next push to `path` (already received ones count), or a rejection after `timeoutMs`. */
  next(path: string, after?: number, timeoutMs?: number): Promise<ReceivedPush>;
  close(): Promise<void>;
};

/** A push service on 127.0.0.1: every request is recorded and answered as `answers` says. */
export async function startPushStandIn(ca: TestCa): Promise<PushStandIn> {
  const received: ReceivedPush[] = [];
  const answers = new Map<string, number | "hang">();
  const waiters: { path: string; after: number; resolve: (p: ReceivedPush) => void }[] = [];
  const wake = () => {
    for (const w of [...waiters]) {
      const hit = received.slice(w.after).find((r) => r.path === w.path);
      if (hit) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(hit);
      }
    }
  };
  const server = https.createServer({ cert: ca.cert, key: ca.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = req.url ?? "/";
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks) });
      wake();
      const answer = answers.get(path) ?? 201;
      if (answer === "hang") return;
      res.statusCode = answer;
      res.end();
    });
  });
  const sockets = new Set<Duplex>();
  server.on("connection", (s) => (sockets.add(s), s.once("close", () => sockets.delete(s))));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    origin: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    answers,
    next: (path, after = 0, timeoutMs = 60_000) =>
      new Promise<ReceivedPush>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no push to ${path} within ${timeoutMs} ms (got: ${received.map((r) => r.path).join(", ") || "none"})`)), timeoutMs);
        waiters.push({ path, after, resolve: (p) => (clearTimeout(timer), resolve(p)) });
        wake();
      }),
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
