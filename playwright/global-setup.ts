import { createBrowserNetns } from "../tests/helpers/browser-netns";

/**
 * The browser runs in its own network namespace, as an owner's phone or laptop is another machine:
 * Podman adding and removing bridges on the host is then invisible to it. Each spec boots its own PCC
 * (playwright/pcc-fixture.ts), listening on the host's end of the namespace's link.
 */
export default async function globalSetup() {
  const netns = createBrowserNetns();
  process.env.PCC_E2E_NETNS = netns.name;
  process.env.PCC_E2E_HOST_ADDRESS = netns.hostAddress;
  return async () => netns.remove();
}
