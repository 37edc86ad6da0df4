import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test, type BrowserContext, type Page } from "@playwright/test";
import { helloAs, sign, testKey } from "../tests/helpers/catalog-sources";
import { usePcc } from "./pcc-fixture";
import { claimInBrowser, openStore, openSystemTab, passStepUp } from "./store-helpers";

// Sources in the Settings window: a signed folder source added with its publisher's key (the fingerprint
// shown to compare), its app installed from the store; an unsigned one, trusted explicitly and flagged
// loudly wherever it shows; refresh and remove.
let root = "";
let signedDir = "";
let unsignedDir = "";
const publisher = testKey();

const env = usePcc();
test.describe.configure({ mode: "serial" });

let context: BrowserContext;
let page: Page;
test.beforeAll(async ({ browser }) => {
  test.setTimeout(120_000);
  root = fs.mkdtempSync(path.join(os.tmpdir(), "pcc-e2e-sources-"));
  signedDir = path.join(root, "signed");
  unsignedDir = path.join(root, "unsigned");
  helloAs(signedDir, "greeter", "Greeter");
  await sign(signedDir, publisher, "Good apps");
  helloAs(unsignedDir, "loose", "Loose");
  await sign(unsignedDir, publisher, "Loose apps");
  fs.rmSync(path.join(unsignedDir, "index.json.sig"));
  context = await browser.newContext({ viewport: { width: 1440, height: 900 }, ignoreHTTPSErrors: true });
  page = await context.newPage();
  await claimInBrowser(page, env.pcc);
});
test.afterAll(async () => {
  await context?.close();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

test("a signed source: added with its key, its fingerprint shown, its app installed from the store", async () => {
  test.setTimeout(240_000);
  const settings = await openSystemTab(page, "sources");
  await expect(settings.getByTestId("sources-empty")).toBeVisible();

  await test.step("a wrong key is refused, and nothing is kept", async () => {
    await settings.getByTestId("source-location").fill(signedDir);
    await settings.getByTestId("source-key").fill(testKey().publicKey);
    await settings.getByTestId("source-add").click();
    await passStepUp(page, settings.getByTestId("source-add-error"));
    await expect(settings.getByTestId("source-add-error")).toContainText(/signature/i);
    await expect(settings.getByTestId("sources-empty")).toBeVisible();
  });

  await test.step("with the publisher's key it is added, and says which key to compare", async () => {
    await settings.getByTestId("source-key").fill(publisher.publicKey);
    await settings.getByTestId("source-add").click();
    await passStepUp(page, settings.getByTestId("source-added"));
    await expect(settings.getByTestId("source-added")).toContainText(publisher.fingerprint);
    const card = settings.locator("li[data-testid^=source-]").filter({ hasText: "Good apps" });
    await expect(card).toBeVisible();
    const id = (await card.getAttribute("data-testid"))!.replace(/^source-/, "");
    await expect(settings.getByTestId(`source-fingerprint-${id}`)).toHaveText(publisher.fingerprint);
    await expect(settings.getByTestId(`source-apps-${id}`)).toHaveText("greeter 1.0.0");
    await expect(settings.getByTestId(`source-unsigned-${id}`)).toHaveCount(0);
    await expect(card).toContainText("just now");
  });

  await test.step("its app is in the store, marked with its source, and installs", async () => {
    const store = await openStore(page);
    await expect(store.getByTestId("store-source-greeter")).toHaveText("Good apps");
    await store.getByTestId("store-details-greeter").click();
    await expect(store.getByTestId("store-page-source")).toHaveText("Good apps");
    await expect(store.getByTestId("store-page-greeter")).toContainText(signedDir);
    await expect(store.getByTestId("unsigned-source-warning")).toHaveCount(0);
    await store.getByTestId("store-install-greeter").click();
    await expect(store.getByTestId("store-open-greeter")).toBeVisible({ timeout: 180_000 });
    await store.getByTestId("store-open-greeter").click();
    await expect(page.frameLocator("[data-testid=app-iframe-greeter]").getByText("Hello from PCC")).toBeVisible({ timeout: 30_000 });
  });
});

test("an unsigned source: only with the explicit choice, flagged loudly everywhere; refresh and remove", async () => {
  test.setTimeout(240_000);
  const settings = await openSystemTab(page, "sources");

  await test.step("without a key or the choice to trust it unsigned, it cannot be added", async () => {
    await settings.getByTestId("source-location").fill(unsignedDir);
    await expect(settings.getByTestId("source-add")).toBeDisabled();
  });

  await test.step("trusting it unsigned is a marked choice, and the source says so", async () => {
    await settings.getByTestId("source-trust-unsigned").check();
    await expect(settings.getByTestId("source-key")).toBeDisabled();
    await expect(settings.getByTestId("source-add")).toHaveText("Add unsigned source");
    await settings.getByTestId("source-add").click();
    await passStepUp(page, settings.getByTestId("source-added"));
    const card = settings.locator("li[data-testid^=source-]").filter({ hasText: "Loose apps" });
    await expect(card.locator("[data-testid^=source-unsigned-]")).toContainText("Trusted without a signature");
    await expect(card.locator("[data-testid^=source-fingerprint-]")).toHaveText("None (unsigned)");
  });

  await test.step("its app is flagged on its card, its page and at install", async () => {
    const store = await openStore(page);
    await expect(store.getByTestId("store-source-loose")).toHaveText("Unsigned: Loose apps");
    await store.getByTestId("store-details-loose").click();
    await expect(store.getByTestId("unsigned-source-warning")).toBeVisible();
    await store.getByTestId("store-install-loose").click();
    const dialog = page.getByTestId("install-dialog");
    await expect(dialog.getByTestId("unsigned-source-warning")).toBeVisible();
    await dialog.getByTestId("install-cancel").click();
    await store.getByTestId("store-back").click();
  });

  await test.step("refresh reads a source again; remove takes its apps out of the store, not the installed ones", async () => {
    const s = await openSystemTab(page, "sources");
    const good = s.locator("li[data-testid^=source-]").filter({ hasText: "Good apps" });
    await good.locator("[data-testid^=source-refresh-]").click();
    await expect(good.locator("[data-testid^=source-refresh-]")).toBeEnabled();
    await expect(good.locator("[data-testid^=source-error-]")).toHaveCount(0);
    const loose = s.locator("li[data-testid^=source-]").filter({ hasText: "Loose apps" });
    await loose.locator("[data-testid^=source-remove-]").click();
    await page.getByTestId("remove-source-confirm").click();
    await expect(loose).toHaveCount(0);
    await s.locator("li[data-testid^=source-]").filter({ hasText: "Good apps" }).locator("[data-testid^=source-remove-]").click();
    await page.getByTestId("remove-source-confirm").click();
    await expect(s.getByTestId("sources-empty")).toBeVisible();
    const store = await openStore(page);
    await expect(store.getByTestId("store-app-loose")).toHaveCount(0, { timeout: 15_000 });
    await expect(store.getByTestId("store-app-greeter")).toHaveCount(0);
    // Installed from a source that is gone: it keeps running.
    expect(JSON.parse(env.pcc.cli("app", "status", "greeter", "--json").stdout).status).toBe("running");
  });
});
