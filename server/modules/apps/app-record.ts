import type { AppRow } from "../../adapters/db/apps-repository";
import { toMessage } from "../../errors";
import { fromStored, type AppSpec } from "../spec";
import { storedResources, type AppResources } from "../runtime/app-resources";
import { NO_GRANTS, type Granted } from "../runtime/runtime-plan";

/** An installed app as the lifecycle works with it: its row, parsed. */
export type AppRecord = {
  row: AppRow;
  spec: AppSpec;
  resources: AppResources;
  grants: Granted;
  /** Setting values as stored (password settings sealed). */
  settings: Record<string, string>;
};

/** A row whose stored spec cannot be read: only that app is affected, the others run on. */
export type BrokenRecord = { row: AppRow; error: string };

// Parsing a stored spec runs the whole schema (~0.2 ms); the gateway and the lifecycle read every row often.
const parsed = new Map<string, AppSpec>();
function storedSpec(version: number, json: string): AppSpec {
  const key = `${version}:${json}`;
  let spec = parsed.get(key);
  if (!spec) {
    spec = fromStored(version, json);
    if (parsed.size >= 500) parsed.delete(parsed.keys().next().value!);
    parsed.set(key, spec);
  }
  return spec;
}

export function readRecord(row: AppRow): AppRecord | BrokenRecord {
  try {
    const spec = storedSpec(row.specVersion, row.manifest);
    const grants = { ...NO_GRANTS, ...(JSON.parse(row.grants || "{}") as Partial<Granted>) };
    // Apps installed before app spec v1 had no firewall: they keep the access they always had.
    if (row.specVersion === 0 && row.grants === "{}") Object.assign(grants, { internet: true, lan: true });
    return { row, spec, resources: storedResources(row.resources, spec), grants, settings: JSON.parse(row.settings || "{}") as Record<string, string> };
  } catch (e) {
    return { row, error: toMessage(e) };
  }
}

export const isBroken = (r: AppRecord | BrokenRecord): r is BrokenRecord => "error" in r;
