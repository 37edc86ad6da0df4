import { expect, test, type Locator, type Page } from "@playwright/test";
import { usePcc } from "./pcc-fixture";
import { box, claimOwner, dragBy, dragTitleBar, installWithCli, screenshotPath, signInContext } from "./shell-helpers";

// The desktop as a window manager: open, focus, drag, snap, resize, minimize, shortcuts, palette,
// themes and wallpapers, and a layout that survives a reload.
const env = usePcc();
const VIEW = { width: 1440, height: 900 };
// The window area: below the 32 px top bar, above the 96 px dock reserve (web/lib/window-geometry.ts).
const AREA = { x: 0, y: 32, width: VIEW.width, height: VIEW.height - 32 - 96 };

test.use({ viewport: VIEW });

let cookie = "";
test.beforeAll(async () => {
  test.setTimeout(240_000);
  cookie = await claimOwner(env.pcc);
  installWithCli(env.pcc, "hello");
});

test.beforeEach(async ({ context }) => {
  await signInContext(context, env.pcc, cookie);
});

const near = (a: number, b: number, tolerance = 2) => Math.abs(a - b) <= tolerance;

async function expectRect(win: Locator, r: { x: number; y: number; width: number; height: number }) {
  await expect
    .poll(async () => {
      const b = await box(win);
      return near(b.x, r.x) && near(b.y, r.y) && near(b.width, r.width) && near(b.height, r.height) ? "ok" : JSON.stringify(b);
    })
    .toBe("ok");
}

/** The wallpaper radios are visually hidden behind their previews: click the preview, as a person does. */
const wallpaper = (page: Page, id: string) => page.locator("label", { has: page.getByTestId(`wallpaper-${id}`) });

/** Clicks a spot of the window's title bar that no other window covers. */
async function focusByTitle(page: Page, win: Locator) {
  const spot = await win.getByTestId("window-titlebar").evaluate((bar) => {
    const r = bar.getBoundingClientRect();
    for (let x = r.left + 8; x < r.right - 140; x += 12) {
      const y = r.top + r.height / 2;
      const hit = document.elementFromPoint(x, y);
      if (hit && bar.contains(hit) && !hit.closest("button")) return { x, y };
    }
    return null;
  });
  if (!spot) throw new Error("the title bar is covered by other windows");
  await page.mouse.click(spot.x, spot.y);
  await expect(win).toHaveAttribute("data-focused", "true");
}

