import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";

const run = (...args: string[]) => execFileSync("ip", args, { stdio: ["ignore", "ignore", "pipe"], timeout: 10_000 });

export type BrowserNetns = { name: string; hostAddress: string; browserAddress: string; remove(): void };

/**
 * A network namespace for the browser, joined to the host by a veth pair. Owners browse from other
 * machines; a browser on the same host as Podman sees netavark add and remove bridges and aborts its
 * requests (ERR_NETWORK_CHANGED). In its own namespace it sees only its own link. Addresses come from
 * 198.18.0.0/15, the range reserved for benchmarks, so they never collide with a real network.
 */
export function createBrowserNetns(): BrowserNetns {
  const id = randomBytes(3).toString("hex");
  const name = `pcc-e2e-${id}`;
  const hostIf = `pe${id}h`;
  const nsIf = `pe${id}n`;
  // A random /30 inside 198.18.0.0/15.
  const n = randomBytes(2).readUInt16BE(0) & 0x7fff;
  const third = (n >> 6) & 0xff;
  const second = 18 + (n >> 14);
  const fourth = (n & 0x3f) * 4;
  const hostAddress = `198.${second}.${third}.${fourth + 1}`;
  const browserAddress = `198.${second}.${third}.${fourth + 2}`;
  const remove = () => {
    try {
      run("netns", "del", name);
    } catch {
      /* already gone */
    }
    try {
      run("link", "del", hostIf);
    } catch {
      /* went with the namespace */
    }
  };
  try {
    run("netns", "add", name);
    run("link", "add", hostIf, "type", "veth", "peer", "name", nsIf, "netns", name);
    run("addr", "add", `${hostAddress}/30`, "dev", hostIf);
    run("link", "set", hostIf, "up");
    run("-n", name, "addr", "add", `${browserAddress}/30`, "dev", nsIf);
    run("-n", name, "link", "set", nsIf, "up");
    run("-n", name, "link", "set", "lo", "up");
  } catch (e) {
    remove();
    throw new Error(`could not create the browser's network namespace: ${(e as { stderr?: Buffer }).stderr?.toString() ?? String(e)}`);
  }
  return { name, hostAddress, browserAddress, remove };
}
