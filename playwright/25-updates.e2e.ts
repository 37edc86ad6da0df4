import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { scan, switchTheme } from "./axe-scan";
import { usePcc } from "./pcc-fixture";
import { claimOwner, helloCatalog, installWithCli, signInContext } from "./shell-helpers";
import { openAppSettings, openSystemTab } from "./store-helpers";

// Settings → Updates: a new version that asks for new access waits for the owner (even under the
// automatic policy), says what it asks for, installs on a tap and lands in the history; each app's
// policy is chosen there. Scanned by axe-core like the other windows.

const env = usePcc({ catalog: helloCatalog([{ id: "notes", name: "Notes" }]) });
let cookie = "";

test.beforeAll(async () => {
  test.setTimeout(240_000);
  cookie = await claimOwner(env.pcc);
  installWithCli(env.pcc, "notes");
  // Version 2 asks for the internet: the automatic policy must leave it to the owner.
  const yaml = path.join(env.catalogDir, "notes", "app.yaml");
  const v1 = fs.readFileSync(yaml, "utf8");
  fs.writeFileSync(yaml, `${v1.replace(/^version: 1\.0\.0$/m, "version: 2.0.0")}releaseNotes: Sync with the cloud.\npermissions:\n  internet: true\n`);
});

test("an update that asks for new access waits for the owner, installs on a tap, and shows in the history", async ({ page, context }) => {
  test.setTimeout(180_000);
  await signInContext(context, env.pcc, cookie);
  await page.setViewportSize({ width: 1280, height: 860 });
  await page.goto(env.pcc.shellUrl);
  await expect(page.getByTestId("dock")).toBeVisible();

  const win = await openSystemTab(page, "updates");
  await expect(win.getByTestId("updates-none")).toBeVisible();
  await win.getByTestId("updates-check").click();
  const card = win.getByTestId("update-notes");
  await expect(card).toContainText("1.0.0 → 2.0.0");
  await expect(card).toContainText("Sync with the cloud.");
  await expect(win.getByTestId("update-permissions-notes")).toContainText("the whole internet");
  // Still version 1: "auto" did not install it.
  expect(JSON.parse(env.pcc.cli("app", "status", "notes", "--json").stdout)).toMatchObject({ version: "1.0.0" });

  for (const theme of ["light", "dark"] as const) {
    await switchTheme(page, theme);
    expect(await scan(page, theme, "[data-testid=window-system]")).toEqual([]);
  }

  await win.getByTestId("update-apply-notes").click();
  await expect(win.getByTestId("update-history")).toContainText("Updated notes 1.0.0 → 2.0.0", { timeout: 120_000 });
  await expect(win.getByTestId("updates-none")).toBeVisible();
  expect(JSON.parse(env.pcc.cli("app", "status", "notes", "--json").stdout)).toMatchObject({ version: "2.0.0", status: "running" });

  // The policy is the owner's, per app, and sticks.
  await win.getByTestId("update-policy-notes").selectOption("off");
  await expect(win.getByTestId("update-policy-notes")).toBeEnabled();
  await page.reload();
  const again = await openSystemTab(page, "updates");
  await expect(again.getByTestId("update-policy-notes")).toHaveValue("off");

  // The app's own settings show its history and the same policy.
  const settings = await openAppSettings(page, "notes");
  await settings.getByTestId("tab-about").click();
  await expect(settings.getByTestId("app-update-history-notes")).toContainText("Updated notes 1.0.0 → 2.0.0");
  await expect(settings.getByTestId("update-policy-notes")).toHaveValue("off");
});
