/**
 * Watching containers (logs, resource use, volume sizes), apart from ContainerEngine, which changes
 * them: the lifecycle and its fakes never need this, and a follow stream holds a connection open for
 * as long as someone reads it, so an observer must not share the engine's connections.
 */
export type LogStream = "stdout" | "stderr";

export type LogLine = {
  stream: LogStream;
  /** When the container wrote the line (ISO 8601; Podman's API gives whole seconds), or null if unknown. */
  time: string | null;
  /** The line without its newline. */
  text: string;
};

export type LogOptions = {
  /** Keep the stream open and deliver new lines until the container stops or `signal` aborts. */
  follow?: boolean;
  /** Only lines written at or after this instant. */
  since?: Date;
  /** Only lines written before this instant. */
  until?: Date;
  /** Only the last N lines (before following); all when absent. */
  tail?: number;
  signal?: AbortSignal;
};

/** Counters of one running container at one instant, as the kernel keeps them (cumulative). */
export type ContainerSample = {
  name: string;
  /** CPU time used since the container started, ns. */
  cpuNs: number;
  /** Wall clock of the sample, ns since the epoch (CPU % = delta cpuNs / delta atNs). */
  atNs: number;
  memoryBytes: number;
  memoryLimitBytes: number;
  netRxBytes: number;
  netTxBytes: number;
  blockReadBytes: number;
  blockWriteBytes: number;
  pids: number;
};

/** Bytes a volume uses on disk; null if it could not be measured in time (or does not exist). */
export type VolumeUsage = { name: string; bytes: number | null };

export interface ContainerObserver {
  /** A container's output, line by line; ends with the stream (at once unless following). NOT_FOUND if no such container. */
  logs(container: string, opts?: LogOptions): AsyncGenerator<LogLine>;
  /** One sample of each named container that is running; the others are left out. */
  stats(containers: string[]): Promise<ContainerSample[]>;
  /** The disk use of a volume, measured within `timeoutMs`. */
  volumeUsage(name: string, timeoutMs?: number): Promise<VolumeUsage>;
}
