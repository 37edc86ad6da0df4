import { chromium, expect, test } from "@playwright/test";
import config from "../playwright.config";
import { usePcc } from "./pcc-fixture";

// The shell as an installable PWA: manifest and service worker pass Chromium's installability check,
// and with the network gone a reload shows "your PCC is unreachable" instead of the browser's error.
const env = usePcc();

test("the shell is installable, and offline it says the PCC is unreachable", async ({}, testInfo) => {
  test.setTimeout(120_000);
  const launch = config.use?.launchOptions ?? {};
  // A persistent profile: Playwright's usual contexts are incognito, which Chromium never installs
  // from (getInstallabilityErrors answers "in-incognito"). Same browser and flags as every spec
  // (the network-namespace wrapper), plus --ignore-certificate-errors: ignoreHTTPSErrors does not
  // reach the service worker's script fetch, and this PCC's certificate comes from its own CA.
  const context = await chromium.launchPersistentContext(testInfo.outputPath("profile"), {
    executablePath: launch.executablePath,
    args: [...(launch.args ?? []), "--ignore-certificate-errors"],
    headless: true,
    ignoreHTTPSErrors: true,
    viewport: { width: 1280, height: 800 },
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());

    await test.step("the service worker installs and then controls the page", async () => {
      await page.goto(env.pcc.shellUrl);
      await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
      await page.reload();
      expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toBe(`${env.pcc.shellUrl}/sw.js`);
    });

    await test.step("Chromium finds nothing in the way of installing it", async () => {
      const cdp = await context.newCDPSession(page);
      const manifest = await cdp.send("Page.getAppManifest");
      expect(manifest.errors).toEqual([]);
      expect(manifest.url).toBe(`${env.pcc.shellUrl}/manifest.webmanifest`);
      const { installabilityErrors } = await cdp.send("Page.getInstallabilityErrors");
      expect(installabilityErrors).toEqual([]);
      const parsed = JSON.parse(manifest.data ?? "{}") as { display?: string; icons?: { purpose?: string; sizes?: string }[] };
      expect(parsed.display).toBe("standalone");
      expect(parsed.icons?.some((i) => i.purpose === "maskable" && i.sizes === "512x512")).toBe(true);
    });

    await test.step("offline, a reload shows that the PCC is unreachable", async () => {
      await context.setOffline(true);
      await page.reload();
      await expect(page.getByTestId("pcc-unreachable")).toBeVisible();
      await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your PCC is unreachable");
    });

    await test.step("back online, Try again returns to the shell", async () => {
      await context.setOffline(false);
      await page.getByRole("button", { name: "Try again" }).click();
      await expect(page.locator('link[rel="manifest"]')).toHaveAttribute("href", "/manifest.webmanifest");
      await expect(page.getByTestId("pcc-unreachable")).toHaveCount(0);
    });

    await test.step("the service worker never stored the API, PCC's endpoints or an app host", async () => {
      const cached = await page.evaluate(async () => {
        const urls: string[] = [];
        for (const key of await caches.keys()) for (const r of await (await caches.open(key)).keys()) urls.push(r.url);
        return urls;
      });
      expect(cached.length).toBeGreaterThan(0);
      for (const url of cached) {
        const u = new URL(url);
        expect(u.origin, url).toBe(env.pcc.shellUrl);
        expect(u.pathname, url).not.toMatch(/^\/(api|_pcc)\//);
      }
    });
  } finally {
    await context.close();
  }
});
