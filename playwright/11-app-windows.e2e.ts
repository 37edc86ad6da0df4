import { expect, test, type FrameLocator, type Page } from "@playwright/test";
import { usePcc } from "./pcc-fixture";
import { claimOwner, helloCatalog, installWithCli, signInContext } from "./shell-helpers";

// App windows: the sandboxed iframe on the app's own host, its origin in the title bar, reload, the
// postMessage bridge (and what it refuses), notifications, the app-down and untrusted-certificate pages.
const catalog = helloCatalog([
  { id: "hello", name: "Hello" },
  { id: "second", name: "Second" },
  { id: "third", name: "Third" },
]);
const env = usePcc({ catalog });

test.use({ viewport: { width: 1440, height: 900 } });

let cookie = "";
test.beforeAll(async () => {
  test.setTimeout(300_000);
  cookie = await claimOwner(env.pcc);
  installWithCli(env.pcc, "hello", "second");
});

test.beforeEach(async ({ context }) => {
  await signInContext(context, env.pcc, cookie);
});

const host = (id: string) => new URL(env.pcc.appUrl(id)).host;

/** Runs `fn` inside an app's iframe, as the app's own script would. */
async function inApp(page: Page, id: string, fn: () => void) {
  const frame = page.frames().find((f) => f.url().startsWith(env.pcc.appUrl(id)));
  if (!frame) throw new Error(`no frame of ${id} is loaded`);
  await frame.evaluate(fn);
}

async function openApp(page: Page, id: string): Promise<FrameLocator> {
  await page.getByTestId(`dock-item-${id}`).click();
  const frame = page.frameLocator(`[data-testid=app-iframe-${id}]`);
  await expect(frame.getByText("Hello from PCC")).toBeVisible({ timeout: 30_000 });
  return frame;
}

test("an app runs sandboxed on its own host, shows its origin and reloads", async ({ page }) => {
  await page.goto(env.pcc.shellUrl);
  const frame = await openApp(page, "hello");
  const win = page.getByTestId("window-app-hello");
  await expect(win.getByTestId("window-origin")).toHaveText(host("hello"));

  const sandbox = (await page.getByTestId("app-iframe-hello").getAttribute("sandbox")) ?? "";
  expect(sandbox.split(" ")).toEqual(expect.arrayContaining(["allow-scripts", "allow-same-origin", "allow-forms", "allow-popups", "allow-downloads"]));
  expect(sandbox).not.toContain("allow-top-navigation");

  await frame.locator("body").evaluate(() => ((window as unknown as { __mark: number }).__mark = 1));
  await win.getByTestId("app-reload-hello").click();
  await expect(frame.getByText("Hello from PCC")).toBeVisible({ timeout: 30_000 });
  expect(await frame.locator("body").evaluate(() => (window as unknown as { __mark?: number }).__mark)).toBeUndefined();
});

test("the bridge: titles, notifications with badges, opening apps and links; forged messages are ignored", async ({ page }) => {
  await page.goto(env.pcc.shellUrl);
  await openApp(page, "hello");
  const hello = page.getByTestId("window-app-hello");

  await test.step("pcc:title sets the window's title, next to the origin it cannot hide", async () => {
    await inApp(page, "hello", () => parent.postMessage({ type: "pcc:title", title: "Inbox (3)" }, "*"));
    await expect(hello.locator("h2")).toHaveText("Hello – Inbox (3)");
    await expect(hello.getByTestId("window-origin")).toHaveText(host("hello"));
  });

  await test.step("pcc:notify shows a toast, a dock badge and an entry in the notification centre", async () => {
    await page.getByTestId("dock-item-store").click();
    await expect(page.getByTestId("window-store")).toHaveAttribute("data-focused", "true");
    await inApp(page, "hello", () => parent.postMessage({ type: "pcc:notify", title: "Backup finished", body: "3 files saved" }, "*"));
    await expect(page.getByTestId("toast").filter({ hasText: "Backup finished" })).toBeVisible();
    await expect(page.getByTestId("dock-badge-hello")).toHaveText("1");
    await page.getByTestId("top-notifications").click();
    const centre = page.getByTestId("notification-center");
    await expect(centre.getByTestId("notification").filter({ hasText: "Backup finished" })).toContainText("3 files saved");
    await centre.getByText("Backup finished").click();
    await expect(hello).toHaveAttribute("data-focused", "true");
    await expect(page.getByTestId("dock-badge-hello")).toHaveCount(0);
  });

  await test.step("messages not sent by the app's own iframe from its own origin are ignored", async () => {
    // From the shell's own window (another origin, another source).
    await page.evaluate(() => window.postMessage({ type: "pcc:notify", title: "Forged by the shell page" }, "*"));
    // From another app's iframe: a real app, but not this window's.
    await openApp(page, "second");
    await inApp(page, "second", () => parent.postMessage({ type: "pcc:title", title: "Second's title" }, "*"));
    await expect(page.getByTestId("window-app-second").locator("h2")).toHaveText("Second – Second's title");
    await expect(hello.locator("h2")).toHaveText("Hello – Inbox (3)");
    // Malformed and unknown messages from the right iframe.
    await inApp(page, "hello", () => {
      parent.postMessage({ type: "pcc:notify" }, "*");
      parent.postMessage({ type: "pcc:open", url: "javascript:alert(1)" }, "*");
      parent.postMessage("pcc:notify", "*");
    });
    await page.waitForTimeout(500);
    await page.getByTestId("top-notifications").click();
    await expect(page.getByTestId("notification-center").getByTestId("notification")).toHaveCount(1);
    await page.keyboard.press("Escape");
    await expect(page.getByTestId("link-request")).toHaveCount(0);
  });

  await test.step("pcc:open with an app id brings that app to the front", async () => {
    await inApp(page, "second", () => parent.postMessage({ type: "pcc:open", appId: "hello" }, "*"));
    await expect(hello).toHaveAttribute("data-focused", "true");
  });

  await test.step("pcc:open with a page of another app opens it in that app's window", async () => {
    const target = `${env.pcc.appUrl("second")}/cgi-bin/whoami`;
    await inApp(page, "hello", () => parent.postMessage({ type: "pcc:open", url: location.origin.replace("hello.", "second.") + "/cgi-bin/whoami" }, "*"));
    await expect(page.getByTestId("window-app-second")).toHaveAttribute("data-focused", "true");
    await expect.poll(() => page.frames().some((f) => f.url() === target)).toBe(true);
  });

  await test.step("pcc:open with an outside link asks the owner first", async () => {
    await inApp(page, "hello", () => parent.postMessage({ type: "pcc:open", url: "https://example.org/docs?x=1" }, "*"));
    const dialog = page.getByTestId("link-request");
    await expect(dialog).toContainText("Hello wants to open a page");
    await expect(dialog).toContainText("https://example.org/docs?x=1");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toHaveCount(0);
  });
});

