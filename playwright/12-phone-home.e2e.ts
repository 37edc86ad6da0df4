import { expect, test } from "@playwright/test";
import { usePcc } from "./pcc-fixture";
import { box, claimOwner, expectTouchTargets, helloCatalog, installWithCli, screenshotPath, signInContext } from "./shell-helpers";

// The phone layout: home screen, full-screen apps with back / home / switcher, bottom sheets,
// 44 px touch targets, and nothing that needs a hover.
const catalog = helloCatalog([
  { id: "hello", name: "Hello" },
  { id: "second", name: "Second" },
]);
const env = usePcc({ catalog });
const PHONE = { width: 390, height: 844 };

test.use({ viewport: PHONE, isMobile: true, hasTouch: true });

let cookie = "";
test.beforeAll(async () => {
  test.setTimeout(240_000);
  cookie = await claimOwner(env.pcc);
  // Only hello for now: the home screen in the README's screenshot shows the real sample app alone.
  installWithCli(env.pcc, "hello");
});

test.beforeEach(async ({ context }) => {
  await signInContext(context, env.pcc, cookie);
});

test("a phone gets a home screen, full-screen apps, an app switcher and bottom sheets", async ({ page }) => {
  test.setTimeout(180_000);
  await page.emulateMedia({ reducedMotion: "reduce" });
  await page.goto(env.pcc.shellUrl);
  const desktop = page.getByTestId("desktop");
  await expect(desktop).toHaveAttribute("data-layout", "phone");

  await test.step("the home screen shows every app above a dock along the bottom edge", async () => {
    await expect(page.getByTestId("home-app-hello")).toBeVisible();
    const dock = await box(page.getByTestId("dock"));
    expect(Math.abs(dock.y + dock.height - PHONE.height)).toBeLessThanOrEqual(1);
    expect(dock.width).toBeGreaterThanOrEqual(PHONE.width - 2);
    await expectTouchTargets(page.getByTestId("home-screen"));
    await expectTouchTargets(page.getByTestId("dock"));
    // No top bar, no floating windows' chrome: the phone layout is its own.
    await expect(page.getByTestId("top-bar")).toHaveCount(0);
    // The app's own icon, loaded (not the fallback tile, and not a blank one still loading).
    await expect.poll(() => page.getByTestId("home-app-hello").locator("img").evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth > 0)).toBe(true);
    await page.screenshot({ path: screenshotPath("phone-home.png") });
  });

  const hello = page.getByTestId("window-app-hello");
  await test.step("an app opens full screen, with its origin, back, home and the switcher", async () => {
    await page.getByTestId("home-app-hello").tap();
    await expect(hello).toBeVisible();
    const b = await box(hello);
    expect(b).toEqual({ x: 0, y: 0, width: PHONE.width, height: PHONE.height });
    await expect(hello.getByTestId("window-origin")).toHaveText(new URL(env.pcc.appUrl("hello")).host);
    await expect(page.frameLocator("[data-testid=app-iframe-hello]").getByText("Hello from PCC")).toBeVisible({ timeout: 30_000 });
    await expectTouchTargets(hello);
  });

  await test.step("back returns to the home screen; the app keeps running in the switcher", async () => {
    await hello.getByTestId("phone-back").tap();
    await expect(hello).toBeHidden();
    // A second app, installed from the machine: the home screen picks it up at its next poll.
    installWithCli(env.pcc, "second");
    await expect(page.getByTestId("home-app-second")).toBeVisible({ timeout: 30_000 });
    await page.getByTestId("home-app-second").tap();
    const second = page.getByTestId("window-app-second");
    await expect(second).toBeVisible();
    await second.getByTestId("phone-switcher").tap();
    const switcher = page.getByTestId("app-switcher");
    await expect(switcher).toBeVisible();
    await expect(switcher.getByTestId("switcher-app-hello")).toBeVisible();
    await expect(switcher.getByTestId("switcher-app-second")).toBeVisible();
    await expectTouchTargets(switcher);
    await switcher.getByTestId("switcher-app-hello").tap();
    await expect(switcher).toHaveCount(0);
    await expect(hello).toBeVisible();
    await expect(hello).toHaveAttribute("data-focused", "true");
  });

  await test.step("home puts every app away; closing one in the switcher ends it", async () => {
    await hello.getByTestId("phone-home").tap();
    await expect(hello).toBeHidden();
    await expect(page.getByTestId("window-app-second")).toBeHidden();
    await page.getByTestId("home-app-hello").tap();
    await hello.getByTestId("phone-switcher").tap();
    await page.getByTestId("switcher-close-second").tap();
    await expect(page.getByTestId("switcher-app-second")).toHaveCount(0);
    await expect(page.getByTestId("window-app-second")).toHaveCount(0);
    await page.keyboard.press("Escape");
  });

  await test.step("the store and settings are bottom sheets, with finger-sized controls", async () => {
    await hello.getByTestId("phone-home").tap();
    await page.getByTestId("dock-item-store").tap();
    const store = page.getByTestId("window-store");
    await expect(store).toBeVisible();
    const s = await box(store);
    expect(Math.abs(s.y + s.height - PHONE.height)).toBeLessThanOrEqual(1);
    expect(s.y).toBeGreaterThan(0);
    expect(s.width).toBe(PHONE.width);
    await expect(page.getByTestId("store-app-hello")).toBeVisible();
    await expectTouchTargets(store);
    await store.getByTestId("window-close").tap();
    await expect(store).toHaveCount(0);

    await page.getByTestId("dock-item-system").tap();
    const system = page.getByTestId("window-system");
    await expect(system.getByText("PCC version")).toBeVisible();
    await expectTouchTargets(system);
    await system.getByTestId("tab-appearance").tap();
    await expectTouchTargets(system);
    // A phone with a keyboard: Esc puts the sheet away.
    await page.keyboard.press("Escape");
    await expect(system).toHaveCount(0);
  });

  await test.step("an app's settings open as a sheet above the app", async () => {
    await page.getByTestId("home-app-hello").tap();
    await hello.getByTestId("app-settings-hello").tap();
    const settings = page.getByTestId("window-settings-hello");
    await expect(settings).toHaveAttribute("data-focused", "true");
    await expect(page.getByTestId("app-status-hello")).toHaveText("running");
    await expectTouchTargets(settings);
  });
});
