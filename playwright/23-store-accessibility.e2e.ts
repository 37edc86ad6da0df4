import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { helloAs, sign, testKey } from "../tests/helpers/catalog-sources";
import { freePort } from "../tests/helpers/pcc-instance";
import { scan as axeScan, type Finding } from "./axe-scan";
import { usePcc } from "./pcc-fixture";
import { claimOwner, expectTouchTargets, installWithCli, signInContext } from "./shell-helpers";
import { helloWith, openAppSettings, openStore, openSystemTab, TINY_PNG } from "./store-helpers";

// The App Store's new views (search and categories, an app's page, the permission prompt with settings
// and a licence key, an unsigned source's warnings), an app's Settings, Permissions, Logs, Stats and
// Credentials tabs, and the Sources settings, scanned by axe-core in the light and the dark theme (as
// 14-accessibility does for the rest of the shell): no serious or critical WCAG 2.1 A/AA violation.

let sources = "";
const developer = testKey();
const publisher = testKey();
const ports = { asker: 0, paid: 0 };

function asks(port: number) {
  return `website: https://asker.example
screenshots: [screenshots/1.png]
ports:
  - { name: admin, service: web, containerPort: 8080, protocol: tcp, hostPort: ${port}, description: "Its admin page, for your devices" }
secrets:
  admin-password: { length: 20, show: true, description: First admin password }
settings:
  - { key: site-name, type: text, label: Site name, required: true, default: My site, description: Shown on every page. }
  - { key: secret-word, type: password, label: Secret word }
  - { key: size, type: number, label: Size, min: 1, max: 10, default: 3 }
  - { key: mode, type: select, label: Mode, options: [{ value: a, label: Calm }, { value: b, label: Busy }], default: a }
  - { key: verbose, type: boolean, label: Verbose logging, default: false }
permissions:
  internet: { hosts: [updates.example.com] }
  lan: true
`;
}

const env = usePcc({
  async catalog(dir) {
    ports.asker = await freePort();
    ports.paid = await freePort();
    helloWith(dir, "hello", "Hello");
    helloWith(dir, "asker", "Asker", asks(ports.asker), { "screenshots/1.png": TINY_PNG });
    helloWith(
      dir,
      "paid",
      "Paid",
      `${asks(ports.paid)}license:\n  price: { amount: 4, currency: EUR }\n  purchaseUrl: https://developer.example/buy\n  publicKey: ${developer.publicKey}\n`,
      { "screenshots/1.png": TINY_PNG },
    );
    // Another category, so the store shows its category filter.
    const paid = path.join(dir, "paid/app.yaml");
    fs.writeFileSync(paid, fs.readFileSync(paid, "utf8").replace(/^category: utilities$/m, "category: finance"));
  },
});

let cookie = "";
test.beforeAll(async () => {
  test.setTimeout(300_000);
  cookie = await claimOwner(env.pcc);
  installWithCli(env.pcc, "asker");
  sources = fs.mkdtempSync(path.join(os.tmpdir(), "pcc-e2e-a11y-sources-"));
  helloAs(path.join(sources, "signed"), "greeter", "Greeter");
  await sign(path.join(sources, "signed"), publisher, "Good apps");
  helloAs(path.join(sources, "unsigned"), "loose", "Loose");
  await sign(path.join(sources, "unsigned"), publisher, "Loose apps");
  fs.rmSync(path.join(sources, "unsigned/index.json.sig"));
  for (const args of [
    ["source", "add", path.join(sources, "signed"), "--key", publisher.publicKey],
    ["source", "add", path.join(sources, "unsigned"), "--trust-unsigned"],
  ]) {
    const r = env.pcc.cli(...args);
    if (r.code !== 0) throw new Error(`pcc ${args.join(" ")}: ${r.stdout}${r.stderr}`);
  }
});

test.beforeEach(async ({ context }) => {
  await signInContext(context, env.pcc, cookie);
});
test.afterAll(() => {
  if (sources) fs.rmSync(sources, { recursive: true, force: true });
});

async function scan(page: Page, where: string, findings: Finding[], include?: string) {
  findings.push(...(await axeScan(page, where, include)));
}

