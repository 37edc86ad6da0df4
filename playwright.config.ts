import { fileURLToPath } from "node:url";
import { defineConfig, devices } from "@playwright/test";

// Global setup makes the browser's network namespace; each spec boots its own PCC (playwright/pcc-fixture.ts).
// Workers load this file after global setup, so the namespace's names are in the environment here.
const netns = process.env.PCC_E2E_NETNS;
const hostAddress = process.env.PCC_E2E_HOST_ADDRESS ?? "127.0.0.1";

export default defineConfig({
  testDir: "playwright",
  testMatch: /.*\.e2e\.ts$/,
  globalSetup: "./playwright/global-setup.ts",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 240_000,
  expect: { timeout: 15_000 },
  outputDir: "test-results",
  use: {
    ignoreHTTPSErrors: true,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: netns ? fileURLToPath(new URL("./playwright/chromium-in-netns.sh", import.meta.url)) : "/usr/bin/chromium",
      args: [
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        // Nothing leaves the machine: PCC's names go to its address on the namespace's link, the rest nowhere.
        `--host-resolver-rules=MAP *.localhost ${hostAddress}, MAP localhost ${hostAddress}, MAP * ~NOTFOUND, EXCLUDE ${hostAddress}`,
      ],
    },
  },
  projects: [{ name: "desktop", use: { ...devices["Desktop Chrome"], viewport: { width: 1280, height: 800 } } }],
});
