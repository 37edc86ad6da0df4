import { PCC_HOOK, type Builtin, type Ruleset } from "./ruleset";

/**
 * Turns "what the kernel holds" (iptables-save of the filter table) and "what this PCC wants" into one
 * iptables-restore --noflush script. One script is one transaction (nf_tables commits it atomically;
 * legacy iptables swaps the whole table), so a crash or a failed line never leaves a half-built state.
 */

export type FilterState = { chains: Set<string>; rules: Map<string, string[]> };

const BUILTINS: Builtin[] = ["INPUT", "FORWARD", "OUTPUT"];

/** Reads the *filter section of iptables-save output: chain declarations and `-A` lines per chain. */
export function parseFilterSave(text: string): FilterState {
  const chains = new Set<string>();
  const rules = new Map<string, string[]>();
  let inFilter = false;
  for (const raw of text.split("\n")) {
    const line = raw.trimEnd();
    if (line.startsWith("*")) inFilter = line === "*filter";
    else if (!inFilter || line.startsWith("#")) continue;
    else if (line === "COMMIT") inFilter = false;
    else if (line.startsWith(":")) chains.add(line.slice(1).split(" ")[0]);
    else if (line.startsWith("-A ")) {
      const chain = line.split(" ")[1];
      rules.set(chain, [...(rules.get(chain) ?? []), line]);
    }
  }
  return { chains, rules };
}

const jumpLine = (builtin: Builtin, chain: string) => `-A ${builtin} -j ${chain}`;

/** PCC's jump is in place when it occurs once and only other PCC instances' jumps precede it. */
export function hookInPlace(state: FilterState, builtin: Builtin, chain: string) {
  const lines = state.rules.get(builtin) ?? [];
  const mine = jumpLine(builtin, chain);
  const at = lines.indexOf(mine);
  if (at < 0 || lines.lastIndexOf(mine) !== at) return false;
  return lines.slice(0, at).every((l) => {
    const m = /^-A \S+ -j (\S+)$/.exec(l);
    return m !== null && PCC_HOOK.test(m[1]);
  });
}

const ownChains = (state: FilterState, prefix: string) => [...state.chains].filter((c) => c.startsWith(`${prefix}-`)).sort();

/** True when the kernel already holds exactly this ruleset, with the jumps on top and nothing stale. */
export function inSync(state: FilterState, prefix: string, want: Ruleset) {
  const stale = ownChains(state, prefix).filter((c) => !want.chains.has(c));
  if (stale.length) return false;
  for (const [chain, rules] of want.chains) {
    if (!state.chains.has(chain)) return false;
    const have = state.rules.get(chain) ?? [];
    if (have.length !== rules.length || have.some((l, i) => l !== rules[i])) return false;
  }
  return want.hooks.every((h) => hookInPlace(state, h.builtin, h.chain));
}

/** Deletes every occurrence of this jump (there may be none, one, or duplicates left by a crash). */
function deleteJumps(state: FilterState, builtin: Builtin, chain: string) {
  const mine = jumpLine(builtin, chain);
  return (state.rules.get(builtin) ?? []).filter((l) => l === mine).map(() => `-D ${builtin} -j ${chain}`);
}

/**
 * The restore script that brings the kernel from `state` to `want`: declaring a chain flushes it (or
 * creates it), stale chains of this prefix are flushed and deleted, and misplaced jumps are moved to the
 * top — all in the same transaction. Returns null when nothing needs to change.
 */
export function planApply(state: FilterState, prefix: string, want: Ruleset): string | null {
  if (inSync(state, prefix, want)) return null;
  const stale = ownChains(state, prefix).filter((c) => !want.chains.has(c));
  const out = ["*filter"];
  for (const c of [...want.chains.keys(), ...stale]) out.push(`:${c} - [0:0]`);
  for (const c of stale) out.push(`-X ${c}`);
  for (const rules of want.chains.values()) out.push(...rules);
  for (const h of want.hooks) {
    if (hookInPlace(state, h.builtin, h.chain)) continue;
    out.push(...deleteJumps(state, h.builtin, h.chain), `-I ${h.builtin} 1 -j ${h.chain}`);
  }
  out.push("COMMIT", "");
  return out.join("\n");
}

/** Removes this prefix's jumps and chains, and nothing else. Null when there is nothing of ours. */
export function planTeardown(state: FilterState, prefix: string): string | null {
  const chains = ownChains(state, prefix);
  const jumps = BUILTINS.flatMap((b) => chains.flatMap((c) => deleteJumps(state, b, c)));
  if (!chains.length && !jumps.length) return null;
  return ["*filter", ...chains.map((c) => `:${c} - [0:0]`), ...jumps, ...chains.map((c) => `-X ${c}`), "COMMIT", ""].join("\n");
}

/** The whole script for a table that holds nothing of this PCC yet: what the first apply writes. */
export const fullRestore = (prefix: string, want: Ruleset) => planApply({ chains: new Set(), rules: new Map() }, prefix, want)!;
