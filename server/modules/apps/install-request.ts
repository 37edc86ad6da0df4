import { z } from "zod";
import { DomainError } from "../../errors";
import type { AppSpec } from "../spec";
import { compilePattern, matchPattern } from "../spec/spec-settings";
import type { SecretBox } from "../secrets/secret-box";
import type { Granted } from "../runtime/runtime-plan";

/** What the owner approves when installing (or later, in the app's settings). */
export const grantsInput = z.strictObject({
  internet: z.boolean().optional(),
  lan: z.boolean().optional(),
  devices: z.array(z.string().max(40)).max(10).optional(),
  /** port name → host port, or null to leave it closed */
  ports: z.record(z.string().max(40), z.number().int().min(1).max(65535).nullable()).optional(),
});
export type GrantsInput = z.infer<typeof grantsInput>;

export const settingsInput = z.record(z.string().max(60), z.union([z.string().max(4096), z.number(), z.boolean()]));
export type SettingsInput = z.infer<typeof settingsInput>;

/** True if the app asks for anything beyond its own sandbox (the fresh-owner tier guards installing those). */
export const asksForPermissions = (spec: AppSpec) =>
  spec.permissions.internet !== false || spec.permissions.lan || spec.permissions.devices.length > 0 || spec.ports.length > 0;

/**
 * The grants an owner's answer amounts to. Without an answer (`./pcc app install`, run by root on the
 * machine) everything the app asks for is granted. An answer can never grant more than the app asked.
 */
export function resolveGrants(spec: AppSpec, input?: GrantsInput): Granted {
  const asked = spec.permissions;
  const all = input === undefined;
  const refuse = (what: string) => new DomainError("INVALID_INPUT", `${spec.name} does not ask for ${what}, so it cannot be granted.`);
  if (input?.internet && asked.internet === false) throw refuse("internet access");
  if (input?.lan && !asked.lan) throw refuse("access to your local network");
  for (const d of input?.devices ?? []) if (!(asked.devices as string[]).includes(d)) throw refuse(`the device "${d}"`);
  const ports: Record<string, number> = {};
  for (const [name, hostPort] of Object.entries(input?.ports ?? {})) {
    if (!spec.ports.some((p) => p.name === name)) throw refuse(`a port named "${name}"`);
    if (hostPort !== null) ports[name] = hostPort;
  }
  if (all) for (const p of spec.ports) ports[p.name] = p.hostPort;
  const internet = all || input?.internet ? asked.internet : false;
  return { internet, lan: all || input?.lan ? asked.lan : false, devices: all ? [...asked.devices] : [...(input?.devices ?? [])], ports };
}

/** For the root CLI: everything the app asks for, except what was denied, with some ports moved or closed. */
export function grantsExcept(spec: AppSpec, deny: { internet?: boolean; lan?: boolean }, ports: Record<string, number | null> = {}): GrantsInput {
  return {
    internet: spec.permissions.internet !== false && !deny.internet,
    lan: spec.permissions.lan && !deny.lan,
    devices: [...spec.permissions.devices],
    ports: { ...Object.fromEntries(spec.ports.map((p) => [p.name, p.hostPort])), ...ports },
  };
}

const settingContext = (appId: string, key: string) => `${appId}/setting/${key}`;

/** Checks the owner's setting values (or defaults) against the spec's form; password values come back sealed. */
export function resolveSettings(spec: AppSpec, values: SettingsInput, box: SecretBox, previous: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  const problems: Record<string, string> = {};
  for (const key of Object.keys(values)) if (!spec.settings.some((s) => s.key === key)) problems[key] = `"${key}" is not a setting of this app`;
  for (const s of spec.settings) {
    const given = values[s.key];
    if (given === undefined && previous[s.key] !== undefined) {
      out[s.key] = previous[s.key]!;
      continue;
    }
    const value = given ?? s.default;
    if (value === undefined || value === "") {
      if (s.required) problems[s.key] = `${s.label} is required`;
      continue;
    }
    const problem = checkValue(s, value);
    if (problem) problems[s.key] = `${s.label} ${problem}`;
    else out[s.key] = s.type === "password" ? box.seal(String(value), settingContext(spec.id, s.key)) : String(value);
  }
  if (Object.keys(problems).length) {
    throw new DomainError("INVALID_INPUT", Object.values(problems).join("; "), { fieldErrors: problems });
  }
  return out;
}

function checkValue(s: AppSpec["settings"][number], value: string | number | boolean): string | null {
  switch (s.type) {
    case "boolean":
      return typeof value === "boolean" || value === "true" || value === "false" ? null : "must be on or off";
    case "number": {
      const n = typeof value === "number" ? value : Number(value);
      if (!Number.isFinite(n)) return "must be a number";
      if (s.min !== undefined && n < s.min) return `must be at least ${s.min}`;
      if (s.max !== undefined && n > s.max) return `must be at most ${s.max}`;
      return null;
    }
    case "select":
      return s.options.some((o) => o.value === String(value)) ? null : "must be one of the choices";
    default: {
      if (typeof value !== "string") return "must be text";
      const re = s.pattern ? compilePattern(s.pattern) : null;
      const match = re ? matchPattern(re, value) : true;
      return match === true ? null : match === false ? "does not have the expected form" : "cannot be checked against the app's pattern (it takes too long)";
    }
  }
}

/** Setting values in the clear, for the containers' environment. */
export function plainSettings(spec: AppSpec, stored: Record<string, string>, box: SecretBox): Record<string, string> {
  return Object.fromEntries(
    Object.entries(stored).map(([k, v]) => {
      const s = spec.settings.find((x) => x.key === k);
      return [k, s?.type === "password" ? box.open(v, settingContext(spec.id, k)) : v];
    }),
  );
}

/** The sealing context of a generated secret: bound to its app and name. */
export const secretContext = (appId: string, name: string) => `${appId}/secret/${name}`;
