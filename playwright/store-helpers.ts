import fs from "node:fs";
import Database from "better-sqlite3";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { freePort, PccInstance, type PccOptions } from "../tests/helpers/pcc-instance";
import { testAppCatalog } from "../tests/helpers/test-apps";
import type { TestImages } from "../tests/helpers/test-images";
import { addVirtualAuthenticator, type VirtualAuthenticator } from "./virtual-authenticator";

/** Shared by the App Store and app settings specs (20 and up). */

type TestApps = Awaited<ReturnType<typeof testAppCatalog>>;

/**
 * Like usePcc (pcc-fixture.ts), with the offline test apps (tests/helpers/test-apps.ts: kv, chatty...)
 * as the catalog, their images in a local registry, plus whatever `extra` writes into that catalog.
 */
export function usePccWithTestApps(
  extra: (dir: string, images: TestImages) => void | Promise<void> = () => undefined,
  options: Pick<PccOptions, "env"> = {},
): {
  readonly pcc: PccInstance;
  readonly apps: TestApps;
} {
  let instance: PccInstance | null = null;
  let apps: TestApps | null = null;
  test.beforeAll(async () => {
    test.setTimeout(300_000);
    const bindAddress = process.env.PCC_E2E_HOST_ADDRESS;
    if (!bindAddress) throw new Error("PCC_E2E_HOST_ADDRESS is not set: run this through the PCC Playwright config");
    apps = await testAppCatalog({ dns: await freePort(), echo: await freePort() });
    await extra(apps.dir, apps.images);
    instance = await PccInstance.start({ web: true, bindAddress, catalogDir: apps.dir, insecureRegistries: [apps.registry.host], ...options });
  });
  test.afterAll(async () => {
    await instance?.stop();
    await instance?.cleanup();
    await apps?.cleanup();
  });
  return {
    get pcc() {
      if (!instance) throw new Error("the PCC of this spec is not running");
      return instance;
    },
    get apps() {
      if (!apps) throw new Error("the test apps of this spec are not ready");
      return apps;
    },
  };
}

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/**
 * Claims the PCC in this page with Chromium's virtual authenticator, so the browser holds the owner's
 * passkey: the step-ups that installs with permissions, permission changes and new sources ask for then
 * work as they do on a phone. Ends on the desktop.
 */
export async function claimInBrowser(page: Page, pcc: PccInstance): Promise<VirtualAuthenticator> {
  const authenticator = await addVirtualAuthenticator(page);
  await page.goto(pcc.shellUrl);
  await page.getByTestId("setup-code-input").fill(pcc.setupCode ?? "");
  await page.getByTestId("setup-device-name").fill("Owner's laptop");
  await page.getByTestId("setup-submit").click();
  await expect(page.getByTestId("recovery-code")).toHaveCount(8);
  await page.getByTestId("recovery-saved").check();
  await page.getByTestId("recovery-continue").click();
  await expect(page.getByTestId("desktop")).toBeVisible();
  return authenticator;
}

/** Five minutes pass (the fresh-owner window): the next install with permissions or grant asks for the passkey. */
export function staleSessions(pcc: PccInstance) {
  const db = new Database(path.join(pcc.dataDir, "pcc.db"));
  try {
    db.prepare("UPDATE Session SET verifiedAt = ?").run(new Date(Date.now() - 10 * 60_000).toISOString().replace("Z", "+00:00"));
  } finally {
    db.close();
  }
}

/** The passkey check the server asked for, answered by the page's authenticator; then `done` shows. */
export async function expectStepUp(page: Page, done: Locator, timeout = 60_000) {
  await expect(page.getByTestId("step-up-dialog")).toBeVisible();
  await page.getByTestId("step-up-confirm").click();
  await expect(page.getByTestId("step-up-dialog")).toHaveCount(0);
  await expect(done.first()).toBeVisible({ timeout });
}

/**
 * Waits for `done` to show; if the passkey check comes first (the session's last check is older than
 * five minutes), confirms it with the page's authenticator on the way.
 */
export async function passStepUp(page: Page, done: Locator, timeout = 60_000) {
  const dialog = page.getByTestId("step-up-dialog");
  await expect(dialog.or(done).first()).toBeVisible({ timeout });
  if (await dialog.isVisible()) {
    await page.getByTestId("step-up-confirm").click();
    await expect(dialog).toHaveCount(0);
  }
  await expect(done.first()).toBeVisible({ timeout });
}

