import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { PccInstance } from "../tests/helpers/pcc-instance";
import { writeSocialApps } from "../tests/helpers/social-apps";
import { scan as axeScan, switchTheme } from "./axe-scan";
import { usePcc } from "./pcc-fixture";
import { claimOwner, expectTouchTargets, installWithCli, signInContext } from "./shell-helpers";

// Contacts with a friend's PCC running beside the owner's: the owner adds the friend by domain in the
// Contacts window, sees the friend's card, is offered an app when none of theirs can follow a feed,
// and once their reader is installed one tap opens it at the filled-in subscribe URL. The friend's PCC
// listens on loopback (only the owner's PCC reads it, server-side); the owner's PCC trusts its Caddy CA
// through the test-only PCC_CONTACTS_EXTRA_CA. Scanned by axe-core in both themes.

// Only a name here: Playwright also loads specs in a listing process; the file is written in beforeAll.
const friendCa = path.join(os.tmpdir(), `pcc-e2e-contacts-ca-${process.pid}-${randomBytes(4).toString("hex")}.pem`);
let friend: PccInstance | null = null;
let friendCatalog = "";

test.beforeAll(async () => {
  test.setTimeout(240_000);
  friendCatalog = fs.mkdtempSync(path.join(os.tmpdir(), "pcc-e2e-friend-catalog-"));
  writeSocialApps(friendCatalog, ["blog"]);
  friend = await PccInstance.start({ catalogDir: friendCatalog });
  fs.writeFileSync(friendCa, fs.readFileSync(path.join(friend.dataDir, "caddy/pki/authorities/local/root.crt")));
  const cookie = await friend.claim();
  installWithCli(friend, "blog");
  const r = await friend.trpc("contacts.updateMyCard", { displayName: "Alice", avatar: null, listed: ["blog:feed:/feed.xml"] }, cookie);
  if (!r.json.result) throw new Error(`the friend's card was not saved: ${r.text}`);
});
test.afterAll(async () => {
  await friend?.stop();
  await friend?.cleanup();
  fs.rmSync(friendCa, { force: true });
  if (friendCatalog) fs.rmSync(friendCatalog, { recursive: true, force: true });
});

// Declared after the friend's hooks, so the owner's PCC boots once the friend's CA file exists.
const env = usePcc({ catalog: (dir) => writeSocialApps(dir, ["reader"]), env: { PCC_CONTACTS_EXTRA_CA: friendCa } });
let cookie = "";

test.beforeAll(async () => {
  cookie = await claimOwner(env.pcc);
});

async function scan(page: Page, what: string) {
  for (const theme of ["light", "dark"] as const) {
    await switchTheme(page, theme);
    expect(await axeScan(page, `${what}, ${theme}`, "[data-testid=window-contacts]")).toEqual([]);
  }
}

test("the owner adds a friend's PCC, sees their card, and subscribes to their feed with one tap", async ({ page, context }) => {
  test.setTimeout(240_000);
  const friendPcc = friend!;
  const domain = `pcc.localhost:${friendPcc.httpsPort}`;
  const feedUrl = `${friendPcc.appUrl("blog")}/feed.xml`;
  const cardId = `contact-${domain.replace(/[^a-z0-9]+/g, "-")}`;
  const card = page.getByTestId(cardId);
  await signInContext(context, env.pcc, cookie);
  await page.setViewportSize({ width: 1280, height: 860 });
  await page.goto(env.pcc.shellUrl);
  await expect(page.getByTestId("dock")).toBeVisible();

  await test.step("add the friend by domain in the Contacts window", async () => {
    await page.getByTestId("dock-item-contacts").click();
    const win = page.getByTestId("window-contacts");
    await expect(win.getByTestId("contacts-empty")).toBeVisible();
    await scan(page, "empty");
    // A typo gets a clear answer and nothing is added.
    await win.getByTestId("contacts-domain").fill("10.0.0.1");
    await win.getByTestId("contacts-add").click();
    await expect(win.getByTestId("contacts-domain-error")).toHaveText("Type a domain name, not an IP address.");
    await win.getByTestId("contacts-domain").fill(domain);
    await win.getByTestId("contacts-add").click();
    await expect(page.getByTestId(`${cardId}-name`)).toHaveText("Alice");
    await expect(card).toContainText("Blog posts");
    await expect(card).toContainText(feedUrl);
    await expect(win.getByTestId("contacts-domain")).toHaveValue("");
  });

  await test.step("no app of the owner's follows feeds yet: the store offers those that do", async () => {
    const getApp = page.getByTestId(`${cardId}-get-app-0`);
    await expect(getApp).toHaveText("Get an app for this");
    await scan(page, "with a friend");
    await getApp.click();
    const store = page.getByTestId("window-store");
    await expect(store.getByTestId("store-follows-filter")).toContainText("Apps that follow a friend's feed");
    await expect(store.getByTestId("store-app-reader")).toBeVisible();
    await store.getByTestId("window-close").click();
    await expect(store).toHaveCount(0);
  });

  await test.step("with the reader installed, one tap opens it at the friend's feed", async () => {
    installWithCli(env.pcc, "reader");
    await page.reload();
    await page.getByTestId("dock-item-contacts").click();
    const subscribe = page.getByTestId(`${cardId}-subscribe-0`);
    await expect(subscribe).toHaveText("Subscribe with Reader");
    await subscribe.click();
    const frame = page.getByTestId("app-iframe-reader");
    await expect(page.getByTestId("window-app-reader")).toBeVisible();
    await expect(frame).toHaveAttribute("src", `${env.pcc.appUrl("reader")}/add?url=${encodeURIComponent(feedUrl)}`);
  });

  await test.step("the owner's own card: nothing listed until ticked; scanned too", async () => {
    await page.getByTestId("dock-item-contacts").click();
    const win = page.getByTestId("window-contacts");
    await win.getByTestId("tab-card").click();
    await expect(win.getByTestId("my-card")).toContainText(`Friends add you by pcc.localhost:${env.pcc.httpsPort}`);
    await win.getByTestId("my-card-name").fill("Bob");
    await win.getByTestId("my-card-save").click();
    await expect(win.getByText("Saved. Friends see it at their next refresh.")).toBeVisible();
    await scan(page, "my card");
    const served = await env.pcc.http(`${env.pcc.shellUrl}/.well-known/pcc-card.json`);
    expect(JSON.parse(served.text)).toMatchObject({ name: "Bob", entries: [] });
  });

  await test.step("on a phone, Contacts is a sheet from the dock, with finger-sized controls", async () => {
    for (const key of ["app-reader", "contacts"]) await page.getByTestId(`window-${key}`).getByTestId("window-close").click();
    await expect(page.getByTestId("window-contacts")).toHaveCount(0);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await expect(page.getByTestId("desktop")).toHaveAttribute("data-layout", "phone");
    await expect(page.getByTestId("dock")).toBeVisible();
    const sheet = page.getByTestId("window-contacts");
    // The layout is remembered per device (saved a moment after a change): the sheet may come back by itself.
    if ((await sheet.count()) === 0) await page.getByTestId("dock-item-contacts").click();
    await expect(sheet.getByTestId(`${cardId}-subscribe-0`)).toHaveText("Subscribe with Reader");
    await expectTouchTargets(sheet);
  });
});
