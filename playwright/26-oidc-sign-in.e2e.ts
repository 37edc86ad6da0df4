import { expect, test } from "@playwright/test";
import { writeApp } from "../tests/helpers/pcc-instance";
import { oidcAppSpec } from "../tests/helpers/oidc-test-app";
import { claimOwner, installWithCli, signInContext } from "./shell-helpers";
import { usePccWithTestApps } from "./store-helpers";

// One-tap sign-in by OpenID Connect: the owner opens an app that signs in by OIDC (the offline relying
// party of tests/fixtures/images/oidc-rp) from the desktop, and it shows them signed in, with no step of
// their own: PCC is the app's provider and approves the owner at once.
const env = usePccWithTestApps((dir, images) => writeApp(dir, "rp", { ...oidcAppSpec(images), name: "Signed In" }));

test.use({ viewport: { width: 1440, height: 900 } });

let cookie = "";
test.beforeAll(async () => {
  test.setTimeout(300_000);
  cookie = await claimOwner(env.pcc);
  installWithCli(env.pcc, "rp");
});

test("the owner opens an OIDC app from the desktop and is already signed in to it", async ({ page, context }) => {
  await signInContext(context, env.pcc, cookie);
  const visited: string[] = [];
  page.on("request", (r) => visited.push(r.url()));
  await page.goto(env.pcc.shellUrl);
  await page.getByTestId("dock-item-rp").click();
  const frame = page.frameLocator("[data-testid=app-iframe-rp]");
  await expect(frame.getByText("signed in as owner")).toBeVisible({ timeout: 30_000 });
  // Through PCC's issuer and back to the app's redirect URI: no page of PCC's own showed in between.
  const paths = visited.map((u) => new URL(u)).map((u) => `${u.host.split(".")[0]}${u.pathname}`);
  expect(paths).toEqual(expect.arrayContaining(["pcc/oidc/auth", "rp/callback"]));
  await expect(page.getByTestId("window-app-rp").getByTestId("window-origin")).toHaveText(new URL(env.pcc.appUrl("rp")).host);
});
