import { chromium, expect, test } from "@playwright/test";
import config from "../playwright.config";
import { usePcc } from "./pcc-fixture";
import { claimOwner, signInContext } from "./shell-helpers";

// The browser's half of web push, without any push service: Chromium's PushManager.subscribe would call
// Google's FCM (and the browser's namespace has no way out), so pushes are handed to the service worker
// directly over CDP (ServiceWorker.deliverPushMessage), as a push service's delivery would arrive.
const env = usePcc();

type Shown = { title: string; body: string; tag: string; url: string | undefined };

test("the service worker shows PCC's pushes, and Settings offers notifications", async ({}, testInfo) => {
  test.setTimeout(120_000);
  const launch = config.use?.launchOptions ?? {};
  // As in 13-pwa-offline: a persistent profile, and --ignore-certificate-errors for the worker's script fetch.
  const context = await chromium.launchPersistentContext(testInfo.outputPath("profile"), {
    executablePath: launch.executablePath,
    args: [...(launch.args ?? []), "--ignore-certificate-errors"],
    headless: true,
    ignoreHTTPSErrors: true,
    viewport: { width: 1280, height: 800 },
  });
  try {
    await context.grantPermissions(["notifications"], { origin: env.pcc.shellUrl });
    await signInContext(context, env.pcc, await claimOwner(env.pcc));
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${env.pcc.shellUrl}/?open=system`);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));

    await test.step("Settings shows the switch, off, with its label; the key and the checks are reachable", async () => {
      const section = page.getByTestId("notifications-settings");
      await expect(section.getByRole("switch", { name: /Notify this device/ })).not.toBeChecked();
      await expect(section.getByTestId("notifications-state")).toHaveText("Off for this browser.");
      await expect(section.getByRole("switch")).toBeEnabled();
      const answers = await page.evaluate(async () => {
        const key = await fetch("/api/trpc/notifications.publicKey").then((r) => r.json() as Promise<{ result: { data: { publicKey: string } } }>);
        const bad = await fetch("/api/trpc/notifications.subscribe", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ subscription: { endpoint: "http://127.0.0.1/push/x", keys: { p256dh: "AA", auth: "AA" } } }),
        });
        return { keyLength: atob(key.result.data.publicKey.replace(/-/g, "+").replace(/_/g, "/")).length, badStatus: bad.status };
      });
      expect(answers).toEqual({ keyLength: 65, badStatus: 400 });
    });

    const cdp = await context.newCDPSession(page);
    const registrations: { registrationId: string; scopeURL: string }[] = [];
    cdp.on("ServiceWorker.workerRegistrationUpdated", (e) => registrations.push(...e.registrations));
    await cdp.send("ServiceWorker.enable");
    await expect.poll(() => registrations.find((r) => r.scopeURL === `${env.pcc.shellUrl}/`)?.registrationId).toBeTruthy();
    const registrationId = registrations.find((r) => r.scopeURL === `${env.pcc.shellUrl}/`)!.registrationId;
    const push = (data: unknown) => cdp.send("ServiceWorker.deliverPushMessage", { origin: env.pcc.shellUrl, registrationId, data: JSON.stringify(data) });
    const shown = () =>
      page.evaluate(async () =>
        (await (await navigator.serviceWorker.ready).getNotifications()).map((n): Shown => ({ title: n.title, body: n.body, tag: n.tag, url: (n.data as { url?: string } | null)?.url })),
      );

    await test.step("a push becomes a notification with its title, body, tag and the shell URL to open", async () => {
      await push({ title: "Hello is installed", body: "Hello is ready to open.", url: "/", tag: "app-hello-install" });
      await expect.poll(shown).toEqual([{ title: "Hello is installed", body: "Hello is ready to open.", tag: "app-hello-install", url: `${env.pcc.shellUrl}/` }]);
    });

    await test.step("the same tag replaces, and a URL to another site falls back to the shell", async () => {
      await push({ title: "Hello was updated", body: "Hello is running its new version.", url: "https://evil.example/phish", tag: "app-hello-install" });
      await expect.poll(shown).toEqual([{ title: "Hello was updated", body: "Hello is running its new version.", tag: "app-hello-install", url: `${env.pcc.shellUrl}/` }]);
    });
  } finally {
    await context.close();
  }
});
