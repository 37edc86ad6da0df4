import { expect, test, type Locator, type Page } from "@playwright/test";
import { usePcc } from "./pcc-fixture";

const INSTALL_TIMEOUT = 120_000;
const PHONE = { width: 390, height: 844 };

test.use({ viewport: PHONE, isMobile: true, hasTouch: true });

const env = usePcc();

// This spec's own starting point, made the way an owner would: the PCC is claimed (on another
// device), and hello was installed once and uninstalled with its data kept.
test.beforeAll(async () => {
  const { pcc } = env;
  await pcc.claim();
  for (const args of [["app", "install", "hello"], ["app", "remove", "hello"]]) {
    const r = pcc.cli(...args);
    if (r.code !== 0) throw new Error(`pcc ${args.join(" ")} failed: ${r.stderr}`);
  }
});

/** What the owner does on the machine, as root: `./pcc login-code REQUEST` for the request a browser shows. */
function loginCode(requestId: string): string {
  const r = env.pcc.cli("login-code", requestId);
  const m = /^Sign-in code: (\S+)$/m.exec(r.stdout);
  if (!m) throw new Error(`pcc login-code ${requestId} printed no code:\n${r.stdout}${r.stderr}`);
  return m[1]!;
}

/** The sign-in page's "code from the server" way: it makes a request and shows its id. */
async function requestCode(page: Page): Promise<string> {
  await page.getByTestId("signin-code-mode").tap();
  const id = page.getByTestId("login-request-id");
  await expect(id).toHaveText(/^[A-Z0-9]{4}$/);
  return (await id.textContent())!.trim();
}

async function box(locator: Locator) {
  const b = await locator.boundingBox();
  if (!b) throw new Error("element has no bounding box (not visible?)");
  return b;
}

async function signIn(page: Page, code: string) {
  await page.getByTestId("signin-code-input").fill(code);
  await page.getByTestId("signin-submit").tap();
}

/**
 * Fetches from the page itself: Node's resolver (behind page.request) does not know *.localhost,
 * while the browser maps it to loopback (see the config's host-resolver-rules).
 */
async function browserGet(page: Page, url: string) {
  return page.evaluate(async (u) => {
    const r = await fetch(u, { cache: "no-store" });
    const bytes = (await r.arrayBuffer()).byteLength;
    return { status: r.status, contentType: r.headers.get("content-type") ?? "", bytes };
  }, url);
}

