import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, type BrowserContext, type Locator, type Page } from "@playwright/test";
import type { PccInstance } from "../tests/helpers/pcc-instance";

/** Shared by the shell's specs (10 and up): signing a browser in, building catalogs, geometry. */

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/**
 * Claims the PCC (a passkey in software, see PccInstance.claim) and returns its session cookie, so a
 * spec about the desktop starts signed in without replaying the sign-in flow that specs 01/02 cover.
 */
export async function claimOwner(pcc: PccInstance): Promise<string> {
  return pcc.claim();
}

/** Puts the owner's session cookie (`name=value`) into a browser context, as a signed-in browser holds it. */
export async function signInContext(context: BrowserContext, pcc: PccInstance, cookie: string) {
  const eq = cookie.indexOf("=");
  await context.addCookies([{ name: cookie.slice(0, eq), value: cookie.slice(eq + 1), url: pcc.shellUrl, secure: true, httpOnly: true, sameSite: "Lax" }]);
}

/** Fills a catalog (usePcc's `catalog`) with copies of the hello app under other ids and names (each builds offline from busybox). */
export function helloCatalog(apps: { id: string; name: string }[]): (dir: string) => void {
  return (dir) => {
    const src = path.join(ROOT, "apps-catalog/hello");
    for (const { id, name } of apps) {
      fs.cpSync(src, path.join(dir, id), { recursive: true });
      const yaml = path.join(dir, id, "app.yaml");
      fs.writeFileSync(yaml, fs.readFileSync(yaml, "utf8").replace(/^id: hello$/m, `id: ${id}`).replace(/^name: Hello$/m, `name: ${name}`));
    }
  };
}

export function installWithCli(pcc: PccInstance, ...ids: string[]) {
  for (const id of ids) {
    const r = pcc.cli("app", "install", id);
    if (r.code !== 0) throw new Error(`pcc app install ${id} failed: ${r.stdout}${r.stderr}`);
  }
}

export async function box(locator: Locator) {
  const b = await locator.boundingBox();
  if (!b) throw new Error("element has no bounding box (not visible?)");
  return b;
}

/** Presses on a window's title bar (left of its buttons), moves in steps and releases. */
export async function dragTitleBar(page: Page, win: Locator, to: { x: number; y: number }, opts: { beforeRelease?: () => Promise<void> } = {}) {
  const t = await box(win.getByTestId("window-titlebar"));
  const x = t.x + Math.min(60, t.width / 4);
  const y = t.y + t.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 12 });
  await opts.beforeRelease?.();
  await page.mouse.up();
}

export async function dragBy(page: Page, handle: Locator, dx: number, dy: number) {
  const b = await box(handle);
  const x = b.x + b.width / 2;
  const y = b.y + b.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + dx, y + dy, { steps: 10 });
  await page.mouse.up();
}

/**
 * Every visible control inside `scope` must be at least 44×44 CSS px: a fingertip, not a cursor.
 * Links inside a sentence are exempt, as WCAG 2.5.8 exempts inline targets.
 */
export async function expectTouchTargets(scope: Locator, min = 44) {
  const small = await scope.evaluate((root, min) => {
    const found: string[] = [];
    for (const el of root.querySelectorAll<HTMLElement>('button, a[href], [role="tab"], input:not([type="checkbox"]):not([type="radio"]), label:has(input[type="checkbox"]), label:has(input[type="radio"])')) {
      const r = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (r.width === 0 || r.height === 0 || style.visibility === "hidden" || el.closest("[hidden]")) continue;
      if (el.tagName === "A" && style.display === "inline") continue;
      if (r.width < min - 0.5 || r.height < min - 0.5) found.push(`${el.tagName.toLowerCase()} "${(el.getAttribute("aria-label") ?? el.textContent ?? "").trim().slice(0, 40)}" ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
    return found;
  }, min);
  expect(small, `controls smaller than ${min}px`).toEqual([]);
}

/**
 * Where a picture for the README goes: docs/screenshots/ when PCC_UPDATE_SCREENSHOTS=1 asks for new ones,
 * test-results/screenshots/ otherwise, so that a test run leaves the work tree as it found it.
 */
export function screenshotPath(name: string): string {
  const dir = path.join(ROOT, process.env.PCC_UPDATE_SCREENSHOTS === "1" ? "docs/screenshots" : "test-results/screenshots");
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, name);
}
