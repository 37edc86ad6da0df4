import { expect, test, type Page } from "@playwright/test";
import { usePcc } from "./pcc-fixture";
import { box, claimOwner, helloCatalog, installWithCli, signInContext } from "./shell-helpers";

// Dragging a window for two seconds with eight app windows open: the main thread never blocks for
// more than 50 ms (no "long task"), and the window stays under the pointer the whole way.
const IDS = ["hello", ...Array.from({ length: 7 }, (_, i) => `hello-${i + 2}`)];
const catalog = helloCatalog(IDS.map((id, i) => ({ id, name: i === 0 ? "Hello" : `Hello ${i + 1}` })));
const env = usePcc({ catalog });

test.use({ viewport: { width: 1440, height: 900 } });

let cookie = "";
test.beforeAll(async () => {
  test.setTimeout(420_000);
  cookie = await claimOwner(env.pcc);
  installWithCli(env.pcc, ...IDS);
});

/** Records every long task (a main-thread task over 50 ms) from now on, in the shell's page. */
async function watchLongTasks(page: Page) {
  await page.evaluate(() => {
    const w = window as unknown as { __long: number[] };
    w.__long = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__long.push(Math.round(e.duration));
    }).observe({ type: "longtask" });
  });
}

const longTasks = (page: Page) => page.evaluate(() => (window as unknown as { __long: number[] }).__long.splice(0));

test("a window drags smoothly with eight apps open", async ({ page, context }) => {
  test.setTimeout(180_000);
  await signInContext(context, env.pcc, cookie);
  await page.goto(env.pcc.shellUrl);

  for (const id of IDS) {
    await page.getByTestId(`dock-item-${id}`).click();
    await expect(page.frameLocator(`[data-testid=app-iframe-${id}]`).getByText("Hello from PCC")).toBeVisible({ timeout: 30_000 });
  }
  await expect(page.locator("iframe")).toHaveCount(8);
  const win = page.getByTestId(`window-app-${IDS[IDS.length - 1]}`);
  await expect(win).toHaveAttribute("data-focused", "true");

  await watchLongTasks(page);
  // The observer works: a deliberate 120 ms task (a real one, from a timer) is seen.
  await page.evaluate(() =>
    setTimeout(() => {
      const end = performance.now() + 120;
      while (performance.now() < end);
    }, 0),
  );
  await expect.poll(() => page.evaluate(() => (window as unknown as { __long: number[] }).__long.length)).toBeGreaterThan(0);
  await longTasks(page);

  const t = await box(win.getByTestId("window-titlebar"));
  const start = { x: t.x + 60, y: t.y + t.height / 2 };
  const w0 = await box(win);
  const offset = { x: w0.x - start.x, y: w0.y - start.y };
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();

  // Two seconds along a loop that keeps the whole window on the desktop (where it is never clamped)
  // and the pointer away from the snapping edges. The window area starts under the 32 px top bar.
  const area = { width: 1440, height: 900 - 32 - 96 };
  const travel = { x: area.width - w0.width, y: area.height - w0.height };
  const centre = { x: travel.x / 2 - offset.x, y: 32 + travel.y / 2 - offset.y };
  const radius = { x: travel.x / 2 - 20, y: travel.y / 2 - 20 };
  const began = Date.now();
  let moves = 0;
  let worst = 0;
  while (Date.now() - began < 2000) {
    const a = (moves / 40) * Math.PI;
    const p = { x: centre.x + radius.x * Math.cos(a), y: centre.y + radius.y * Math.sin(2 * a) };
    await page.mouse.move(p.x, p.y);
    moves++;
    if (moves % 10 === 0) {
      const b = await box(win);
      worst = Math.max(worst, Math.abs(b.x - (p.x + offset.x)), Math.abs(b.y - (p.y + offset.y)));
    }
  }
  await page.mouse.up();

  // Each move waits for the renderer (pointer events are frame-aligned): ~60 a second on an idle
  // machine; the bar here is only that the drag really ran, as other suites may share the cores.
  expect(moves).toBeGreaterThan(20);
  // The window was exactly where the pointer put it at every check.
  expect(worst).toBeLessThanOrEqual(1);
  expect(await longTasks(page), "long tasks (ms) during the drag").toEqual([]);
  // And stays where it was dropped, now committed to the layout.
  await expect(win).toHaveAttribute("data-snap", "none");
  test.info().annotations.push({ type: "drag", description: `${moves} pointer moves in 2 s, no long task, max offset ${worst}px` });
});
