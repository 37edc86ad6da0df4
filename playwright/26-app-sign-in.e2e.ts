import { expect, test } from "@playwright/test";
import { writeApp } from "../tests/helpers/test-catalog";
import { oidcAppSpec } from "../tests/helpers/oidc-test-app";
import { claimOwner, installWithCli, signInContext } from "./shell-helpers";
import { openAppSettings, usePccWithTestApps } from "./store-helpers";

// One-tap sign-in to apps: the owner opens, from the desktop, an app that signs in by OpenID Connect (the
// offline relying party of tests/fixtures/images/oidc-rp) and one that trusts a proxy header, and each
// shows them signed in with no step of their own. For OIDC, PCC is the app's provider and approves the
// owner at once; for the header, Caddy sets it for the owner only (15-app-sign-in tests the forgeries).

// Says who the trusted header names, in a page of its own.
const WHO = `
import http.server, html
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        who = self.headers.get("X-Forwarded-User")
        body = ("<!doctype html><title>Wiki</title><p>" + ("signed in as " + html.escape(who) if who else "not signed in") + "</p>").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a): pass
http.server.HTTPServer(("0.0.0.0", 8080), H).serve_forever()
`;

const env = usePccWithTestApps((dir, images) => {
  writeApp(dir, "rp", { ...oidcAppSpec(images), name: "Signed In" });
  writeApp(dir, "wiki", {
    name: "Wiki",
    services: { web: { image: images.debian.pinned, command: ["python3", "-c", WHO] } },
    ingress: [{ service: "web", port: 8080, auth: { method: "header", header: "X-Forwarded-User" } }],
  });
});

test.use({ viewport: { width: 1440, height: 900 } });

let cookie = "";
test.beforeAll(async () => {
  test.setTimeout(300_000);
  cookie = await claimOwner(env.pcc);
  installWithCli(env.pcc, "rp", "wiki");
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
  // Its settings say how it signs the owner in.
  const settings = await openAppSettings(page, "rp");
  await settings.getByTestId("tab-credentials").click();
  await expect(settings.getByTestId("sign-in-oidc-main")).toContainText("OpenID Connect");
});

test("the owner opens an app that trusts a proxy header and is already signed in to it", async ({ page, context }) => {
  await signInContext(context, env.pcc, cookie);
  await page.goto(env.pcc.shellUrl);
  await page.getByTestId("dock-item-wiki").click();
  await expect(page.frameLocator("[data-testid=app-iframe-wiki]").getByText("signed in as owner")).toBeVisible({ timeout: 30_000 });
  const settings = await openAppSettings(page, "wiki");
  await settings.getByTestId("tab-credentials").click();
  await expect(settings.getByTestId("sign-in-header-main")).toContainText("X-Forwarded-User");
});
