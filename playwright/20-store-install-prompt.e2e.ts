import fs from "node:fs";
import path from "node:path";
import { expect, test, type BrowserContext, type Page } from "@playwright/test";
import { freePort, waitFor } from "../tests/helpers/pcc-instance";
import { writeApp } from "../tests/helpers/test-catalog";
import type { TestImages } from "../tests/helpers/test-images";
import {
  appStatus,
  claimInBrowser,
  container,
  expectStepUp,
  openAppSettings,
  openStore,
  passStepUp,
  recordProgress,
  tcpOpen,
  staleSessions,
  TINY_PNG,
  usePccWithTestApps,
} from "./store-helpers";

// The App Store over the offline test catalog: categories, search, an app's page (screenshots, what it
// asks for, the ports it opens), then an install through the permission prompt (one port declined,
// another moved, a required setting), its live progress and the credentials it generated; later, a
// setting and a permission changed in the app's settings, and the app restarted with them.

let ports = { admin: 0, extra: 0, moved: 0, later: 0 };

/**
 * portal: the test web image (busybox httpd, /health, /cgi-bin/env) with two ports, a required setting
 * checked by a pattern, a select, a generated admin password shown to the owner, and named-host internet.
 */
function writePortal(dir: string, images: TestImages) {
  writeApp(dir, "portal", {
    name: "Portal",
    tagline: "A door into your network",
    description: "Portal answers on a port of your PCC.\nIt is a test app.",
    category: "networking",
    website: "https://portal.example",
    screenshots: ["screenshots/1.png"],
    releaseNotes: "Ports can be chosen at install.",
    services: {
      web: {
        image: images.web.pinned,
        env: { GREETING: "${settings.greeting}", MODE: "${settings.mode}", ADMIN_PASSWORD: "${secrets.admin-password}" },
        healthcheck: { http: { port: 8080, path: "/health" }, interval: "1s", timeout: "1s", retries: 3, startPeriod: "20s" },
      },
    },
    ingress: [{ service: "web", port: 8080 }],
    ports: [
      { name: "admin", service: "web", containerPort: 8080, protocol: "tcp", hostPort: ports.admin, description: "Its admin page, for your devices" },
      { name: "extra", service: "web", containerPort: 8081, protocol: "tcp", hostPort: ports.extra, description: "A second door it can do without" },
    ],
    secrets: { "admin-password": { length: 24, show: true, description: "First admin password" } },
    settings: [
      { key: "greeting", type: "text", label: "Greeting", required: true, pattern: "[A-Za-z ]+", description: "Letters and spaces." },
      { key: "mode", type: "select", label: "Mode", options: [{ value: "quiet", label: "Quiet" }, { value: "loud", label: "Loud" }], default: "quiet" },
    ],
    permissions: { internet: { hosts: ["updates.example.com"] } },
  });
  fs.mkdirSync(path.join(dir, "portal/screenshots"), { recursive: true });
  fs.writeFileSync(path.join(dir, "portal/screenshots/1.png"), TINY_PNG);
}

const env = usePccWithTestApps(async (dir, images) => {
  ports = { admin: await freePort(), extra: await freePort(), moved: await freePort(), later: await freePort() };
  writePortal(dir, images);
});

test.describe.configure({ mode: "serial" });

// One browser for the whole spec, as one owner's laptop: it holds the passkey made at the claim, which
// the step-ups (an install that asks for permissions, a permission change) use.
let context: BrowserContext;
let page: Page;
/** Content types of the apps.events responses the page got: the store follows installs over SSE. */
const streams: string[] = [];
test.beforeAll(async ({ browser }) => {
  context = await browser.newContext({ viewport: { width: 1440, height: 900 }, ignoreHTTPSErrors: true });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: env.pcc.shellUrl });
  page = await context.newPage();
  page.on("response", (r) => {
    if (r.url().includes("/api/trpc/apps.events")) streams.push(r.headers()["content-type"] ?? "");
  });
  await claimInBrowser(page, env.pcc);
});
test.afterAll(async () => {
  await context?.close();
});

const host = () => process.env.PCC_E2E_HOST_ADDRESS!;

