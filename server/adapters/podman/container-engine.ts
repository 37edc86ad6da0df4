/** The outside world of containers, as PCC needs it. Podman implements it; unit tests fake it. */
export type Labels = Record<string, string>;

export type NetworkSpec = {
  name: string;
  subnet: string;
  bridge: string;
  labels: Labels;
  /** Service names resolve inside the app's network (aardvark-dns); off for one-service apps of old. */
  dns: boolean;
};

export type PortMapping = { hostIp: string; hostPort: number; containerPort: number; protocol: "tcp" | "udp" };

export type ContainerSpec = {
  name: string;
  image: string;
  labels: Labels;
  network: string;
  aliases: string[];
  user?: string;
  command?: string[];
  entrypoint?: string[];
  workingDir?: string;
  env: Record<string, string>;
  volumes: { name: string; path: string; readOnly?: boolean }[];
  tmpfs: { path: string; sizeMb: number }[];
  /** Podman secrets mounted as files. */
  secrets?: { name: string; path: string }[];
  memoryMb: number;
  cpus?: number;
  pids: number;
  ports?: PortMapping[];
  /** First host id of this container's user-namespace range; automatic when absent. */
  uidBase?: number;
  /** A fixed address on the app's network, so its other services can find it without DNS. */
  ip?: string;
  /** /etc/hosts entries: the app's other services by name. */
  hosts?: Record<string, string>;
  /** Seccomp profile (a JSON file on the host) instead of Podman's default; see seccomp-profile.ts. */
  seccompProfile?: string;
};

export type ContainerState = "created" | "running" | "exited" | "stopped" | "paused" | "unknown";

export type ContainerInfo = {
  name: string;
  state: ContainerState;
  ip: string | null;
  labels: Labels;
  exitCode: number | null;
  /** When the current or last run started (ISO), if known. */
  startedAt?: string | null;
  image?: string;
};

export type BuildContext = { containerfile: string; tar: Buffer };

/** Download progress of an image, summed over its layers. */
export type PullProgress = { done: number; total: number };

export interface ContainerEngine {
  version(): Promise<string>;
  imageExists(ref: string): Promise<boolean>;
  buildImage(tag: string, ctx: BuildContext, opts?: { network?: boolean; onLine?: (line: string) => void }): Promise<void>;
  /** layerSizes: each layer's size by digest, from the registry, so fast pulls still report bytes. */
  pullImage(ref: string, onProgress?: (p: PullProgress) => void, layerSizes?: Promise<Map<string, number> | null>): Promise<void>;
  importImage(ref: string, tar: Buffer): Promise<void>;
  removeImage(ref: string): Promise<void>;
  ensureNetwork(spec: NetworkSpec): Promise<void>;
  listNetworks(labels: Labels): Promise<{ name: string; labels: Labels }[]>;
  removeNetwork(name: string): Promise<void>;
  ensureVolume(name: string, labels: Labels): Promise<void>;
  /** A volume's labels, or null if there is no such volume. */
  volumeLabels(name: string): Promise<Labels | null>;
  /** Where a volume's files are on the host (for snapshots before an update), or null. */
  volumeMountpoint(name: string): Promise<string | null>;
  listVolumes(labels: Labels): Promise<{ name: string; labels: Labels }[]>;
  removeVolume(name: string): Promise<void>;
  /** Creates or replaces a secret (for files mounted into containers). */
  putSecret(name: string, data: string, labels: Labels): Promise<void>;
  listSecrets(labels: Labels): Promise<string[]>;
  removeSecret(name: string): Promise<void>;
  createContainer(spec: ContainerSpec): Promise<void>;
  inspectContainer(name: string): Promise<ContainerInfo | null>;
  listContainers(labels: Labels): Promise<ContainerInfo[]>;
  startContainer(name: string): Promise<void>;
  stopContainer(name: string, timeoutSeconds?: number): Promise<void>;
  removeContainer(name: string): Promise<void>;
  /** Runs a command in a running container; its exit code, or null if it did not finish in time. */
  exec(name: string, cmd: string[], timeoutMs: number): Promise<number | null>;
}
