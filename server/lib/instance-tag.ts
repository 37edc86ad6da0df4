import { createHash } from "node:crypto";

/**
 * A short tag that tells this PCC's objects on the machine from another PCC's (its data folder is its
 * identity): in its Podman network names, its nftables tables, its legacy iptables chains.
 */
export const instanceTag = (instanceId: string, length: number) => createHash("sha256").update(instanceId).digest("hex").slice(0, length);