test("the store: categories, search and an app's page with what it asks for", async () => {
  test.setTimeout(240_000);
  const store = await openStore(page);

  await test.step("categories and search narrow the list", async () => {
    await expect(store.getByTestId("store-app-portal")).toBeVisible();
    await expect(store.getByTestId("store-app-kv")).toBeVisible();
    await store.getByTestId("store-category-networking").click();
    await expect(store.getByTestId("store-category-networking")).toHaveAttribute("aria-pressed", "true");
    await expect(store.getByTestId("store-app-portal")).toBeVisible();
    await expect(store.getByTestId("store-app-kv")).toHaveCount(0);
    await store.getByTestId("store-category-all").click();
    await store.getByTestId("store-search").fill("door network");
    await expect(store.locator("[data-testid^=store-app-]")).toHaveCount(1);
    await expect(store.getByTestId("store-app-portal")).toBeVisible();
    await store.getByTestId("store-search").fill("nothing like this");
    await expect(store.getByTestId("store-no-results")).toBeVisible();
    await store.getByTestId("store-search").fill("");
    await expect(store.getByTestId("store-app-kv")).toBeVisible();
  });

  await test.step("an app's page: description, screenshot, details, permissions and ports", async () => {
    await store.getByTestId("store-details-portal").click();
    const pageEl = store.getByTestId("store-page-portal");
    await expect(pageEl.getByRole("heading", { level: 1 })).toHaveText("Portal");
    await expect(pageEl).toContainText("Portal answers on a port of your PCC.");
    const shot = pageEl.getByTestId("store-screenshot-0");
    await expect(shot).toBeVisible();
    expect(await shot.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(2);
    await expect(pageEl.getByTestId("store-screenshot-1")).toHaveCount(0);
    await expect(pageEl.getByTestId("store-release-notes")).toHaveText("What's new in 1.0.0Ports can be chosen at install.");
    await expect(pageEl).toContainText("1.0.0");
    await expect(pageEl).toContainText("PCC tests");
    await expect(pageEl.getByTestId("store-website")).toHaveAttribute("href", "https://portal.example");
    await expect(pageEl.getByTestId("store-page-source")).toHaveText("PCC's built-in catalog");
    await expect(pageEl.getByTestId("store-permissions")).toContainText("Only updates.example.com");
    const table = pageEl.getByTestId("store-ports");
    await expect(table).toContainText(`${ports.admin}/tcp`);
    await expect(table).toContainText("Its admin page, for your devices");
    await expect(table).toContainText("A second door it can do without");
    await store.getByTestId("store-back").click();
    await expect(store.getByTestId("store-app-portal")).toBeVisible();
  });

  await test.step("screenshots are served only as the spec lists them, sandboxed", async () => {
    // From the page (the browser lives in its own network namespace, where the PCC's names resolve).
    const get = (p: string) =>
      page.evaluate(async (url) => {
        const r = await fetch(url, { cache: "no-store" });
        const body = new Uint8Array(await r.arrayBuffer());
        return { status: r.status, type: r.headers.get("content-type"), csp: r.headers.get("content-security-policy"), body: Array.from(body) };
      }, `/_pcc/screenshots/${p}`);
    const ok = await get("portal/0");
    expect(ok.status).toBe(200);
    expect(ok.type).toBe("image/png");
    expect(ok.csp).toContain("sandbox");
    expect(Buffer.from(ok.body).equals(TINY_PNG)).toBe(true);
    for (const bad of ["portal/1", "portal/app.yaml", "kv/0", "nope/0"]) expect((await get(bad)).status, bad).toBe(404);
  });
});

test("install through the permission prompt: a port declined, one moved, live progress, then the credentials", async () => {
  test.setTimeout(300_000);
  const store = await openStore(page);
  await store.getByTestId("store-details-portal").click();
  await store.getByTestId("store-install-portal").click();
  const dialog = page.getByTestId("install-dialog");

  await test.step("the prompt lists what the app asks for, each approved by default, and its settings", async () => {
    await expect(dialog.getByRole("heading", { name: "Install Portal?" })).toBeVisible();
    await expect(dialog.getByTestId("permission-internet")).toBeChecked();
    await expect(dialog.getByTestId("permission-port-admin")).toContainText("Its admin page, for your devices");
    await expect(dialog.getByTestId("permission-port-admin-host")).toHaveValue(String(ports.admin));
    await expect(dialog.getByTestId("permission-port-extra-open")).toBeChecked();
    await expect(dialog.getByTestId("setting-mode")).toHaveValue("quiet");
    // The required setting is empty: the prompt says so before asking the server.
    await dialog.getByTestId("install-confirm").click();
    await expect(dialog.getByTestId("install-portal-setting-greeting-error")).toHaveText("Greeting is required");
  });

  await test.step("a bad value comes back from the server next to its field", async () => {
    await dialog.getByTestId("setting-greeting").fill("Hello 123");
    await dialog.getByTestId("install-confirm").click();
    await passStepUp(page, dialog.getByTestId("install-portal-setting-greeting-error").filter({ hasText: "does not have the expected form" }));
    expect(appList()).not.toContain("portal");
  });

  const next = await recordProgress(page, "[data-testid=install-progress]");
  await test.step("declining one port and moving another, the install runs with a live progress bar", async () => {
    await dialog.getByTestId("setting-greeting").fill("Hello there");
    await dialog.getByTestId("permission-port-extra-open").uncheck();
    await expect(dialog.getByTestId("permission-port-extra-host")).toBeDisabled();
    await dialog.getByTestId("permission-port-admin-host").fill(String(ports.moved));
    // An app that asks for permissions needs a recent passkey check: the prompt asks for it and goes on.
    staleSessions(env.pcc);
    await dialog.getByTestId("install-confirm").click();
    await expectStepUp(page, dialog.getByTestId("install-progress").or(dialog.getByTestId("install-done")));
    await expect(dialog.getByTestId("install-done")).toBeVisible({ timeout: 180_000 });
    const seen = await next();
    // The bar showed the install's steps as they happened (download, create, start...), not one frozen state.
    expect(new Set(seen.map((s) => s.step)).size, JSON.stringify(seen)).toBeGreaterThanOrEqual(2);
    expect(seen.some((s) => /^(Downloading|Preparing|Creating|Starting|Waiting)/.test(s.step)), JSON.stringify(seen)).toBe(true);
    expect(streams.some((t) => t.startsWith("text/event-stream")), JSON.stringify(streams)).toBe(true);
  });

  await test.step("the credentials it generated are shown once installed, hidden until asked, and copy", async () => {
    const cred = dialog.getByTestId("credential-admin-password");
    await expect(cred).toContainText("First admin password");
    await expect(cred.getByTestId("credential-value-admin-password")).not.toContainText(/[A-Za-z0-9]{24}/);
    await cred.getByTestId("credential-show-admin-password").click();
    const value = (await cred.getByTestId("credential-value-admin-password").textContent())!.trim();
    expect(value).toMatch(/^[A-Za-z0-9]{24}$/);
    expect((await container(env.pcc, "portal", "web")).env.ADMIN_PASSWORD).toBe(value);
    await cred.getByTestId("credential-copy-admin-password").click();
    await expect(cred.getByTestId("credential-copy-admin-password")).toHaveText("Copied");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(value);
    await dialog.getByTestId("install-close").click();
    await expect(dialog).toHaveCount(0);
    await expect(store.getByTestId("store-open-portal")).toBeVisible();
  });

  await test.step("the app got what the owner answered: the moved port, not the declined one, its setting", async () => {
    const status = appStatus(env.pcc, "portal");
    expect(status.ports).toEqual([{ name: "admin", protocol: "tcp", hostPort: ports.moved }]);
    expect(status.grants.internet).toEqual({ hosts: ["updates.example.com"] });
    await waitFor("the moved port answers", () => tcpOpen(host(), ports.moved), 30_000);
    expect(await tcpOpen(host(), ports.admin)).toBe(false);
    expect(await tcpOpen(host(), ports.extra)).toBe(false);
    const c = await container(env.pcc, "portal", "web");
    expect(c.env.GREETING).toBe("Hello there");
    expect(c.env.MODE).toBe("quiet");
  });
});

test("a setting and a permission changed later: the app restarts with them", async () => {
  test.setTimeout(300_000);
  const settings = await openAppSettings(page, "portal");
  const before = await container(env.pcc, "portal", "web");

  await test.step("Settings: a bad value is refused next to its field; a good one restarts the app with it", async () => {
    await settings.getByTestId("tab-settings").click();
    await expect(settings.getByTestId("setting-greeting")).toHaveValue("");
    await expect(settings.getByTestId("settings-save")).toBeDisabled();
    await settings.getByTestId("setting-greeting").fill("Good 3vening");
    await settings.getByTestId("settings-save").click();
    await expect(settings.getByTestId("app-portal-setting-greeting-error")).toHaveText("Greeting does not have the expected form");
    await settings.getByTestId("setting-greeting").fill("Good evening");
    await settings.getByTestId("setting-mode").selectOption("loud");
    await settings.getByTestId("settings-save").click();
    await expect(settings.getByTestId("settings-saved")).toBeVisible({ timeout: 120_000 });
    const after = await waitFor("the restarted container", async () => {
      const c = await container(env.pcc, "portal", "web");
      return c.running && c.startedAt !== before.startedAt ? c : null;
    }, 60_000);
    expect(after.env.GREETING).toBe("Good evening");
    expect(after.env.MODE).toBe("loud");
    // Untouched values stay: the generated password is the same.
    expect(after.env.ADMIN_PASSWORD).toBe(before.env.ADMIN_PASSWORD);
  });

  await test.step("Permissions: opening the declined port on another number, and cutting the internet", async () => {
    await settings.getByTestId("tab-permissions").click();
    await expect(settings.getByTestId("permission-port-admin-host")).toHaveValue(String(ports.moved));
    await expect(settings.getByTestId("permission-port-extra-open")).not.toBeChecked();
    await expect(settings.getByTestId("permissions-save")).toBeDisabled();
    await settings.getByTestId("permission-port-extra-open").check();
    await settings.getByTestId("permission-port-extra-host").fill(String(ports.later));
    await settings.getByTestId("permission-internet").uncheck();
    staleSessions(env.pcc);
    await settings.getByTestId("permissions-save").click();
    await expectStepUp(page, settings.getByTestId("permissions-saved"), 120_000);
    const status = appStatus(env.pcc, "portal");
    expect(status.grants.internet).toBe(false);
    expect(status.ports).toEqual(
      expect.arrayContaining([
        { name: "admin", protocol: "tcp", hostPort: ports.moved },
        { name: "extra", protocol: "tcp", hostPort: ports.later },
      ]),
    );
    await waitFor("portal running again", async () => appStatus(env.pcc, "portal").status === "running", 90_000);
    await expect(settings.getByTestId("permission-internet")).not.toBeChecked();
    await expect(settings.getByTestId("permission-port-extra-host")).toHaveValue(String(ports.later));
  });

  await test.step("Credentials: the same password, in its own tab", async () => {
    await settings.getByTestId("tab-credentials").click();
    await settings.getByTestId("credential-show-admin-password").click();
    await expect(settings.getByTestId("credential-value-admin-password")).toHaveText(before.env.ADMIN_PASSWORD!);
  });
});

test("an app without a web page says where it answers, not that it is ready to open", async () => {
  test.setTimeout(180_000);
  const store = await openStore(page);
  await store.getByTestId("store-install-dns").click();
  const dialog = page.getByTestId("install-dialog");
  await dialog.getByTestId("install-confirm").click();
  await passStepUp(page, dialog.getByTestId("install-progress").or(dialog.getByTestId("install-done")));
  await expect(dialog.getByTestId("install-done")).toBeVisible({ timeout: 180_000 });
  const [udp, tcp] = ["udp", "tcp"].map((p) => appStatus(env.pcc, "dns").ports.find((x) => x.protocol === p)!.hostPort);
  await expect(dialog.getByTestId("install-done")).toContainText(`It runs in the background, on ports ${udp}/udp and ${tcp}/tcp of your PCC.`);
  await expect(dialog.getByTestId("install-open")).toHaveCount(0);
  await dialog.getByTestId("install-close").click();
});

function appList(): string[] {
  const r = env.pcc.cli("app", "list", "--json");
  return (JSON.parse(r.stdout) as { id: string }[]).map((a) => a.id);
}
