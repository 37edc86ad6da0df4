/**
 * PCC's own packet filter for app networks: what the host, other networks and the apps themselves may
 * reach. Podman's netavark only isolates app bridges from each other; everything else (local users
 * dialling container IPs, apps dialling the host or the LAN, egress grants) is enforced here.
 */

/** What an app may reach beyond its own network. */
export type Egress = "none" | "all" | { hosts: string[] };

export type AppNetRule = {
  appId: string;
  /** The app network's Linux bridge (netavark `network_interface`). */
  bridge: string;
  /** The app network's IPv4 subnet, e.g. 10.131.7.0/24; its gateway (aardvark-dns) is the first address. */
  subnet: string;
  egress: Egress;
  /** Also allow private LAN ranges (RFC 1918, CGNAT, documentation nets) for `all` and `hosts` grants. */
  lan: boolean;
  /**
   * For an app that signs the owner in by OpenID Connect: the TCP port on its gateway where PCC serves the
   * issuer's back channel (the only host port such an app may reach besides DNS).
   */
  issuerPort?: number | null;
};

/** A host name of an egress grant that gave no usable address; the app simply cannot reach it. */
export type Unresolved = { appId: string; host: string; reason: string };

export type ApplyResult = {
  unresolved: Unresolved[];
  /** "disabled-in-kernel" when the kernel has no IPv6 (nothing to filter then). */
  ipv6: "enforced" | "disabled-in-kernel";
};

export interface Firewall {
  /** Brings this instance's tables to exactly this state, in one atomic nft transaction (both families). */
  apply(apps: AppNetRule[]): Promise<ApplyResult>;
  /** Re-resolves host grants of the last apply and writes the tables again (repairing any meddling). */
  refresh(): Promise<ApplyResult>;
  /** Calls refresh() every intervalMs (errors are logged); returns a function that stops it. */
  startRefresh(intervalMs?: number): () => void;
  /** Removes this instance's tables (both families), and the iptables chains of an earlier PCC version. */
  teardown(): Promise<void>;
}

export type CommandResult = { code: number; stdout: string; stderr: string };

/**
 * Runs one program without a shell. Resolves with the exit code (non-zero included); rejects only when
 * the program is missing (error.code "ENOENT") or was killed by the timeout.
 */
export type CommandRunner = (file: string, args: string[], opts: { input?: string; timeoutMs: number }) => Promise<CommandResult>;

/** Resolves a host name to IPv4 addresses; throws when it cannot. */
export type HostResolver = (host: string) => Promise<string[]>;
