import { instanceTag } from "../../lib/instance-tag";

/**
 * PCC before its nftables tables kept its rules as iptables chains `PCC-<8 hex>-*` in the filter table,
 * with jumps from INPUT, FORWARD and OUTPUT. A PCC that starts after an upgrade removes them once, so
 * that no stale rule (an old egress grant, say) outlives the move. Only this instance's chains and jumps
 * are touched; other PCCs' and everyone else's rules are left as they are.
 */

export type FilterState = { chains: Set<string>; rules: Map<string, string[]> };

const BUILTINS = ["INPUT", "FORWARD", "OUTPUT"] as const;

/** `PCC-<8 hex>`: the chain prefix an instance used (same hash of the same instance id as its table name). */
export const legacyChainPrefix = (instanceId: string) => `PCC-${instanceTag(instanceId, 8)}`;

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
    else if (line.startsWith(":")) chains.add(line.slice(1).split(" ")[0]!);
    else if (line.startsWith("-A ")) {
      const chain = line.split(" ")[1]!;
      rules.set(chain, [...(rules.get(chain) ?? []), line]);
    }
  }
  return { chains, rules };
}

/**
 * The iptables-restore --noflush script that removes this prefix's jumps (every copy) and chains, in one
 * transaction; null when there is nothing of this prefix.
 */
export function planLegacyTeardown(state: FilterState, prefix: string): string | null {
  const chains = [...state.chains].filter((c) => c.startsWith(`${prefix}-`)).sort();
  const jumps = BUILTINS.flatMap((b) =>
    chains.flatMap((c) => (state.rules.get(b) ?? []).filter((l) => l === `-A ${b} -j ${c}`).map(() => `-D ${b} -j ${c}`)),
  );
  if (!chains.length && !jumps.length) return null;
  return ["*filter", ...chains.map((c) => `:${c} - [0:0]`), ...jumps, ...chains.map((c) => `-X ${c}`), "COMMIT", ""].join("\n");
}