/** The App Store window in front, on its list (first run opens it by itself; the dock toggles it). */
export async function openStore(page: Page): Promise<Locator> {
  const win = page.getByTestId("window-store");
  await expect(async () => {
    if (!(await win.count()) || (await win.getAttribute("data-focused")) !== "true") await page.getByTestId("dock-item-store").click();
    await expect(win).toHaveAttribute("data-focused", "true", { timeout: 2_000 });
  }).toPass({ timeout: 20_000 });
  if (await win.getByTestId("store-back").isVisible()) await win.getByTestId("store-back").click();
  await expect(win.getByTestId("store-search")).toBeVisible();
  return win;
}

/** An app's settings window, from its own window's title bar. */
export async function openAppSettings(page: Page, id: string): Promise<Locator> {
  const settings = page.getByTestId(`window-settings-${id}`);
  if (!(await settings.isVisible().catch(() => false))) {
    const app = page.getByTestId(`window-app-${id}`);
    if (!(await app.isVisible().catch(() => false))) await page.getByTestId(`dock-item-${id}`).click();
    await app.getByTestId(`app-settings-${id}`).click();
  }
  await expect(settings).toBeVisible();
  await settings.click({ position: { x: 40, y: 10 } });
  return settings;
}

/** The Settings window in front, on one of its tabs. */
export async function openSystemTab(page: Page, tab: string): Promise<Locator> {
  const win = page.getByTestId("window-system");
  await expect(async () => {
    if (!(await win.count()) || (await win.getAttribute("data-focused")) !== "true") await page.getByTestId("dock-item-system").click();
    await expect(win).toHaveAttribute("data-focused", "true", { timeout: 2_000 });
  }).toPass({ timeout: 20_000 });
  await win.getByTestId(`tab-${tab}`).click();
  return win;
}

/** A 2×1 PNG (red, blue): a real image for the screenshot route. */
export const TINY_PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAADUlEQVR4nGP4zwAE/wEHAAH/4iOeWQAAAABJRU5ErkJggg==", "base64");

/**
 * A copy of the offline hello app (built on this machine from busybox) as `<dir>/<id>/`, renamed, with
 * app.yaml lines appended (ports, settings, a shown secret, a licence...) and optional extra files.
 */
export function helloWith(dir: string, id: string, name: string, appendYaml = "", files: Record<string, Buffer | string> = {}) {
  const target = path.join(dir, id);
  fs.cpSync(path.join(ROOT, "apps-catalog/hello"), target, { recursive: true });
  const yaml = path.join(target, "app.yaml");
  fs.writeFileSync(yaml, fs.readFileSync(yaml, "utf8").replace(/^id: hello$/m, `id: ${id}`).replace(/^name: Hello$/m, `name: ${name}`) + appendYaml);
  for (const [rel, body] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(target, rel)), { recursive: true });
    fs.writeFileSync(path.join(target, rel), body);
  }
}

/** Whether something accepts TCP connections at host:port (a published app port). */
export function tcpOpen(host: string, port: number, timeoutMs = 2_000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once("connect", () => done(true));
    s.once("error", () => done(false));
  });
}

/** One container of an app, as Podman sees it (env, start time). */
export async function container(pcc: PccInstance, app: string, service: string) {
  const r = await pcc.podman(`/containers/pcc_${app}_${service}/json`);
  const c = r.json as { Config: { Env: string[] }; State: { StartedAt: string; Running: boolean } } | null;
  const env = Object.fromEntries((c?.Config.Env ?? []).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
  return { status: r.status, env, startedAt: c?.State.StartedAt ?? null, running: c?.State.Running ?? false };
}

/** `./pcc app status ID --json`, as root sees it. */
export function appStatus(pcc: PccInstance, id: string) {
  const r = pcc.cli("app", "status", id, "--json");
  if (r.code !== 0) throw new Error(`pcc app status ${id}: ${r.stdout}${r.stderr}`);
  return JSON.parse(r.stdout) as { status: string; ports: { name: string; hostPort: number; protocol: string }[]; grants: { internet: unknown; lan: boolean; ports: Record<string, number> } };
}

/**
 * Records, in the page, every step and percent a progress bar shows (data-step, data-percent of
 * [role=progressbar] elements matching `selector`), so a spec can tell that the bar moved.
 */
export async function recordProgress(page: Page, selector: string) {
  await page.evaluate((sel) => {
    const seen: string[] = [];
    (window as unknown as { __progress: string[] }).__progress = seen;
    const note = () => {
      for (const el of document.querySelectorAll<HTMLElement>(sel)) {
        const v = `${el.dataset.step ?? ""}|${el.dataset.percent ?? ""}`;
        if (seen[seen.length - 1] !== v) seen.push(v);
      }
    };
    new MutationObserver(note).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-step", "data-percent"] });
    note();
  }, selector);
  return async () => page.evaluate(() => (window as unknown as { __progress: string[] }).__progress.map((v) => ({ step: v.split("|")[0]!, percent: v.split("|")[1] === "" ? null : Number(v.split("|")[1]) })));
}
