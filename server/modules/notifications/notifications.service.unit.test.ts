import webpush from "web-push";
import { describe, expect, it, vi } from "vitest";
import { DomainError } from "../../errors";
import { rejection, silentLogger } from "../../testing/fakes";
import { MemoryPushRepository } from "../../testing/memory-push-repository";
import { testBrowser } from "../../testing/push-stand-in";
import { SecretBox } from "../secrets/secret-box";
import type { Session } from "../identity/sessions";
import { isPushServiceHost, MAX_PER_DEVICE, NotificationsService } from "./notifications.service";
import { pushSubscription } from "./notifications.schemas";
import { Notifier } from "./notifier";
import type { PushSender } from "./push-sender";
import { VapidKeys, vapidSubject } from "./vapid-keys";

const session = (deviceId: string | null): Session => ({
  id: "s",
  ownerId: "o",
  deviceId,
  createdAt: new Date(),
  expiresAt: new Date(),
  verifiedAt: new Date(),
  lastSeenAt: new Date(),
  lastIp: null,
  userAgent: null,
});
const client = { ip: "198.18.0.2", userAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0" };

describe("subscription input", () => {
  const ok = testBrowser().subscription("https://push.example/p/abc");
  const parse = (v: unknown) => pushSubscription.safeParse(v).success;

  it("accepts what PushSubscription.toJSON() gives (padding tolerated)", () => {
    expect(parse(ok)).toBe(true);
    expect(parse({ ...ok, keys: { ...ok.keys, auth: `${ok.keys.auth}==` } })).toBe(true);
  });

  it("refuses non-https endpoints, user info, wrong key lengths and non-points", () => {
    for (const endpoint of ["http://push.example/p", "ftp://push.example/p", "https://u:p@push.example/p", "javascript:alert(1)", "https://" + "a".repeat(2100)]) expect(parse({ ...ok, endpoint }), endpoint).toBe(false);
    expect(parse({ ...ok, keys: { ...ok.keys, auth: Buffer.alloc(15).toString("base64url") } })).toBe(false);
    expect(parse({ ...ok, keys: { ...ok.keys, p256dh: Buffer.alloc(64, 4).toString("base64url") } })).toBe(false);
    expect(parse({ ...ok, keys: { ...ok.keys, p256dh: Buffer.alloc(65, 2).toString("base64url") } })).toBe(false);
    expect(parse({ ...ok, keys: { ...ok.keys, p256dh: "not base64!" } })).toBe(false);
  });
});

describe("VAPID keys", () => {
  it("are made once, stored with the private key sealed, and read back by the next start", async () => {
    const repo = new MemoryPushRepository();
    const box = SecretBox.forTests();
    const generate = vi.fn(async () => webpush.generateVAPIDKeys());
    const first = await new VapidKeys(repo, box, "https://pcc.example", generate).details();
    expect(repo.key!.publicKey).toBe(first.publicKey);
    expect(repo.key!.sealedPrivateKey).not.toContain(first.privateKey);
    const again = await new VapidKeys(repo, box, "https://pcc.example", generate).details();
    expect(again).toEqual(first);
    expect(generate).toHaveBeenCalledTimes(1);
    // Another box (another secrets.key) cannot open it.
    await expect(new VapidKeys(repo, SecretBox.forTests(), "https://pcc.example").details()).rejects.toThrow();
  });

  it("the subject is the ACME e-mail when there is one, else the shell's origin", () => {
    expect(vapidSubject("https://pcc.example", "me@example.org")).toBe("mailto:me@example.org");
    expect(vapidSubject("https://pcc.example:8443", null)).toBe("https://pcc.example:8443");
  });
});

describe("NotificationsService", () => {
  function setup() {
    const repo = new MemoryPushRepository(new Map([["phone", "Owner's phone"], ["laptop", "Laptop"]]));
    const sender: PushSender = { send: vi.fn(async () => ({ ok: true as const })) };
    const notifier = new Notifier({ repo, sender, log: silentLogger(), appInfo: async () => null });
    const audit = { record: vi.fn(async () => undefined) };
    const service = new NotificationsService({ repo, vapid: new VapidKeys(repo, SecretBox.forTests(), "https://pcc.example"), notifier, audit });
    return { repo, sender, audit, service };
  }

  it("ties a subscription to the session's device and lists push services by host only", async () => {
    const { service, audit } = setup();
    await service.subscribe(session("phone"), testBrowser().subscription("https://push.example/p/SECRET-PATH"), client);
    await service.subscribe(session("laptop"), testBrowser().subscription("https://other.example/q/SECRET-2"), client);
    const list = await service.list(session("phone"));
    expect(list.map((s) => [s.device, s.current, s.service, s.browser])).toEqual([
      ["Owner's phone", true, "push.example", "Firefox on Linux"],
      ["Laptop", false, "other.example", "Firefox on Linux"],
    ]);
    expect(JSON.stringify(list)).not.toContain("SECRET");
    expect(audit.record).toHaveBeenCalledWith(expect.objectContaining({ action: "notifications.subscribed", actor: "device:phone" }));
    expect(JSON.stringify(audit.record.mock.calls)).not.toContain("SECRET");
  });

  it("the same browser subscribing again replaces its row; a device has at most a few", async () => {
    const { service, repo } = setup();
    const b = testBrowser();
    await service.subscribe(session("phone"), b.subscription("https://push.example/p/0"), client);
    await service.subscribe(session("phone"), b.subscription("https://push.example/p/0"), client);
    expect(repo.rows.size).toBe(1);
    for (let i = 1; i < MAX_PER_DEVICE; i++) await service.subscribe(session("phone"), b.subscription(`https://push.example/p/${i}`), client);
    const e = await rejection(service.subscribe(session("phone"), b.subscription("https://push.example/p/one-more"), client), DomainError);
    expect(e.code).toBe("CONFLICT");
  });

  it("a session without a device cannot subscribe; a test needs a subscription on this device", async () => {
    const { service } = setup();
    expect((await rejection(service.subscribe(session(null), testBrowser().subscription("https://push.example/p/x"), client), DomainError)).code).toBe("CONFLICT");
    expect((await rejection(service.test(session("phone")), DomainError)).code).toBe("CONFLICT");
  });

  it("test pushes to this device's browsers only; unsubscribe removes by endpoint", async () => {
    const { service, sender } = setup();
    await service.subscribe(session("phone"), testBrowser().subscription("https://push.example/p/mine"), client);
    await service.subscribe(session("laptop"), testBrowser().subscription("https://push.example/p/theirs"), client);
    expect(await service.test(session("phone"))).toEqual({ sent: 1, removed: 0, failed: 0 });
    expect(vi.mocked(sender.send).mock.calls.map((c) => c[0].endpoint)).toEqual(["https://push.example/p/mine"]);
    expect(await service.unsubscribe(session("phone"), "https://push.example/p/mine", client)).toEqual({ removed: true });
    expect(await service.unsubscribe(session("phone"), "https://push.example/p/mine", client)).toEqual({ removed: false });
    expect((await service.list(session("phone"))).map((s) => s.device)).toEqual(["Laptop"]);
  });

  it("takes push services on named public hosts only: no addresses, no private names (loopback only in tests)", async () => {
    const { service, repo } = setup();
    for (const endpoint of ["https://127.0.0.1/p", "https://[::1]/p", "https://169.254.169.254/latest", "https://10.0.0.8/p", "https://router.lan/p", "https://localhost/p", "https://pcc.localhost/p", "https://intranet/p"]) {
      expect((await rejection(service.subscribe(session("phone"), testBrowser().subscription(endpoint), client), DomainError)).code, endpoint).toBe("INVALID_INPUT");
    }
    expect(repo.rows.size).toBe(0);
    for (const host of ["fcm.googleapis.com", "updates.push.services.mozilla.com", "web.push.apple.com", "wns2-par02p.notify.windows.com"]) expect(isPushServiceHost(host, false), host).toBe(true);
    expect(isPushServiceHost("127.0.0.1", true)).toBe(true);
    expect(isPushServiceHost("10.0.0.8", true)).toBe(false);
  });

  it("publicKey is the uncompressed P-256 point browsers take as applicationServerKey", async () => {
    const { publicKey } = await setup().service.publicKey();
    const raw = Buffer.from(publicKey, "base64url");
    expect(raw).toHaveLength(65);
    expect(raw[0]).toBe(4);
  });
});
