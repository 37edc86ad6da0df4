import path from "node:path";
import Database from "better-sqlite3";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { usePcc } from "./pcc-fixture";
import { addVirtualAuthenticator } from "./virtual-authenticator";

// A PCC of its own, fresh and unclaimed.
const env = usePcc();

test.use({ viewport: { width: 1280, height: 800 } });

/** Another device: its own browser context (cookies) and its own passkey authenticator. */
async function newDevice(browser: Browser) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const authenticator = await addVirtualAuthenticator(page);
  return { context, page, authenticator };
}

async function openSecurity(page: Page) {
  const tab = page.getByTestId("tab-security");
  // The dock toggles the Settings window (it may be open already, or minimized by the click).
  await expect(async () => {
    if (!(await tab.isVisible())) await page.getByTestId("dock-item-system").click();
    await expect(tab).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 20_000 });
  await tab.click();
  await expect(page.getByTestId("security-window")).toBeVisible();
}

/** Answers from the page itself, with its cookies: is this browser still let in? */
const ownerQueryStatus = (page: Page) => page.evaluate(async () => (await fetch("/api/trpc/apps.list", { cache: "no-store" })).status);

test("passkeys only: claim, sign out and in, pair a browser by QR, revoke it, recover a lost phone", async ({ page, browser }) => {
  test.setTimeout(300_000);
  const { pcc } = env;
  const phone = await addVirtualAuthenticator(page);
  let codes: string[] = [];

  await test.step("the setup code and a passkey claim the PCC; the recovery codes are shown once", async () => {
    await page.goto(pcc.shellUrl);
    await page.getByTestId("setup-code-input").fill(pcc.setupCode ?? "");
    await page.getByTestId("setup-device-name").fill("Phone");
    await page.getByTestId("setup-submit").click();
    await expect(page.getByTestId("recovery-code")).toHaveCount(8);
    codes = (await page.getByTestId("recovery-code").allTextContents()).map((c) => c.trim());
    expect(new Set(codes).size).toBe(8);
    const creds = await phone.credentials();
    expect(creds).toHaveLength(1);
    expect(creds[0]!.isResidentCredential).toBe(true);
    await page.getByTestId("recovery-saved").check();
    await page.getByTestId("recovery-continue").click();
    await expect(page.getByTestId("desktop")).toBeVisible();
    // The setup code died with the claim.
    expect((await pcc.trpc("identity.claim.begin", { code: pcc.setupCode })).status).toBe(403);
  });

  await test.step("signed out, the passkey alone signs back in", async () => {
    await page.getByTestId("dock-item-system").click();
    await page.getByTestId("tab-general").click();
    await page.getByTestId("sign-out").click();
    await expect(page.getByTestId("signin-passkey")).toBeVisible();
    expect(await ownerQueryStatus(page)).toBe(401);
    await page.getByTestId("signin-passkey").click();
    await expect(page.getByTestId("desktop")).toBeVisible();
    expect(await ownerQueryStatus(page)).toBe(200);
  });

  const laptop = await newDevice(browser);

  await test.step("a second browser pairs: it shows a QR code and a match code; the phone opens the link, types the code and approves", async () => {
    await laptop.page.goto(pcc.shellUrl);
    await laptop.page.getByTestId("signin-pair-mode").click();
    await expect(laptop.page.getByTestId("pairing-qr")).toHaveAttribute("src", /^data:image\/png;base64,/);
    const link = (await laptop.page.getByTestId("pairing-link").getAttribute("href"))!;
    const match = (await laptop.page.getByTestId("pairing-match-code").textContent())!.trim();
    expect(link).toMatch(new RegExp(`^${pcc.shellUrl.replace(/[.]/g, "\\.")}/#pair=[a-z2-7]+$`));
    expect(match).toMatch(/^\d{6}$/);

    await page.goto(link);
    await expect(page.getByTestId("pair-approve-dialog")).toBeVisible();
    await expect(page.getByTestId("pair-approve-device")).toHaveText(/Chrome/);
    await page.getByTestId("pair-approve-code").fill(match);
    await page.getByTestId("pair-approve-submit").click();
    await expect(page.getByTestId("pair-approved")).toBeVisible();

    await expect(laptop.page.getByTestId("pairing-approved")).toBeVisible();
    await laptop.page.getByTestId("pairing-device-name").fill("Laptop");
    await laptop.page.getByTestId("pairing-create-passkey").click();
    await expect(laptop.page.getByTestId("desktop")).toBeVisible();
    expect(await laptop.authenticator.credentials()).toHaveLength(1);
  });

  await test.step("the phone lists both devices and removes the laptop after a fresh passkey check; the laptop is refused at once", async () => {
    await page.getByTestId("pair-approve-close").click();
    await expect(page.getByTestId("pair-approve-dialog")).toHaveCount(0);
    await openSecurity(page);
    const laptopRow = page.locator('[data-testid=device-row][data-device-name="Laptop"]');
    await expect(laptopRow).toBeVisible();
    await expect(page.locator('[data-testid=device-row][data-device-name="Phone"]')).toHaveAttribute("data-current", "true");
    expect(await ownerQueryStatus(laptop.page)).toBe(200);

    // Five minutes pass (the fresh-owner window): removing a device now asks for the passkey again.
    const db = new Database(path.join(pcc.dataDir, "pcc.db"));
    db.prepare("UPDATE Session SET verifiedAt = ?").run(new Date(Date.now() - 10 * 60_000).toISOString().replace("Z", "+00:00"));
    db.close();

    await laptopRow.getByTestId("device-revoke").click();
    await laptopRow.getByTestId("device-revoke-confirm").click();
    await expect(page.getByTestId("step-up-dialog")).toBeVisible();
    await page.getByTestId("step-up-confirm").click();
    await expect(laptopRow).toHaveCount(0);

    expect(await ownerQueryStatus(laptop.page)).toBe(401);
    await laptop.page.reload();
    await expect(laptop.page.getByTestId("signin-passkey")).toBeVisible();
    // Its passkey went with the device.
    await laptop.page.getByTestId("signin-passkey").click();
    await expect(laptop.page.getByTestId("auth-error")).toContainText(/not registered|revoked/);
  });

  await test.step("a third browser recovers with a recovery code: a new passkey, and every old device is gone", async () => {
    const spare = await newDevice(browser);
    await spare.page.goto(pcc.shellUrl);
    await spare.page.getByTestId("signin-recovery-mode").click();
    await spare.page.getByTestId("recovery-code-input").fill(codes[0]!.toLowerCase());
    await spare.page.getByTestId("recovery-device-name").fill("New phone");
    await spare.page.getByTestId("recovery-submit").click();
    await expect(spare.page.getByTestId("recovery-done")).toBeVisible();
    await expect(spare.page.getByTestId("recovery-remaining-after")).toContainText("7 recovery codes left");
    await spare.page.getByTestId("recovery-done-continue").click();
    await expect(spare.page.getByTestId("desktop")).toBeVisible();

    await openSecurity(spare.page);
    await expect(spare.page.getByTestId("device-row")).toHaveCount(1);
    await expect(spare.page.getByTestId("device-row")).toHaveAttribute("data-device-name", "New phone");
    await expect(spare.page.getByTestId("recovery-remaining")).toHaveText("7 of 8 recovery codes left.");
    await expect(spare.page.getByTestId("audit-chain-ok")).toBeVisible();
    for (const action of ["recovery.used", "device.revoked", "device.paired", "signin.passkey", "owner.claimed"]) {
      await expect(spare.page.locator(`[data-testid=audit-entry][data-action="${action}"]`).first()).toBeVisible();
    }

    // The old phone: signed out, and its passkey no longer opens anything.
    expect(await ownerQueryStatus(page)).toBe(401);
    await page.reload();
    await page.getByTestId("signin-passkey").click();
    await expect(page.getByTestId("auth-error")).toBeVisible();
    // The used code is spent.
    expect((await pcc.trpc("identity.recovery.begin", { code: codes[0] })).status).toBe(401);
    await spare.context.close();
  });

  await laptop.context.close();
});