test("windows open, stack, drag, snap, resize, minimize and come back after a reload", async ({ page }) => {
  test.setTimeout(180_000);
  const hello = page.getByTestId("window-app-hello");
  const store = page.getByTestId("window-store");
  const system = page.getByTestId("window-system");

  await test.step("the desktop has a top bar, a dock with every app, and opens windows from it", async () => {
    await page.goto(env.pcc.shellUrl);
    await expect(page.getByTestId("desktop")).toHaveAttribute("data-layout", "desktop");
    await expect(page.getByTestId("top-bar")).toBeVisible();
    await page.getByTestId("dock-item-hello").click();
    await expect(hello).toBeVisible();
    await expect(page.frameLocator("[data-testid=app-iframe-hello]").getByText("Hello from PCC")).toBeVisible({ timeout: 30_000 });
    await page.getByTestId("dock-item-store").click();
    await page.getByTestId("dock-item-system").click();
    await expect(store).toBeVisible();
    await expect(system).toHaveAttribute("data-focused", "true");
    await expect(page.getByTestId("dock-item-hello")).toHaveAttribute("data-presence", "open");
  });

  await test.step("clicking a window raises it above the others", async () => {
    await focusByTitle(page, hello);
    const z = (l: Locator) => l.evaluate((el) => Number(getComputedStyle(el).zIndex));
    expect(await z(hello)).toBeGreaterThan(await z(system));
    await expect(system).toHaveAttribute("data-focused", "false");
  });

  await test.step("dragging to the left edge previews, then snaps to the left half", async () => {
    // Raised from the dock: hello, opened first but raised last, covers the store's title bar.
    await page.getByTestId("dock-item-store").click();
    await expect(store).toHaveAttribute("data-focused", "true");
    await dragTitleBar(page, store, { x: 1, y: 450 }, {
      beforeRelease: async () => {
        await expect(page.getByTestId("snap-preview")).toBeVisible();
        // The window follows the pointer while the outline shows where it will land.
        expect((await box(page.getByTestId("snap-preview"))).width).toBeCloseTo(AREA.width / 2, 0);
      },
    });
    await expect(page.getByTestId("snap-preview")).toBeHidden();
    await expect(store).toHaveAttribute("data-snap", "left");
    await expectRect(store, { x: 0, y: AREA.y, width: AREA.width / 2, height: AREA.height });
  });

  await test.step("dragging a snapped window away gives it its own size back", async () => {
    await dragTitleBar(page, store, { x: 500, y: 300 });
    await expect(store).toHaveAttribute("data-snap", "none");
    const b = await box(store);
    expect(b.width).toBeCloseTo(920, 0);
  });

  await test.step("dragging to the top maximizes; a double-click on the title bar restores and maximizes", async () => {
    await dragTitleBar(page, store, { x: 700, y: 2 });
    await expect(store).toHaveAttribute("data-snap", "max");
    await expectRect(store, AREA);
    await store.getByTestId("window-titlebar").dblclick({ position: { x: 30, y: 20 } });
    await expect(store).toHaveAttribute("data-snap", "none");
    await store.getByTestId("window-titlebar").dblclick({ position: { x: 30, y: 20 } });
    await expect(store).toHaveAttribute("data-snap", "max");
    await store.getByTestId("window-maximize").click();
    await expect(store).toHaveAttribute("data-snap", "none");
  });

  await test.step("dragging into a corner snaps to a quarter", async () => {
    await dragTitleBar(page, store, { x: VIEW.width - 2, y: VIEW.height - 96 - 2 });
    await expect(store).toHaveAttribute("data-snap", "bottom-right");
    await expectRect(store, { x: AREA.width / 2, y: AREA.y + AREA.height / 2, width: AREA.width / 2, height: AREA.height / 2 });
  });

  await test.step("Ctrl+Alt+arrows snap the focused window to halves and quarters, and minimize it", async () => {
    await page.getByTestId("dock-item-system").click();
    await expect(system).toHaveAttribute("data-focused", "true");
    await page.keyboard.press("Control+Alt+ArrowLeft");
    await expect(system).toHaveAttribute("data-snap", "left");
    await page.keyboard.press("Control+Alt+ArrowUp");
    await expect(system).toHaveAttribute("data-snap", "top-left");
    await expectRect(system, { x: 0, y: AREA.y, width: AREA.width / 2, height: AREA.height / 2 });
    await page.keyboard.press("Control+Alt+ArrowRight");
    await expect(system).toHaveAttribute("data-snap", "none");
    await page.keyboard.press("Control+Alt+ArrowUp");
    await expect(system).toHaveAttribute("data-snap", "max");
    await page.keyboard.press("Control+Alt+ArrowDown");
    await expect(system).toHaveAttribute("data-snap", "none");
    await page.keyboard.press("Control+Alt+ArrowDown");
    await expect(system).toBeHidden();
    await expect(page.getByTestId("dock-item-system")).toHaveAttribute("data-presence", "minimized");
    await page.getByTestId("dock-item-system").click();
    await expect(system).toBeVisible();
    await expect(system).toHaveAttribute("data-focused", "true");
  });

  await test.step("resizing by the left edge moves that edge only", async () => {
    const before = await box(system);
    const x = before.x + 2;
    const y = before.y + before.height / 2;
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x - 80, y, { steps: 8 });
    await page.mouse.up();
    const after = await box(system);
    expect(near(after.x, before.x - 80)).toBe(true);
    expect(near(after.x + after.width, before.x + before.width)).toBe(true);
    await dragBy(page, system.getByTestId("window-resize"), 40, 30);
    const grown = await box(system);
    expect(near(grown.height, after.height + 30)).toBe(true);
  });

  await test.step("a minimized app keeps running: restoring it from the dock does not reload it", async () => {
    const frame = page.frameLocator("[data-testid=app-iframe-hello]");
    await frame.locator("body").evaluate(() => ((window as unknown as { __pccMark: number }).__pccMark = 42));
    await hello.getByTestId("window-minimize").click();
    await expect(hello).toBeHidden();
    await expect(page.getByTestId("dock-item-hello")).toHaveAttribute("data-presence", "minimized");
    await page.getByTestId("dock-item-hello").click();
    await expect(hello).toBeVisible();
    await expect(hello).toHaveAttribute("data-focused", "true");
    expect(await frame.locator("body").evaluate(() => (window as unknown as { __pccMark?: number }).__pccMark)).toBe(42);
  });

  await test.step("the layout is remembered on this device and restored on reload", async () => {
    await hello.getByTestId("window-minimize").click();
    const storeBox = await box(store);
    const systemBox = await box(system);
    await page.waitForTimeout(400); // the layout is saved after a short debounce
    await page.reload();
    await expect(store).toHaveAttribute("data-snap", "bottom-right");
    await expectRect(store, storeBox);
    await expectRect(system, systemBox);
    await expect(hello).toBeHidden();
    await expect(page.getByTestId("dock-item-hello")).toHaveAttribute("data-presence", "minimized");
  });
});

