import { expect, test, type Locator, type Page } from "@playwright/test";
import { usePcc } from "./pcc-fixture";
import { addVirtualAuthenticator } from "./virtual-authenticator";

// A PCC of its own, fresh and unclaimed.
const env = usePcc();

const INSTALL_TIMEOUT = 120_000;

// Wide enough that the default window sizes leave room to drag and resize without hitting the edges.
test.use({ viewport: { width: 1440, height: 900 } });

async function box(locator: Locator) {
  const b = await locator.boundingBox();
  if (!b) throw new Error("element has no bounding box (not visible?)");
  return b;
}

async function dragBy(page: Page, handle: Locator, dx: number, dy: number, at: "center" | "left" = "center") {
  const b = await box(handle);
  // Grab the title bar away from its buttons, which sit on the right.
  const x = at === "left" ? b.x + Math.min(80, b.width / 4) : b.x + b.width / 2;
  const y = b.y + b.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + dx, y + dy, { steps: 10 });
  await page.mouse.up();
}

/** Clicks a window's title bar at a spot the other window does not cover (and away from its buttons). */
async function clickTitleBarBesides(page: Page, win: Locator, other: Locator) {
  const t = await box(win.getByTestId("window-titlebar"));
  const o = await box(other);
  const y = t.y + t.height / 2;
  for (let x = t.x + 12; x < t.x + t.width - 120; x += 16) {
    const covered = x >= o.x && x <= o.x + o.width && y >= o.y && y <= o.y + o.height;
    if (!covered) return page.mouse.click(x, y);
  }
  throw new Error("the title bar is completely covered by the other window");
}

