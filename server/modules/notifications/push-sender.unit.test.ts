import fs from "node:fs";
import webpush from "web-push";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decryptPush, startPushStandIn, testBrowser, verifyVapid, type PushStandIn } from "../../testing/push-stand-in";
import { makeTestCa, type TestCa } from "../../testing/test-https";
import { endpointHint, WebPushSender } from "./push-sender";

// The real web-push library against a push service stand-in on 127.0.0.1 (its own throwaway CA).
describe("WebPushSender", () => {
  let ca: TestCa;
  let service: PushStandIn;
  const vapid = { subject: "https://pcc.localhost:8443", ...webpush.generateVAPIDKeys() };
  const browser = testBrowser();
  const opts = { ttlSeconds: 60, urgency: "high" as const };

  beforeAll(async () => {
    ca = makeTestCa();
    service = await startPushStandIn(ca);
  });
  afterAll(async () => {
    await service?.close();
    fs.rmSync(ca.dir, { recursive: true, force: true });
  });

  it("encrypts to the browser's keys (aes128gcm) and signs a VAPID JWT for the push service's origin", async () => {
    const sender = new WebPushSender(async () => vapid, { extraCa: ca.caPem });
    const r = await sender.send(browser.subscription(`${service.origin}/push/ok`), JSON.stringify({ title: "Hi" }), opts);
    expect(r).toEqual({ ok: true });
    const got = await service.next("/push/ok");
    expect(got.headers["content-encoding"]).toBe("aes128gcm");
    expect(got.headers.ttl).toBe("60");
    expect(got.headers.urgency).toBe("high");
    expect(JSON.parse(decryptPush(browser, got.body))).toEqual({ title: "Hi" });
    const claims = verifyVapid(got.headers.authorization, vapid.publicKey);
    expect(claims.aud).toBe(service.origin);
    expect(claims.sub).toBe(vapid.subject);
    expect(claims.exp * 1000).toBeGreaterThan(Date.now());
    // A different key does not verify.
    expect(() => verifyVapid(got.headers.authorization, webpush.generateVAPIDKeys().publicKey)).toThrow();
  });

  it("404 and 410 mean gone; other statuses are failures to log", async () => {
    const sender = new WebPushSender(async () => vapid, { extraCa: ca.caPem });
    service.answers.set("/push/gone", 410).set("/push/missing", 404).set("/push/busy", 503);
    expect(await sender.send(browser.subscription(`${service.origin}/push/gone`), "x", opts)).toMatchObject({ ok: false, gone: true, status: 410 });
    expect(await sender.send(browser.subscription(`${service.origin}/push/missing`), "x", opts)).toMatchObject({ ok: false, gone: true, status: 404 });
    expect(await sender.send(browser.subscription(`${service.origin}/push/busy`), "x", opts)).toMatchObject({ ok: false, gone: false, status: 503 });
  });

  it("gives up on a push service that never answers, after its timeout, without throwing", async () => {
    const sender = new WebPushSender(async () => vapid, { extraCa: ca.caPem, timeoutMs: 300 });
    service.answers.set("/push/hang", "hang");
    const t0 = Date.now();
    const r = await sender.send(browser.subscription(`${service.origin}/push/hang`), "x", opts);
    expect(r).toMatchObject({ ok: false, gone: false, status: null });
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it("trusts only public CAs unless told otherwise: the stand-in's certificate is refused", async () => {
    const sender = new WebPushSender(async () => vapid);
    const r = await sender.send(browser.subscription(`${service.origin}/push/untrusted`), "x", opts);
    expect(r).toMatchObject({ ok: false, gone: false, status: null });
    expect(service.received.some((p) => p.path === "/push/untrusted")).toBe(false);
  });

  it("endpointHint keeps the host and hides the capability path", () => {
    expect(endpointHint("https://fcm.googleapis.com/fcm/send/abcdefghijklmnopqrstuvwxyz123456")).toBe("fcm.googleapis.com/…123456");
    expect(endpointHint("nonsense")).toBe("(invalid endpoint)");
  });
});
