import { expect, test, type Locator } from "@playwright/test";
import { waitFor } from "../tests/helpers/pcc-instance";
import { scan, switchTheme } from "./axe-scan";
import { claimOwner, installWithCli, signInContext } from "./shell-helpers";
import { container, openAppSettings, openSystemTab, usePccWithTestApps } from "./store-helpers";

// An app's Logs and Stats tabs, over the offline test apps: chatty prints its generated secret on stdout
// and stderr and a numbered tick every second (tests/helpers/test-apps.ts); kv has two services.
// The system overview samples every second here (30 s by default), so its lines fill in quickly.
const env = usePccWithTestApps(undefined, { env: { PCC_USAGE_SAMPLE_SECONDS: "1" } });

test.use({ viewport: { width: 1440, height: 900 } });

let cookie = "";
let token = "";
test.beforeAll(async () => {
  test.setTimeout(300_000);
  cookie = await claimOwner(env.pcc);
  installWithCli(env.pcc, "chatty", "kv");
  token = (await container(env.pcc, "chatty", "web")).env.CHATTY_TOKEN ?? "";
});

test.beforeEach(async ({ context }) => {
  await signInContext(context, env.pcc, cookie);
});

/** The tick numbers of the rows on screen. */
async function ticks(view: Locator): Promise<number[]> {
  return (await view.getByTestId("log-line").allTextContents()).map((t) => /tick (\d+)/.exec(t)?.[1]).filter(Boolean).map(Number);
}

test("logs: followed live with the secret masked, paused and resumed, a smaller history", async ({ page }) => {
  test.setTimeout(180_000);
  expect(token).toMatch(/^[A-Za-z0-9]{32}$/);
  await page.goto(env.pcc.shellUrl);
  const settings = await openAppSettings(page, "chatty");
  await settings.getByTestId("window-maximize").click();
  await settings.getByTestId("tab-logs").click();
  const view = settings.getByTestId("logs-view");

  await test.step("the history and new lines arrive, the secret masked on stdout and stderr", async () => {
    await expect(settings.getByTestId("logs-status")).toHaveText("Live");
    await expect(view.getByTestId("log-line").filter({ hasText: /chatty: tick \d+ token=\*{6}$/ }).first()).toBeVisible({ timeout: 30_000 });
    const first = Math.max(...(await ticks(view)));
    await expect.poll(async () => Math.max(...(await ticks(view))), { timeout: 20_000 }).toBeGreaterThan(first + 1);
    // The start of the output is in the 500 lines of history: scroll up to it.
    await view.evaluate((el) => (el.scrollTop = 0));
    await expect(view.getByTestId("log-line").filter({ hasText: "chatty: starting with token=******" })).toBeVisible();
    await expect(view.locator("[data-stream=stderr]").filter({ hasText: "chatty: on stderr token=******" })).toBeVisible();
    expect(await settings.textContent()).not.toContain(token);
    await view.evaluate((el) => (el.scrollTop = el.scrollHeight));
  });

  await test.step("pause freezes the view and counts what comes meanwhile; resume shows it", async () => {
    await settings.getByTestId("logs-pause").click();
    await expect(settings.getByTestId("logs-pause")).toHaveAttribute("aria-pressed", "true");
    const frozen = Math.max(...(await ticks(view)));
    await expect(settings.getByTestId("logs-status")).toHaveText(/Paused, \d+ new lines?/, { timeout: 10_000 });
    await page.waitForTimeout(2_000);
    expect(Math.max(...(await ticks(view)))).toBe(frozen);
    await settings.getByTestId("logs-pause").click();
    await expect(settings.getByTestId("logs-status")).toHaveText("Live");
    await expect.poll(async () => Math.max(...(await ticks(view)))).toBeGreaterThan(frozen + 1);
  });

  await test.step("a smaller history starts the view over with that many lines", async () => {
    await settings.getByTestId("logs-tail").selectOption("100");
    await expect(settings.getByTestId("logs-status")).toHaveText("Live");
    await expect.poll(async () => Number(await settings.getByTestId("logs-count").getAttribute("data-count"))).toBeGreaterThan(0);
    // 100 lines of history, plus the few ticks that came since.
    expect(Number(await settings.getByTestId("logs-count").getAttribute("data-count"))).toBeLessThanOrEqual(110);
    expect(await settings.textContent()).not.toContain(token);
  });
});