test("the owner claims the PCC, installs hello, uses it and uninstalls it", async ({ page, browser }) => {
  test.setTimeout(300_000);
  const { pcc } = env;
  const appUrl = `${pcc.appUrl("hello")}/`;

  // The owner's phone: a platform authenticator with user verification (Chromium's virtual one).
  await addVirtualAuthenticator(page);

  await test.step("a wrong setup code is refused with a message", async () => {
    await page.goto(pcc.shellUrl);
    await page.getByTestId("setup-code-input").fill("WRONG-0000");
    await page.getByTestId("setup-submit").click();
    await expect(page.getByTestId("auth-error")).toBeVisible();
    await expect(page.getByTestId("desktop")).toHaveCount(0);
  });

  await test.step("the right setup code and a passkey claim the PCC; the recovery codes come first, then the desktop", async () => {
    await page.getByTestId("setup-code-input").fill(pcc.setupCode ?? "");
    await page.getByTestId("setup-submit").click();
    // The passkey comes from the page's virtual authenticator; the codes are shown once.
    await expect(page.getByTestId("recovery-code")).toHaveCount(8);
    await expect(page.getByTestId("recovery-continue")).toBeDisabled();
    await page.getByTestId("recovery-saved").check();
    await page.getByTestId("recovery-continue").click();
    await expect(page.getByTestId("desktop")).toBeVisible();
    await expect(page.getByTestId("dock")).toBeVisible();
    await expect(page.getByTestId("dock-item-store")).toBeVisible();
    await expect(page.getByTestId("dock-item-system")).toBeVisible();
    // Nothing installed yet, so the store opens by itself.
    await expect(page.getByTestId("window-store")).toBeVisible();
    await expect(page.getByTestId("store-app-hello")).toBeVisible();
  });

  await test.step("installing hello shows progress until it can be opened", async () => {
    await page.getByTestId("store-install-hello").click();
    await expect(page.getByTestId("store-progress-hello").or(page.getByTestId("store-open-hello"))).toBeVisible();
    await expect(page.getByTestId("store-open-hello")).toBeVisible({ timeout: INSTALL_TIMEOUT });
    await expect(page.getByTestId("dock-item-hello")).toBeVisible();
  });

  const appWindow = page.getByTestId("window-app-hello");

  await test.step("opening hello shows the app inside its window", async () => {
    await page.getByTestId("store-open-hello").click();
    await expect(appWindow).toBeVisible();
    const frame = page.frameLocator("[data-testid=app-iframe-hello]");
    // The first load bounces through the app-auth redirect before the app answers.
    await expect(frame.getByText("Hello from PCC")).toBeVisible({ timeout: 30_000 });
  });

  await test.step("a browser without the owner's session cannot reach the app", async () => {
    // Through a real page, not context.request: Node's resolver does not know *.localhost,
    // while the browser maps it to loopback (see the config's host-resolver-rules).
    const stranger = await browser.newContext({ ignoreHTTPSErrors: true });
    try {
      const strangerPage = await stranger.newPage();
      const first = strangerPage.waitForResponse((r) => r.url() === appUrl);
      await strangerPage.goto(appUrl);
      expect([302, 401]).toContain((await first).status());
      await expect(strangerPage.getByText("Hello from PCC")).toHaveCount(0);
    } finally {
      await stranger.close();
    }
  });

  await test.step("the window can be dragged by its title bar", async () => {
    const before = await box(appWindow);
    // Not too far down: the resize below needs room under the window, above the dock.
    await dragBy(page, appWindow.getByTestId("window-titlebar"), 120, 40, "left");
    const after = await box(appWindow);
    expect(after.x - before.x).toBeGreaterThan(100);
    expect(after.y - before.y).toBeGreaterThan(30);
    expect(after.width).toBeCloseTo(before.width, 0);
  });

  await test.step("the resize handle grows the window", async () => {
    const before = await box(appWindow);
    await dragBy(page, appWindow.getByTestId("window-resize"), 80, 60);
    const after = await box(appWindow);
    expect(after.width - before.width).toBeGreaterThan(60);
    expect(after.height - before.height).toBeGreaterThan(40);
    expect(after.x).toBeCloseTo(before.x, 0);
  });

  await test.step("clicking a window brings it to the front", async () => {
    const store = page.getByTestId("window-store");
    await expect(appWindow).toHaveAttribute("data-focused", "true");
    await clickTitleBarBesides(page, store, appWindow);
    await expect(store).toHaveAttribute("data-focused", "true");
    await expect(appWindow).toHaveAttribute("data-focused", "false");
    const z = (l: Locator) => l.evaluate((el) => Number(getComputedStyle(el).zIndex));
    expect(await z(store)).toBeGreaterThan(await z(appWindow));

    await clickTitleBarBesides(page, appWindow, store);
    await expect(appWindow).toHaveAttribute("data-focused", "true");
    await expect(store).toHaveAttribute("data-focused", "false");
    expect(await z(appWindow)).toBeGreaterThan(await z(store));
  });

  const settings = page.getByTestId("window-settings-hello");

  await test.step("the app's settings open from its window, which can then be closed", async () => {
    await page.getByTestId("app-settings-hello").click();
    await expect(settings).toBeVisible();
    await expect(page.getByTestId("app-status-hello")).toHaveText("running");
    await appWindow.getByTestId("window-close").click();
    await expect(appWindow).toHaveCount(0);
  });

  await test.step("the app can be stopped and started again", async () => {
    await page.getByTestId("app-stop-hello").click();
    await expect(page.getByTestId("app-status-hello")).toHaveText("stopped", { timeout: 60_000 });
    await page.getByTestId("app-start-hello").click();
    await expect(page.getByTestId("app-status-hello")).toHaveText("running", { timeout: 60_000 });
  });

  await test.step("uninstalling while keeping data removes it from the dock and the store offers it again", async () => {
    await page.getByTestId("app-uninstall-hello").click();
    const dialog = page.getByTestId("uninstall-dialog");
    await expect(dialog).toBeVisible();
    await expect(page.getByTestId("uninstall-keep-data")).toBeChecked();
    await page.getByTestId("uninstall-confirm").click();
    await expect(page.getByTestId("dock-item-hello")).toHaveCount(0, { timeout: 60_000 });
    await expect(dialog).toHaveCount(0);
    await expect(settings).toHaveCount(0);

    await page.getByTestId("dock-item-store").click();
    await expect(page.getByTestId("window-store")).toBeVisible();
    await expect(page.getByTestId("store-install-hello")).toBeVisible({ timeout: 30_000 });
  });

  await test.step("after a reload the desktop comes back, and nothing ever broke the content security policy", async () => {
    await page.reload();
    await expect(page.getByTestId("desktop")).toBeVisible();
    await expect(page.getByTestId("dock-item-store")).toBeVisible();
    // The fixture checks this after every test; here it is the point of the step.
    expect(env.cspViolations).toEqual([]);
  });
});
