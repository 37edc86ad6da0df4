import type { AskedPermissions, CatalogApp, DeclaredPort } from "@/server/modules/apps/apps.types";
import type { Granted } from "@/server/modules/runtime/runtime-plan";
import type { Setting } from "@/server/modules/spec/spec-settings";

/**
 * The owner's answer to what an app asks for (at install, and later in its Permissions tab), and the
 * settings form's values, as plain data: the components only render and edit these.
 */

export type PortAnswer = { open: boolean; hostPort: string };
export type PermissionAnswer = { internet: boolean; lan: boolean; devices: string[]; ports: Record<string, PortAnswer> };
/** What apps.install and apps.reconfigure take as `grants`. */
export type GrantsInput = { internet?: boolean; lan?: boolean; devices?: string[]; ports?: Record<string, number | null> };

type Asks = { permissions: AskedPermissions; ports: DeclaredPort[] };

/** Whether the app asks for anything beyond its own sandbox (internet, LAN, a device, a port). */
export function asksAnything(app: Asks): boolean {
  const p = app.permissions;
  return p.internet !== false || p.lan || p.devices.length > 0 || app.ports.length > 0;
}

/**
 * Installing needs a prompt when there is something to approve, fill in or pay for, or a warning to
 * read first (an app from a source trusted without a signature).
 */
export function needsPrompt(app: Pick<CatalogApp, "permissions" | "ports" | "settings" | "price"> & { catalogSource?: { trustUnsigned: boolean } }): boolean {
  return asksAnything(app) || app.settings.length > 0 || app.price !== null || app.catalogSource?.trustUnsigned === true;
}

/** At install: everything asked for is proposed, each port at the host port the app suggests. */
export function proposedAnswer(app: Asks): PermissionAnswer {
  return {
    internet: app.permissions.internet !== false,
    lan: app.permissions.lan,
    devices: [...app.permissions.devices],
    ports: Object.fromEntries(app.ports.map((p) => [p.name, { open: true, hostPort: String(p.hostPort) }])),
  };
}

/** After install: what the owner granted, for the ports the app declares. */
export function answerFromGrants(app: Asks, granted: Granted): PermissionAnswer {
  return {
    internet: granted.internet !== false,
    lan: granted.lan,
    devices: [...granted.devices],
    ports: Object.fromEntries(
      app.ports.map((p) => {
        const hostPort = granted.ports[p.name];
        return [p.name, { open: hostPort !== undefined, hostPort: String(hostPort ?? p.hostPort) }];
      }),
    ),
  };
}

/** Problems with the port numbers typed, by port name: a whole number 1–65535, not used twice. */
export function portProblems(app: Asks, answer: PermissionAnswer): Record<string, string> {
  const problems: Record<string, string> = {};
  const seen = new Map<string, string>();
  for (const p of app.ports) {
    const a = answer.ports[p.name];
    if (!a?.open) continue;
    const text = a.hostPort.trim();
    const n = Number(text);
    if (!/^\d+$/.test(text) || n < 1 || n > 65535) {
      problems[p.name] = "Enter a port number from 1 to 65535.";
      continue;
    }
    const key = `${p.protocol}/${n}`;
    const other = seen.get(key);
    if (other) problems[p.name] = `${n}/${p.protocol} is already used by ${other}.`;
    else seen.set(key, p.name);
  }
  return problems;
}

/** The grants to send: only what the app asks for; a declined port is sent as null (closed). */
export function grantsFromAnswer(app: Asks, answer: PermissionAnswer): GrantsInput {
  const asked = app.permissions;
  const grants: GrantsInput = {};
  if (asked.internet !== false) grants.internet = answer.internet;
  if (asked.lan) grants.lan = answer.lan;
  if (asked.devices.length) grants.devices = asked.devices.filter((d) => answer.devices.includes(d));
  if (app.ports.length) {
    grants.ports = Object.fromEntries(app.ports.map((p) => {
      const a = answer.ports[p.name];
      return [p.name, a?.open ? Number(a.hostPort.trim()) : null];
    }));
  }
  return grants;
}

export function sameAnswer(a: PermissionAnswer, b: PermissionAnswer): boolean {
  const ports = (x: PermissionAnswer) => JSON.stringify(Object.entries(x.ports).sort().map(([k, v]) => [k, v.open, v.open ? v.hostPort.trim() : ""]));
  return a.internet === b.internet && a.lan === b.lan && [...a.devices].sort().join() === [...b.devices].sort().join() && ports(a) === ports(b);
}

/** How the app's internet request reads to the owner. */
export function internetAsk(internet: AskedPermissions["internet"]): string {
  if (internet === false) return "No internet access";
  if (internet === true) return "The whole internet";
  return `Only ${internet.hosts.join(", ")}`;
}

// Settings ----------------------------------------------------------------------------------------

/**
 * A form value per setting key. `undefined` means "not touched": at install the server then uses the
 * default; after install it keeps the current value (the shell cannot read current values, see
 * app-settings-form.tsx).
 */
export type SettingsDraft = Record<string, string | boolean | undefined>;

/** At install every field starts from the app's default, so the owner sees what it will be. */
export function installDraft(settings: Setting[]): SettingsDraft {
  return Object.fromEntries(
    settings.map((s) => [s.key, s.default === undefined ? (s.type === "boolean" ? false : "") : typeof s.default === "number" ? String(s.default) : s.default]),
  );
}

export type SettingsResult = { values: Record<string, string | number | boolean>; problems: Record<string, string> };

/**
 * The values to send and the problems the shell can tell before asking the server: a required field left
 * empty (install only), a number that is not one or out of bounds. Patterns are the server's to check
 * (an app's regular expression is not run in the shell). Untouched fields are left out.
 */
export function settingsToSend(settings: Setting[], draft: SettingsDraft, mode: "install" | "edit"): SettingsResult {
  const values: SettingsResult["values"] = {};
  const problems: SettingsResult["problems"] = {};
  for (const s of settings) {
    const v = draft[s.key];
    if (v === undefined || v === "") {
      if (mode === "install" && s.required && s.default === undefined) problems[s.key] = `${s.label} is required`;
      continue;
    }
    if (s.type === "number") {
      const n = Number(v);
      if (typeof v !== "string" || v.trim() === "" || !Number.isFinite(n)) problems[s.key] = `${s.label} must be a number`;
      else if (s.min !== undefined && n < s.min) problems[s.key] = `${s.label} must be at least ${s.min}`;
      else if (s.max !== undefined && n > s.max) problems[s.key] = `${s.label} must be at most ${s.max}`;
      else values[s.key] = n;
    } else if (s.type === "boolean") {
      values[s.key] = v === true || v === "true";
    } else {
      values[s.key] = String(v);
    }
  }
  return { values, problems };
}

/**
 * The server names each bad field in its message, "<label> <problem>" joined by "; " (its fieldErrors
 * are not sent to the shell): put each part back next to its field. Parts naming no field stay general.
 */
export function fieldErrorsFromMessage(settings: Setting[], message: string): { fields: Record<string, string>; rest: string[] } {
  const fields: Record<string, string> = {};
  const rest: string[] = [];
  const byLongestLabel = [...settings].sort((a, b) => b.label.length - a.label.length);
  for (const part of message.split("; ")) {
    const s = byLongestLabel.find((x) => part.startsWith(`${x.label} `));
    if (s && !fields[s.key]) fields[s.key] = part;
    else rest.push(part);
  }
  return { fields, rest };
}
