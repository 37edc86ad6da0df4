import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { IncomingMessage, ServerResponse } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTestCa, startTestHttpsServer, type TestCa, type TestHttpsServer } from "../../testing/test-https";
import { CARD_PATH } from "./card.schema";
import { CardFetchError, HttpsCardFetcher, isPublicAddress } from "./card-fetch";

// A real HTTPS server on 127.0.0.1 (certificate for "localhost") with a throwaway CA, playing a friend's PCC.
let ca: TestCa;
let server: TestHttpsServer;
let root: string;
let answer: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end("{}");

beforeAll(async () => {
  ca = makeTestCa();
  root = fs.mkdtempSync(path.join(os.tmpdir(), "pcc-card-fetch-"));
  server = await startTestHttpsServer(ca, root);
  server.routes.set(CARD_PATH, (req, res) => answer(req, res));
  server.routes.set("/moved.json", (_req, res) => res.end('{"moved":true}'));
});
afterAll(async () => {
  await server?.close();
  fs.rmSync(root, { recursive: true, force: true });
  fs.rmSync(ca.dir, { recursive: true, force: true });
});

const friend = () => ({ domain: `localhost:${server.port}`, hostname: "localhost", port: server.port });
const fetcher = (opts: { timeoutMs?: number; maxBytes?: number; extraCa?: string | null } = {}) => new HttpsCardFetcher({ extraCa: ca.caPem, ...opts });

async function failure(p: Promise<unknown>): Promise<CardFetchError> {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(CardFetchError);
  return e as CardFetchError;
}

describe("HttpsCardFetcher", () => {
  it("reads the card at /.well-known/pcc-card.json and sends nothing of the owner's", async () => {
    let headers: IncomingMessage["headers"] = {};
    answer = (req, res) => ((headers = req.headers), res.end('{"ok":1}'));
    expect((await fetcher().fetch(friend())).toString()).toBe('{"ok":1}');
    expect(headers.cookie).toBeUndefined();
    expect(headers.authorization).toBeUndefined();
    expect(headers.referer).toBeUndefined();
  });

  it("stops at the size cap, declared or streamed", async () => {
    answer = (_req, res) => res.writeHead(200, { "content-length": "70000" }).end("x".repeat(70_000));
    expect((await failure(fetcher().fetch(friend()))).reason).toBe("too-big");
    answer = (_req, res) => {
      res.writeHead(200);
      const t = setInterval(() => res.write("y".repeat(4096)), 2);
      res.on("close", () => clearInterval(t));
    };
    expect((await failure(fetcher().fetch(friend()))).reason).toBe("too-big");
  });

  it("gives up on a friend that does not finish answering", async () => {
    answer = (_req, res) => res.writeHead(200).write("{");
    const e = await failure(fetcher({ timeoutMs: 300 }).fetch(friend()));
    expect(e.reason).toBe("timeout");
    expect(e.message).toMatch(/did not answer within 0.3 s/);
  });

  it("follows a redirect within the friend's origin only, and not forever", async () => {
    answer = (_req, res) => res.writeHead(302, { location: "/moved.json" }).end();
    expect((await fetcher().fetch(friend())).toString()).toBe('{"moved":true}');
    answer = (_req, res) => res.writeHead(301, { location: `https://127.0.0.1:${server.port}/moved.json` }).end();
    expect((await failure(fetcher().fetch(friend()))).message).toMatch(/sends visitors elsewhere \(https:\/\/127\.0\.0\.1:\d+\)/);
    answer = (_req, res) => res.writeHead(307, { location: CARD_PATH }).end();
    expect((await failure(fetcher().fetch(friend()))).message).toMatch(/redirects too many times/);
  });

  it("says a PCC has no card (404) or failed", async () => {
    answer = (_req, res) => res.writeHead(404).end();
    expect((await failure(fetcher().fetch(friend()))).message).toMatch(/no public card/);
    answer = (_req, res) => res.writeHead(500).end();
    expect((await failure(fetcher().fetch(friend()))).message).toMatch(/HTTP 500/);
  });

  it("without the test setting: refuses names that resolve to this machine, before connecting", async () => {
    const before = server.hits.length;
    const e = await failure(fetcher({ extraCa: null }).fetch(friend()));
    expect(e.reason).toBe("private-address");
    expect(server.hits.length).toBe(before);
  });
});

describe("isPublicAddress", () => {
  it("tells the internet from this machine and private networks", () => {
    for (const a of ["127.0.0.1", "10.1.2.3", "172.20.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "198.18.0.1", "0.0.0.0", "::1", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "224.0.0.1"]) {
      expect(isPublicAddress(a), a).toBe(false);
    }
    for (const a of ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"]) expect(isPublicAddress(a), a).toBe(true);
  });
});
