import { test } from "@playwright/test";
import { PccInstance, type PccOptions } from "../tests/helpers/pcc-instance";

/**
 * Boots a real PCC (Podman, Caddy, SQLite, the built shell) for the spec that calls it, so no spec
 * depends on what another left behind. Use in a spec's top level; the instance is ready in its tests.
 */
export function usePcc(opts: PccOptions = {}): { readonly pcc: PccInstance } {
  let instance: PccInstance | null = null;
  test.beforeAll(async () => {
    test.setTimeout(180_000);
    const bindAddress = process.env.PCC_E2E_HOST_ADDRESS;
    if (!bindAddress) throw new Error("PCC_E2E_HOST_ADDRESS is not set: run this through the PCC Playwright config");
    instance = await PccInstance.start({ web: true, bindAddress, ...opts });
  });
  test.afterAll(async () => {
    await instance?.stop();
    await instance?.cleanup();
  });
  return {
    get pcc() {
      if (!instance) throw new Error("the PCC of this spec is not running");
      return instance;
    },
  };
}
