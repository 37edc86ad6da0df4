/** The outside world of containers, as the apps service needs it. Podman implements it; unit tests fake it. */
export type Labels = Record<string, string>;

export type NetworkSpec = { name: string; subnet: string; bridge: string; labels: Labels };

export type ContainerSpec = {
  name: string;
  image: string;
  labels: Labels;
  network: string;
  aliases: string[];
  user?: string;
  command?: string[];
  env: Record<string, string>;
  volumes: { name: string; path: string }[];
  tmpfs: { path: string; sizeMb: number }[];
  memoryMb: number;
  pids: number;
};

export type ContainerState = "created" | "running" | "exited" | "stopped" | "paused" | "unknown";

export type ContainerInfo = {
  name: string;
  state: ContainerState;
  ip: string | null;
  labels: Labels;
  exitCode: number | null;
};

export type BuildContext = { containerfile: string; tar: Buffer };

export interface ContainerEngine {
  version(): Promise<string>;
  imageExists(ref: string): Promise<boolean>;
  buildImage(tag: string, ctx: BuildContext, onLine?: (line: string) => void): Promise<void>;
  pullImage(ref: string, onLine?: (line: string) => void): Promise<void>;
  ensureNetwork(spec: NetworkSpec): Promise<void>;
  listNetworks(labels: Labels): Promise<{ name: string; labels: Labels }[]>;
  removeNetwork(name: string): Promise<void>;
  ensureVolume(name: string, labels: Labels): Promise<void>;
  listVolumes(labels: Labels): Promise<{ name: string; labels: Labels }[]>;
  removeVolume(name: string): Promise<void>;
  createContainer(spec: ContainerSpec): Promise<void>;
  inspectContainer(name: string): Promise<ContainerInfo | null>;
  listContainers(labels: Labels): Promise<ContainerInfo[]>;
  startContainer(name: string): Promise<void>;
  stopContainer(name: string, timeoutSeconds?: number): Promise<void>;
  removeContainer(name: string): Promise<void>;
}
