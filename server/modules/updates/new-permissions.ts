import type { AppSpec } from "../spec";

/**
 * What a new version asks for that the installed one did not, in words for the owner. PCC never grants
 * these by itself (the runtime only ever uses the owner's stored answers), so an update that asks for
 * more waits for the owner instead of installing itself and then failing without the access it expects.
 */
export function newPermissions(from: AppSpec, to: AppSpec): string[] {
  const out: string[] = [];
  const a = from.permissions;
  const b = to.permissions;
  if (b.internet === true && a.internet !== true) out.push("the whole internet");
  else if (typeof b.internet === "object") {
    const had = a.internet === true ? null : new Set(typeof a.internet === "object" ? a.internet.hosts : []);
    const added = had ? b.internet.hosts.filter((h) => !had.has(h)) : [];
    if (added.length) out.push(`internet access to ${added.join(", ")}`);
  }
  if (b.lan && !a.lan) out.push("your local network");
  for (const d of b.devices) if (!a.devices.includes(d)) out.push(`the device ${d}`);
  const ports = new Set(from.ports.map((p) => p.name));
  for (const p of to.ports) if (!ports.has(p.name)) out.push(`port ${p.hostPort}/${p.protocol} (${p.name})`);
  return out;
}