test("the owner signs in on a phone with a code root issued for it, and uses an app", async ({ page, browser }) => {
  test.setTimeout(300_000);
  let code = "";

  await test.step("a claimed PCC asks to sign in; the page's request gets a code from root; a wrong code is refused, the right one opens the desktop", async () => {
    await page.goto(env.pcc.shellUrl);
    await expect(page.getByTestId("signin-passkey")).toBeVisible();
    await expect(page.getByTestId("setup-code-input")).toHaveCount(0);
    const requestId = await requestCode(page);
    code = loginCode(requestId);
    expect(code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    await expect(page.getByText("A code was issued")).toBeVisible();
    await signIn(page, "ZZZZ-0000");
    await expect(page.getByTestId("auth-error")).toBeVisible();
    await expect(page.getByTestId("desktop")).toHaveCount(0);

    await signIn(page, code);
    await expect(page.getByTestId("desktop")).toBeVisible();
  });

  await test.step("the dock is a bar along the bottom of the phone's screen", async () => {
    const dock = page.getByTestId("dock");
    await expect(dock).toBeVisible();
    await expect(page.getByTestId("dock-item-store")).toBeVisible();
    await expect(page.getByTestId("dock-item-system")).toBeVisible();
    const b = await box(dock);
    expect(Math.abs(b.y + b.height - PHONE.height)).toBeLessThanOrEqual(1);
    expect(b.x).toBeLessThanOrEqual(1);
    expect(b.width).toBeGreaterThanOrEqual(PHONE.width - 2);
  });

  await test.step("the App Store is a bottom sheet, and hello reinstalls and opens from it", async () => {
    await page.getByTestId("dock-item-store").tap();
    const store = page.getByTestId("window-store");
    await expect(store).toBeVisible();
    const s = await box(store);
    expect(s.x).toBeLessThanOrEqual(1);
    expect(s.width).toBeGreaterThanOrEqual(PHONE.width - 2);
    // A bottom sheet: along the bottom edge, nearly full height (playwright/12 covers the phone layout).
    expect(Math.abs(s.y + s.height - PHONE.height)).toBeLessThanOrEqual(1);
    expect(s.y).toBeLessThan(PHONE.height * 0.1);

    // hello was uninstalled keeping its data, so the store offers to reinstall it.
    const install = page.getByTestId("store-install-hello");
    await expect(install).toHaveText("Reinstall", { timeout: 30_000 });
    await install.tap();
    await expect(page.getByTestId("store-open-hello")).toBeVisible({ timeout: INSTALL_TIMEOUT });
    // On a phone, apps live on the home screen; the dock holds the store, search, alerts and settings.
    await expect(page.getByTestId("home-app-hello")).toBeVisible();

    await page.getByTestId("store-open-hello").tap();
    const appWindow = page.getByTestId("window-app-hello");
    await expect(appWindow).toBeVisible();
    await expect(appWindow).toHaveAttribute("data-focused", "true");
    const a = await box(appWindow);
    expect(a.width).toBeGreaterThanOrEqual(PHONE.width - 2);
    const frame = page.frameLocator("[data-testid=app-iframe-hello]");
    // The first load bounces through the app-auth redirect before the app answers.
    await expect(frame.getByText("Hello from PCC")).toBeVisible({ timeout: 30_000 });
  });

  await test.step("the code works in no other browser (read off a phished page, it is useless)", async () => {
    const other = await browser.newContext({ ignoreHTTPSErrors: true, viewport: PHONE, isMobile: true, hasTouch: true });
    try {
      const otherPage = await other.newPage();
      await otherPage.goto(env.pcc.shellUrl);
      await requestCode(otherPage);
      await signIn(otherPage, code);
      await expect(otherPage.getByTestId("auth-error")).toBeVisible();
      await expect(otherPage.getByTestId("desktop")).toHaveCount(0);
    } finally {
      await other.close();
    }
  });

  await test.step("the web app manifest is served and installable", async () => {
    const res = await page.evaluate(async () => {
      const r = await fetch("/manifest.webmanifest", { cache: "no-store" });
      return { status: r.status, text: await r.text() };
    });
    expect(res.status).toBe(200);
    const manifest = JSON.parse(res.text) as {
      name?: string;
      display?: string;
      start_url?: string;
      icons?: { src: string; sizes?: string; type?: string }[];
    };
    expect(manifest.name).toBeTruthy();
    expect(manifest.display).toBe("standalone");
    expect(manifest.start_url).toBeTruthy();
    const icons = manifest.icons ?? [];
    for (const size of ["192x192", "512x512"]) {
      const icon = icons.find((i) => (i.sizes ?? "").split(/\s+/).includes(size));
      expect(icon, `an icon of ${size}`).toBeTruthy();
      const got = await browserGet(page, new URL(icon!.src, page.url()).href);
      expect(got.status, icon!.src).toBe(200);
      expect(got.contentType, icon!.src).toMatch(/^image\/png\b/);
      expect(got.bytes, icon!.src).toBeGreaterThan(0);
    }
    // The shell's page links it, so a phone's browser actually finds it.
    await expect(page.locator('link[rel="manifest"]')).toHaveAttribute("href", /manifest\.webmanifest$/);
  });

  await test.step("uninstalling hello while keeping its data leaves the PCC as it was", async () => {
    const appWindow = page.getByTestId("window-app-hello");
    const settings = page.getByTestId("window-settings-hello");
    await page.getByTestId("app-settings-hello").tap();
    await expect(settings).toBeVisible();
    await expect(settings).toHaveAttribute("data-focused", "true");
    await expect(page.getByTestId("app-status-hello")).toHaveText("running");
    await page.getByTestId("app-uninstall-hello").tap();
    const dialog = page.getByTestId("uninstall-dialog");
    await expect(dialog).toBeVisible();
    await expect(page.getByTestId("uninstall-keep-data")).toBeChecked();
    await page.getByTestId("uninstall-confirm").tap();
    await expect(page.getByTestId("home-app-hello")).toHaveCount(0, { timeout: 60_000 });
    await expect(dialog).toHaveCount(0);
    await expect(settings).toHaveCount(0);
    await expect(appWindow).toHaveCount(0);

    // The store sheet was under the app's all along, and offers to reinstall with the kept data.
    await expect(page.getByTestId("window-store")).toBeVisible();
    await expect(page.getByTestId("store-install-hello")).toHaveText("Reinstall", { timeout: 30_000 });
  });
});