test("logs of a two-service app: all services or one", async ({ page }) => {
  await page.goto(env.pcc.shellUrl);
  const settings = await openAppSettings(page, "kv");
  await settings.getByTestId("tab-logs").click();
  const view = settings.getByTestId("logs-view");
  await expect(view.getByTestId("log-line").first()).toBeVisible({ timeout: 30_000 });
  await expect.poll(async () => new Set(await view.getByTestId("log-line").evaluateAll((ls) => ls.map((l) => l.getAttribute("data-service")))).size).toBe(2);
  await settings.getByTestId("logs-service").selectOption("store");
  await expect(settings.getByTestId("logs-status")).toHaveText("Live");
  await expect(view.getByTestId("log-line").first()).toBeVisible({ timeout: 30_000 });
  expect(new Set(await view.getByTestId("log-line").evaluateAll((ls) => ls.map((l) => l.getAttribute("data-service"))))).toEqual(new Set(["store"]));
});

test("stats: CPU, memory, network and disk per service, updated live", async ({ page }) => {
  await page.goto(env.pcc.shellUrl);
  const settings = await openAppSettings(page, "chatty");
  await settings.getByTestId("tab-stats").click();
  const stats = settings.getByTestId("stats");
  await expect(stats).toBeVisible({ timeout: 20_000 });
  // CPU needs two samples; the first comes after one second, then one every two.
  await expect(stats.getByTestId("stats-cpu")).toHaveText(/^\d+(\.\d)?%$/, { timeout: 15_000 });
  await expect(stats.getByTestId("stats-memory")).toHaveText(/^\d+(\.\d)? (KB|MB)$/);
  await expect(stats.getByTestId("stats-network")).toHaveText(/^↓ \d/);
  // chatty wrote 1 MiB to its volume.
  await expect(stats.getByTestId("stats-disk")).toHaveText(/^(1(\.\d)?|[2-9](\.\d)?|\d\d+) MB$/, { timeout: 40_000 });
  await expect(stats.getByTestId("stats-volume-data")).toContainText("MB");
  const row = stats.getByTestId("stats-service-web");
  await expect(row.getByTestId("stats-cpu-web")).toHaveText(/%$/);
  await expect(row.getByTestId("stats-memory-web")).toHaveText(/ \/ \d/);

  await test.step("a two-service app lists each service", async () => {
    const kv = await openAppSettings(page, "kv");
    await kv.getByTestId("tab-stats").click();
    await expect(kv.getByTestId("stats-service-web")).toBeVisible({ timeout: 20_000 });
    await expect(kv.getByTestId("stats-service-store")).toBeVisible();
  });

  await test.step("the figures keep coming", async () => {
    const at = await settings.locator("p", { hasText: "Updated" }).textContent();
    await waitFor("a newer sample", async () => (await settings.locator("p", { hasText: "Updated" }).textContent()) !== at, 10_000);
  });
});

test("the system overview: the machine's CPU, memory and disk over time, and each app's share", async ({ page }) => {
  await page.goto(env.pcc.shellUrl);
  const win = await openSystemTab(page, "overview");
  const overview = win.getByTestId("system-overview");
  await expect(overview).toBeVisible({ timeout: 20_000 });
  await expect(overview.getByTestId("overview-cpu")).toContainText(/\d+(\.\d)?%\s*of \d+ cores?/, { timeout: 15_000 });
  await expect(overview.getByTestId("overview-memory")).toContainText(/ (MB|GB)\s*of \d/);
  await expect(overview.getByTestId("overview-disk")).toContainText(/ (MB|GB|TB)\s*of \d/);
  // A line per resource once there are two samples.
  for (const name of ["CPU", "Memory", "Disk"]) await expect(overview.getByRole("img", { name: `${name} over the last hour` })).toBeVisible({ timeout: 15_000 });
  await expect(overview.getByTestId("overview-app-kv")).toContainText(/Kv.*\d+(\.\d)? (KB|MB)/i);
  await expect(overview.getByTestId("overview-app-chatty")).toBeVisible();
  for (const theme of ["light", "dark"] as const) {
    await switchTheme(page, theme);
    expect(await scan(page, theme, "[data-testid=window-system]")).toEqual([]);
  }
});
