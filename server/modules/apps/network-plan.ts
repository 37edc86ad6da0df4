import os from "node:os";
import { randomToken } from "../identity/tokens";

/**
 * Every app network gets a subnet and bridge name unique on the machine: netavark would otherwise
 * hand two PCCs on one host the same bridge. Random picks in 10.128.0.0/9 (32k /24s), avoiding
 * what this PCC already uses and what the host has configured.
 */
export function planNetwork(taken: { subnets: Set<string>; bridges: Set<string> }, random = Math.random) {
  const hostNets = new Set(
    Object.values(os.networkInterfaces())
      .flat()
      .filter((a) => a?.family === "IPv4")
      .map((a) => a!.address.split(".").slice(0, 3).join(".")),
  );
  for (let i = 0; i < 1000; i++) {
    const prefix = `10.${128 + Math.floor(random() * 127)}.${Math.floor(random() * 256)}`;
    const subnet = `${prefix}.0/24`;
    if (taken.subnets.has(subnet) || hostNets.has(prefix)) continue;
    let bridge = `pcc${randomToken(5)}`; // 11 characters: Linux allows 15
    while (taken.bridges.has(bridge)) bridge = `pcc${randomToken(5)}`;
    return { subnet, bridge };
  }
  throw new Error("No free subnet left for a new app network.");
}

export const names = {
  container: (appId: string) => `pcc-${appId}`,
  network: (appId: string) => `pcc-${appId}`,
  volume: (appId: string, vol: string) => `pcc-${appId}-${vol}`,
};

export const labelsFor = (appId: string) => ({ "pcc.managed": "true", "pcc.app": appId });
