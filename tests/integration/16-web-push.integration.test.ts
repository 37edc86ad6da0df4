import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decryptPush, startPushStandIn, testBrowser, verifyVapid, type PushStandIn, type ReceivedPush, type TestBrowser } from "../../server/testing/push-stand-in";
import { makeTestCa, type TestCa } from "../../server/testing/test-https";
import { SoftAuthenticator } from "../../server/testing/soft-authenticator";
import { CookieJar, PccInstance } from "../helpers/pcc-instance";
import { makeTestCatalog } from "../helpers/test-catalog";

type Message = { title: string; body: string; url: string; tag: string };
type SubscriptionView = { device: string; current: boolean; service: string };

/**
 * Web push from a real PCC (Podman, Caddy, SQLite) to a push service stand-in on 127.0.0.1 (the test's
 * own HTTPS server, trusted through PCC_PUSH_EXTRA_CA). The test plays the browser: it makes the P-256
 * key pair and auth secret PushManager would, and decrypts what arrives. No real push service is used.
 */
describe("web push notifications on a real PCC", () => {
  let ca: TestCa;
  let service: PushStandIn;
  let catalogDir: string;
  let pcc: PccInstance;
  let owner = "";
  let publicKey = "";
  const phone = testBrowser();
  // Capability paths, as real push services hand out: PCC must never log them whole.
  const phonePath = `/push/phone-${randomBytes(16).toString("hex")}`;

  const data = <T>(r: { json: { result?: { data: unknown }; error?: { message: string } }; text: string }) => {
    if (!r.json.result) throw new Error(`tRPC call failed: ${r.text.slice(0, 300)}`);
    return r.json.result.data as T;
  };
  const query = async <T>(proc: string, cookie: string) => data<T>(await pcc.trpc(proc, null, cookie, "query"));
  /** The next push to `p` after those already received, decrypted for `browser`. */
  const nextPush = async (p: string, browser: TestBrowser, timeoutMs = 60_000) => {
    const got = await service.next(p, service.received.length, timeoutMs);
    return { got, message: JSON.parse(decryptPush(browser, got.body)) as Message };
  };
  const rows = () => {
    const db = new Database(path.join(pcc.dataDir, "pcc.db"), { readonly: true });
    try {
      return db.prepare("SELECT endpoint, deviceId FROM PushSubscription ORDER BY createdAt").all() as { endpoint: string; deviceId: string }[];
    } finally {
      db.close();
    }
  };

  beforeAll(async () => {
    ca = makeTestCa();
    service = await startPushStandIn(ca);
    catalogDir = makeTestCatalog();
    pcc = await PccInstance.start({ catalogDir, env: { PCC_PUSH_EXTRA_CA: ca.caFile } });
    owner = await pcc.claim();
  });
  afterAll(async () => {
    await pcc?.stop();
    await pcc?.cleanup();
    await service?.close();
    if (catalogDir) fs.rmSync(catalogDir, { recursive: true, force: true });
    if (ca) fs.rmSync(ca.dir, { recursive: true, force: true });
  });

  it("gives the owner a VAPID public key (made once, private half sealed) and refuses bad subscriptions", async () => {
    publicKey = (await query<{ publicKey: string }>("notifications.publicKey", owner)).publicKey;
    expect(Buffer.from(publicKey, "base64url")).toHaveLength(65);
    expect((await pcc.trpc("notifications.publicKey", null, undefined, "query")).status).toBe(401);

    const db = new Database(path.join(pcc.dataDir, "pcc.db"), { readonly: true });
    const stored = db.prepare("SELECT publicKey, privateKey FROM PushVapidKey").all() as { publicKey: string; privateKey: string }[];
    db.close();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.publicKey).toBe(publicKey);
    expect(stored[0]!.privateKey).toMatch(/^v1\./);

    const ok = phone.subscription(`${service.origin}${phonePath}`);
    const bad = [
      { ...ok, endpoint: ok.endpoint.replace("https:", "http:") },
      // Refused before anything is sent: PCC never posts into a private network on the owner's say-so.
      { ...ok, endpoint: "https://169.254.169.254/latest/meta-data" },
      { ...ok, endpoint: "https://router.lan/push/x" },
      { ...ok, keys: { ...ok.keys, auth: "c2hvcnQ" } },
      { ...ok, keys: { ...ok.keys, p256dh: ok.keys.auth } },
    ];
    for (const subscription of bad) expect((await pcc.trpc("notifications.subscribe", { subscription }, owner)).status).toBe(400);
    expect(rows()).toEqual([]);
  });

  it("subscribes this device and sends a test push: encrypted to the browser, signed with PCC's VAPID key", async () => {
    data(await pcc.trpc("notifications.subscribe", { subscription: phone.subscription(`${service.origin}${phonePath}`) }, owner));
    expect(await query<SubscriptionView[]>("notifications.list", owner)).toEqual([expect.objectContaining({ device: "Owner's phone", current: true, service: service.origin.slice("https://".length) })]);

    const pending = nextPush(phonePath, phone);
    expect(data(await pcc.trpc("notifications.test", null, owner))).toEqual({ sent: 1, removed: 0, failed: 0 });
    const { got, message } = await pending;
    expect(message).toMatchObject({ title: "PCC notifications work", tag: "pcc-test" });
    expect(got.headers["content-encoding"]).toBe("aes128gcm");
    const claims = verifyVapid(got.headers.authorization, publicKey);
    expect(claims.aud).toBe(service.origin);
    expect(claims.sub).toBe(pcc.shellUrl);
  });

  it("tells the owner about a newly paired device; that device's subscription goes when it is revoked", async () => {
    const laptop = new SoftAuthenticator(pcc.shellUrl);
    const jar = new CookieJar();
    const start = await pcc.trpc("identity.pairing.start", null, jar.header);
    jar.take(start.headers);
    const { pairingId, matchCode } = data<{ pairingId: string; matchCode: string }>(start);
    // The claim's passkey check is recent: the owner is still fresh enough to approve.
    data(await pcc.trpc("identity.pairing.approve", { pairingId, matchCode }, owner));
    const opts = data<Parameters<SoftAuthenticator["register"]>[0]>(await pcc.trpc("identity.pairing.registerBegin", { pairingId }, jar.header));
    const paired = nextPush(phonePath, phone);
    const done = await pcc.trpc("identity.pairing.registerFinish", { pairingId, response: laptop.register(opts), deviceName: "Laptop" }, jar.header);
    const laptopSession = jar.take(done.headers).session(done.text);
    expect((await paired).message).toMatchObject({ title: "New device on your PCC", url: "/?open=system" });
    expect((await paired).message.body).toContain("“Laptop” was paired");

    const laptopBrowser = testBrowser();
    const laptopPath = `/push/laptop-${randomBytes(8).toString("hex")}`;
    data(await pcc.trpc("notifications.subscribe", { subscription: laptopBrowser.subscription(`${service.origin}${laptopPath}`) }, laptopSession));
    expect((await query<SubscriptionView[]>("notifications.list", owner)).map((s) => [s.device, s.current])).toEqual([
      ["Owner's phone", true],
      ["Laptop", false],
    ]);

    const devices = await query<{ devices: { id: string; name: string }[] }>("identity.devices.list", owner);
    const laptopId = devices.devices.find((d) => d.name === "Laptop")!.id;
    data(await pcc.trpc("identity.devices.revoke", { deviceId: laptopId }, owner));
    expect(rows().map((r) => r.endpoint)).toEqual([`${service.origin}${phonePath}`]);
  });

  it("installing hello through tRPC pushes 'installed' when it is done", async () => {
    const installed = nextPush(phonePath, phone, 200_000);
    data(await pcc.trpc("apps.install", { id: "hello" }, owner));
    const { message } = await installed;
    expect(message).toEqual({ title: "Hello is installed", body: "Hello is ready to open.", url: "/", tag: "app-hello-install" });
    expect(Object.keys(message).sort()).toEqual(["body", "tag", "title", "url"]);
  });

  it("a push service answering 410 removes the subscription, and PCC keeps running", async () => {
    service.answers.set(phonePath, 410);
    const gone = nextPush(phonePath, phone);
    expect(data(await pcc.trpc("notifications.test", null, owner))).toEqual({ sent: 0, removed: 1, failed: 0 });
    await gone;
    expect(rows()).toEqual([]);
    expect(await query<SubscriptionView[]>("notifications.list", owner)).toEqual([]);
    expect((await pcc.trpc("system.status", null, owner, "query")).status).toBe(200);
  });

  it("its log names push services, never a subscription's capability path", async () => {
    // Stopped first: PCC's log is written asynchronously and flushed when it exits.
    await pcc.stop();
    const log = fs.readFileSync(path.join(pcc.dataDir, "logs/pcc.log"), "utf8");
    expect(log).toContain("push subscription expired; removed");
    expect(log).toContain("127.0.0.1");
    expect(log).not.toContain(phonePath.slice("/push/".length));
  });
});