test("installs become notifications; a stopped app says so and starts again", async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto(env.pcc.shellUrl);

  await test.step("an install from the store ends in an 'installed' notification and a badge", async () => {
    await page.getByTestId("dock-item-store").click();
    await page.getByTestId("store-install-third").click();
    await expect(page.getByTestId("store-open-third")).toBeVisible({ timeout: 120_000 });
    await expect(page.getByTestId("toast").filter({ hasText: "Third is installed" })).toBeVisible({ timeout: 20_000 });
    await expect(page.getByTestId("dock-badge-third")).toHaveText("1");
  });

  await test.step("an app stopped elsewhere shows a clear page in its window, and starts from it", async () => {
    await openApp(page, "hello");
    const r = env.pcc.cli("app", "stop", "hello");
    expect(r.code, r.stderr).toBe(0);
    // The desktop polls apps.list; a stop from the CLI shows at the next poll.
    const down = page.getByTestId("app-down-hello");
    await expect(down).toBeVisible({ timeout: 30_000 });
    await expect(down).toContainText("Hello is stopped");
    await page.getByTestId("app-down-start-hello").click();
    await expect(page.frameLocator("[data-testid=app-iframe-hello]").getByText("Hello from PCC")).toBeVisible({ timeout: 90_000 });
    // Stopping is something the owner did: no notification about it.
    await expect(page.getByTestId("toast").filter({ hasText: "stopped working" })).toHaveCount(0);
  });
});

test("an untrusted certificate gets a clear page with the way to fix it", async ({ page }) => {
  await page.goto(env.pcc.shellUrl);
  await openApp(page, "hello");

  await test.step("when the app's host refuses the connection, the window explains the certificate", async () => {
    // What a browser that does not trust PCC's CA sees: every request to the app's host fails.
    await page.route(`${env.pcc.appUrl("hello")}/**`, (route) => route.abort("failed"));
    await page.getByTestId("app-reload-hello").click();
    const page_ = page.getByTestId("app-cert-untrusted");
    await expect(page_).toContainText("Your device does not trust your PCC's certificate yet");
    await expect(page_).toContainText(host("hello"));
    await expect(page.getByTestId("trust-guide-link")).toHaveAttribute("href", "/trust");
  });

  await test.step("once the device trusts it, Try again shows the app", async () => {
    await page.unroute(`${env.pcc.appUrl("hello")}/**`);
    await page.getByTestId("app-cert-untrusted").getByRole("button", { name: "Try again" }).click();
    await expect(page.getByTestId("app-cert-untrusted")).toHaveCount(0);
    await expect(page.frameLocator("[data-testid=app-iframe-hello]").getByText("Hello from PCC")).toBeVisible({ timeout: 30_000 });
  });

  await test.step("the trust guide covers every system and links PCC's root certificate", async () => {
    await page.goto(`${env.pcc.shellUrl}/trust`);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Trust your PCC on this device");
    await expect(page.getByTestId("root-cert-download")).toHaveAttribute("href", "/_pcc/root.crt");
    for (const name of ["iPhone and iPad", "Android", "Mac", "Windows", "Linux"]) {
      await expect(page.getByRole("heading", { level: 2, name })).toBeVisible();
    }
  });
});
