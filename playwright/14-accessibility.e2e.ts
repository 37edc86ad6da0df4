import { expect, test, type Page } from "@playwright/test";
import { scan as axeScan, type Finding } from "./axe-scan";
import { usePcc } from "./pcc-fixture";
import { claimOwner, installWithCli, signInContext } from "./shell-helpers";

// Every window, sheet and overlay of the shell, in the light and the dark theme, scanned by axe-core:
// no serious or critical violation of WCAG 2.1 A/AA. App content inside iframes is the app's own
// business and is left out; the shell around it is not.
const env = usePcc();

let cookie = "";
test.beforeAll(async () => {
  test.setTimeout(240_000);
  cookie = await claimOwner(env.pcc);
  installWithCli(env.pcc, "hello");
});

test.beforeEach(async ({ context }) => {
  await signInContext(context, env.pcc, cookie);
});

async function scan(page: Page, where: string, findings: Finding[], include?: string) {
  findings.push(...(await axeScan(page, where, include)));
}

/** Opens one window alone (the others closed), maximized so nothing overlaps what is scanned. */
async function alone(page: Page, dockId: string, key: string) {
  for (const w of await page.locator("[data-window-key]").all()) {
    if ((await w.getAttribute("data-window-key")) !== key) await w.getByTestId("window-close").click();
  }
  await page.getByTestId(`dock-item-${dockId}`).click();
  const win = page.getByTestId(`window-${key}`);
  await expect(win).toHaveAttribute("data-focused", "true");
  if ((await win.getAttribute("data-snap")) !== "max") await win.getByTestId("window-maximize").click();
  return win;
}

for (const theme of ["light", "dark"] as const) {
  test(`desktop windows and sheets pass axe in the ${theme} theme`, async ({ page }) => {
    test.setTimeout(240_000);
    const findings: Finding[] = [];
    await page.emulateMedia({ colorScheme: theme, reducedMotion: "reduce" });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(env.pcc.shellUrl);
    await expect(page.getByTestId("dock")).toBeVisible();
    await expect(page.locator("html")).toHaveClass(theme === "dark" ? /\bdark\b/ : /^(?!.*\bdark\b)/);
    await scan(page, "desktop", findings);

    await alone(page, "store", "store");
    await expect(page.getByTestId("store-app-hello")).toBeVisible();
    await scan(page, "App Store", findings, "[data-testid=window-store]");

    const system = await alone(page, "system", "system");
    await expect(system.getByText("PCC version")).toBeVisible();
    await scan(page, "Settings / General", findings, "[data-testid=window-system]");
    await system.getByTestId("tab-appearance").click();
    await scan(page, "Settings / Appearance", findings, "[data-testid=window-system]");

    const app = await alone(page, "hello", "app-hello");
    await expect(page.frameLocator("[data-testid=app-iframe-hello]").getByText("Hello from PCC")).toBeVisible({ timeout: 30_000 });
    await scan(page, "app window", findings, "[data-testid=window-app-hello]");

    await app.getByTestId("app-settings-hello").click();
    const settings = page.getByTestId("window-settings-hello");
    await expect(settings).toHaveAttribute("data-focused", "true");
    await settings.getByTestId("window-maximize").click();
    await scan(page, "app settings / Overview", findings, "[data-testid=window-settings-hello]");
    await settings.getByTestId("tab-permissions").click();
    await expect(settings.getByText("Your local network")).toBeVisible();
    await scan(page, "app settings / Permissions", findings, "[data-testid=window-settings-hello]");
    await settings.getByTestId("tab-about").click();
    await expect(settings.getByText("App id")).toBeVisible();
    await scan(page, "app settings / About", findings, "[data-testid=window-settings-hello]");
    await settings.getByTestId("tab-overview").click();
    await page.getByTestId("app-uninstall-hello").click();
    await expect(page.getByTestId("uninstall-dialog")).toBeVisible();
    await scan(page, "uninstall dialog", findings);
    await page.keyboard.press("Escape");
    await settings.getByTestId("window-close").click();

    // The untrusted-certificate page, over the app.
    await page.route(`${env.pcc.appUrl("hello")}/**`, (r) => r.abort("failed"));
    await app.getByTestId("app-reload-hello").click();
    await expect(page.getByTestId("app-cert-untrusted")).toBeVisible();
    await scan(page, "certificate page", findings, "[data-testid=window-app-hello]");
    await page.unroute(`${env.pcc.appUrl("hello")}/**`);

    for (const [open, id, what] of [
      ["Control+k", "search-palette", "search palette"],
      ["Control+Alt+KeyA", "launcher", "launcher"],
      ["Control+Alt+KeyN", "notification-center", "notification centre"],
      ["?", "shortcut-sheet", "shortcut sheet"],
    ] as const) {
      await page.keyboard.press(open);
      await expect(page.getByTestId(id)).toBeVisible();
      await scan(page, what, findings);
      await page.keyboard.press("Escape");
      await expect(page.getByTestId(id)).toHaveCount(0);
    }

    await page.goto(`${env.pcc.shellUrl}/trust`);
    await scan(page, "trust guide", findings);
    await page.goto(`${env.pcc.shellUrl}/offline.html`);
    await scan(page, "offline page", findings);

    expect(findings, JSON.stringify(findings, null, 2)).toEqual([]);
  });

  test(`phone home, app view and sheets pass axe in the ${theme} theme`, async ({ browser }) => {
    test.setTimeout(120_000);
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, ignoreHTTPSErrors: true, colorScheme: theme, reducedMotion: "reduce" });
    await signInContext(context, env.pcc, cookie);
    const page = await context.newPage();
    const findings: Finding[] = [];
    try {
      await page.goto(env.pcc.shellUrl);
      await expect(page.getByTestId("home-app-hello")).toBeVisible();
      await scan(page, "phone home", findings);
      await page.getByTestId("home-app-hello").tap();
      await expect(page.frameLocator("[data-testid=app-iframe-hello]").getByText("Hello from PCC")).toBeVisible({ timeout: 30_000 });
      await scan(page, "phone app view", findings, "[data-testid=window-app-hello]");
      await page.getByTestId("phone-switcher").tap();
      await expect(page.getByTestId("app-switcher")).toBeVisible();
      await scan(page, "phone switcher", findings);
      await page.keyboard.press("Escape");
      await page.getByTestId("phone-home").tap();
      await page.getByTestId("dock-item-store").tap();
      await expect(page.getByTestId("store-app-hello")).toBeVisible();
      await scan(page, "phone store sheet", findings, "[data-testid=window-store]");
    } finally {
      await context.close();
    }
    expect(findings, JSON.stringify(findings, null, 2)).toEqual([]);
  });
}
