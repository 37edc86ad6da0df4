import type { AnyRouter } from "@trpc/server";
import type { Tier } from "./init";

export type ProcedureInfo = { path: string; type: "query" | "mutation" | "subscription"; tier: Tier | undefined };

/**
 * Every procedure of a router with its tier, read from the router itself: tests that enumerate the API
 * (every non-public procedure refuses strangers) cover a new procedure without being told about it.
 */
export function listProcedures(r: AnyRouter): ProcedureInfo[] {
  const procedures = r._def.procedures as Record<string, { _def: { type: ProcedureInfo["type"]; meta?: { tier?: Tier } } }>;
  return Object.entries(procedures).map(([path, p]) => ({ path, type: p._def.type, tier: p._def.meta?.tier }));
}