test("shortcuts, the search palette, the launcher, themes and wallpapers", async ({ page }) => {
  await page.goto(env.pcc.shellUrl);
  await expect(page.getByTestId("dock")).toBeVisible();

  await test.step("? shows the shortcut sheet and Esc closes it", async () => {
    await page.keyboard.press("?");
    await expect(page.getByTestId("shortcut-sheet")).toBeVisible();
    await expect(page.getByTestId("shortcut-sheet")).toContainText("Snap to the left half");
    await page.keyboard.press("Escape");
    await expect(page.getByTestId("shortcut-sheet")).toHaveCount(0);
  });

  await test.step("Ctrl+K searches apps, store entries and settings; Enter opens the match", async () => {
    await page.keyboard.press("Control+k");
    const palette = page.getByTestId("search-palette");
    await expect(palette).toBeVisible();
    await expect(page.getByTestId("palette-input")).toBeFocused();
    await page.keyboard.type("hello");
    await expect(page.getByTestId("palette-item-app-hello")).toBeVisible();
    await expect(page.getByTestId("palette-item-store-hello")).toBeVisible();
    await expect(page.getByTestId("palette-item-settings-hello")).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(palette).toHaveCount(0);

    await page.keyboard.press("Control+k");
    await page.keyboard.type("wallpaper");
    await expect(page.getByTestId("palette-item-appearance")).toBeVisible();
    await page.getByTestId("palette-input").fill("appearance");
    await page.keyboard.press("Enter");
    await expect(palette).toHaveCount(0);
    await expect(page.getByTestId("window-system")).toBeVisible();
    await expect(page.getByTestId("tab-appearance")).toHaveAttribute("aria-selected", "true");
  });

  await test.step("themes follow the system unless overridden, and wallpapers change at once", async () => {
    await page.emulateMedia({ colorScheme: "dark" });
    await expect(page.locator("html")).toHaveClass(/\bdark\b/);
    await page.emulateMedia({ colorScheme: "light" });
    await expect(page.locator("html")).not.toHaveClass(/\bdark\b/);
    await page.getByTestId("theme-dark").check();
    await expect(page.locator("html")).toHaveClass(/\bdark\b/);
    await wallpaper(page, "ocean").click();
    await expect(page.getByTestId("desktop")).toHaveAttribute("data-wallpaper", "ocean");
    await page.reload();
    await expect(page.locator("html")).toHaveClass(/\bdark\b/);
    await expect(page.getByTestId("desktop")).toHaveAttribute("data-wallpaper", "ocean");
    await page.getByTestId("theme-system").check();
    await wallpaper(page, "aurora").click();
    await expect(page.locator("html")).not.toHaveClass(/\bdark\b/);
  });

  await test.step("Ctrl+Alt+A shows every app; picking one opens it", async () => {
    await page.keyboard.press("Control+Alt+KeyA");
    await expect(page.getByTestId("launcher")).toBeVisible();
    await page.getByTestId("launcher-app-hello").click();
    await expect(page.getByTestId("launcher")).toHaveCount(0);
    await expect(page.getByTestId("window-app-hello")).toHaveAttribute("data-focused", "true");
  });
});

test("screenshot of the desktop for the README", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "light", reducedMotion: "reduce" });
  await page.goto(env.pcc.shellUrl);
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await page.getByTestId("dock-item-store").click();
  await page.keyboard.press("Control+Alt+ArrowLeft");
  await page.getByTestId("dock-item-hello").click();
  await page.keyboard.press("Control+Alt+ArrowRight");
  await page.keyboard.press("Control+Alt+ArrowUp");
  await page.getByTestId("dock-item-system").click();
  await page.keyboard.press("Control+Alt+ArrowRight");
  await page.keyboard.press("Control+Alt+ArrowDown");
  await expect(page.frameLocator("[data-testid=app-iframe-hello]").getByText("Hello from PCC")).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId("store-app-hello")).toBeVisible();
  await expect(page.getByText("PCC version")).toBeVisible();
  await page.screenshot({ path: screenshotPath("desktop.png") });
});
