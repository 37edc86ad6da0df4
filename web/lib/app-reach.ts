import type { InstalledApp } from "@/server/modules/apps/apps.types";

/**
 * How the owner reaches an app that has no web page (a DNS server, a game server): the ports it was
 * given on the PCC, in words. What "ready to open" would be for an app with one.
 */
export function backgroundSentence(ports: InstalledApp["ports"]): string {
  if (ports.length === 0) return "It runs in the background.";
  const names = [...new Set(ports.map((p) => `${p.hostPort}/${p.protocol}`))];
  const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
  return `It runs in the background, on port${names.length === 1 ? "" : "s"} ${list} of your PCC.`;
}