for (const theme of ["light", "dark"] as const) {
  test(`the store, the install prompt, app settings tabs and sources pass axe in the ${theme} theme`, async ({ page }) => {
    test.setTimeout(240_000);
    const findings: Finding[] = [];
    await page.emulateMedia({ colorScheme: theme, reducedMotion: "reduce" });
    await page.setViewportSize({ width: 1280, height: 860 });
    await page.goto(env.pcc.shellUrl);
    await expect(page.getByTestId("dock")).toBeVisible();
    await expect(page.locator("html")).toHaveClass(theme === "dark" ? /\bdark\b/ : /^(?!.*\bdark\b)/);

    const store = await openStore(page);
    if ((await store.getAttribute("data-snap")) !== "max") await store.getByTestId("window-maximize").click();
    await expect(store.getByTestId("store-app-paid")).toBeVisible();
    await store.getByTestId("store-search").fill("a");
    await store.getByTestId("store-category-utilities").click();
    await scan(page, "store list, filtered", findings, "[data-testid=window-store]");
    await store.getByTestId("store-category-all").click();
    await store.getByTestId("store-search").fill("");

    await store.getByTestId("store-details-asker").click();
    await expect(store.getByTestId("store-screenshot-0")).toBeVisible();
    await expect(store.getByTestId("credential-admin-password")).toBeVisible();
    await scan(page, "store: an installed app's page", findings, "[data-testid=window-store]");
    await store.getByTestId("store-back").click();

    await store.getByTestId("store-details-paid").click();
    await expect(store.getByTestId("store-price")).toBeVisible();
    await scan(page, "store: a paid app's page", findings, "[data-testid=window-store]");
    await store.getByTestId("store-install-paid").click();
    const dialog = page.getByTestId("install-dialog");
    await expect(dialog.getByTestId("install-licence")).toBeVisible();
    await dialog.getByTestId("install-confirm").click();
    await expect(dialog.getByTestId("install-licence-error")).toBeVisible();
    await scan(page, "install prompt (permissions, ports, settings, licence), with an error", findings);
    await dialog.getByTestId("install-cancel").click();
    await store.getByTestId("store-back").click();

    await store.getByTestId("store-details-loose").click();
    await expect(store.getByTestId("unsigned-source-warning")).toBeVisible();
    await scan(page, "store: an app of an unsigned source", findings, "[data-testid=window-store]");
    await store.getByTestId("store-install-loose").click();
    await expect(dialog.getByTestId("unsigned-source-warning")).toBeVisible();
    await scan(page, "install prompt of an unsigned source's app", findings);
    await dialog.getByTestId("install-cancel").click();
    await store.getByTestId("window-close").click();

    const settings = await openAppSettings(page, "asker");
    await settings.getByTestId("window-maximize").click();
    for (const tab of ["settings", "permissions", "logs", "stats", "credentials"]) {
      await settings.getByTestId(`tab-${tab}`).click();
      if (tab === "settings") {
        await expect(settings.getByTestId("setting-site-name")).toBeVisible();
        await settings.getByTestId("setting-size").fill("11");
        await settings.getByTestId("settings-save").click();
        await expect(settings.getByTestId("app-asker-setting-size-error")).toBeVisible();
      }
      if (tab === "permissions") await expect(settings.getByTestId("permission-port-admin-host")).toHaveValue(String(ports.asker));
      if (tab === "logs") await expect(settings.getByTestId("logs-status")).toHaveText("Live");
      if (tab === "stats") await expect(settings.getByTestId("stats")).toBeVisible({ timeout: 20_000 });
      if (tab === "credentials") await settings.getByTestId("credential-show-admin-password").click();
      await scan(page, `app settings / ${tab}`, findings, "[data-testid=window-settings-asker]");
    }
    await settings.getByTestId("window-close").click();

    const system = await openSystemTab(page, "sources");
    await system.getByTestId("window-maximize").click();
    await expect(system.locator("[data-testid^=source-unsigned-]")).toBeVisible();
    await system.getByTestId("source-trust-unsigned").check();
    await scan(page, "settings / sources", findings, "[data-testid=window-system]");
    await system.getByTestId("source-trust-unsigned").uncheck();

    expect(findings, JSON.stringify(findings, null, 2)).toEqual([]);
  });

  test(`phone: an app's page and the install prompt pass axe and fit a finger in the ${theme} theme`, async ({ browser }) => {
    test.setTimeout(120_000);
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, ignoreHTTPSErrors: true, colorScheme: theme, reducedMotion: "reduce" });
    await signInContext(context, env.pcc, cookie);
    const page = await context.newPage();
    const findings: Finding[] = [];
    try {
      await page.goto(env.pcc.shellUrl);
      await page.getByTestId("dock-item-store").tap();
      const store = page.getByTestId("window-store");
      await expect(store.getByTestId("store-app-paid")).toBeVisible();
      await expectTouchTargets(store);
      await store.getByTestId("store-details-paid").tap();
      await expect(store.getByTestId("store-price")).toBeVisible();
      await scan(page, "phone: a paid app's page", findings, "[data-testid=window-store]");
      await store.getByTestId("store-install-paid").tap();
      const dialog = page.getByTestId("install-dialog");
      await expect(dialog.getByTestId("install-licence")).toBeVisible();
      await scan(page, "phone: install prompt", findings);
      await expectTouchTargets(dialog);
    } finally {
      await context.close();
    }
    expect(findings, JSON.stringify(findings, null, 2)).toEqual([]);
  });
}
