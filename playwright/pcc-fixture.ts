import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { PccInstance, type PccOptions } from "../tests/helpers/pcc-instance";
import { watchCspViolations } from "./csp-violations";

/**
 * Boots a real PCC (Podman, Caddy, SQLite, the built shell) for the spec that calls it, so no spec
 * depends on what another left behind. Use in a spec's top level; the instance is ready in its tests.
 * Every test's page must run without a Content-Security-Policy violation: the shell allows only scripts
 * carrying its nonce, so anything of the shell that trips the policy fails the test that showed it.
 * `catalog` fills a throwaway catalog folder before the PCC boots; the folder goes when the spec ends.
 * (Made here, not at a spec's top level: Playwright also loads specs in a process that only lists
 * them, where no afterAll would ever remove it.)
 */
export type CatalogFiller = (dir: string) => void | Promise<void>;
type UsePccOptions = Omit<PccOptions, "catalogDir"> & { catalog?: CatalogFiller };

export function usePcc({ catalog, ...opts }: UsePccOptions = {}): {
  readonly pcc: PccInstance;
  readonly cspViolations: string[];
  readonly catalogDir: string;
} {
  let instance: PccInstance | null = null;
  let catalogDir: string | null = null;
  let violations: string[] = [];
  test.beforeEach(async ({ page }) => {
    violations = await watchCspViolations(page);
  });
  test.afterEach(() => {
    expect(violations, "Content Security Policy violations").toEqual([]);
  });
  test.beforeAll(async () => {
    test.setTimeout(180_000);
    const bindAddress = process.env.PCC_E2E_HOST_ADDRESS;
    if (!bindAddress) throw new Error("PCC_E2E_HOST_ADDRESS is not set: run this through the PCC Playwright config");
    if (catalog) {
      catalogDir = fs.mkdtempSync(path.join(os.tmpdir(), "pcc-e2e-catalog-"));
      await catalog(catalogDir);
    }
    instance = await PccInstance.start({ web: true, bindAddress, ...opts, ...(catalogDir ? { catalogDir } : {}) });
  });
  test.afterAll(async () => {
    await instance?.stop();
    await instance?.cleanup();
    if (catalogDir) fs.rmSync(catalogDir, { recursive: true, force: true });
  });
  return {
    get pcc() {
      if (!instance) throw new Error("the PCC of this spec is not running");
      return instance;
    },
    get cspViolations() {
      return violations;
    },
    get catalogDir() {
      if (!catalogDir) throw new Error("this spec has no catalog of its own");
      return catalogDir;
    },
  };
}
