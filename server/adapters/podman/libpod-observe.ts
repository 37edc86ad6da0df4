import { execFile } from "node:child_process";
import http from "node:http";
import { StringDecoder } from "node:string_decoder";
import { DomainError } from "../../errors";
import { parseJson, UnixHttpClient } from "../../lib/unix-http";
import type { ContainerObserver, ContainerSample, LogLine, LogOptions, LogStream, VolumeUsage } from "./container-observer";

const API = "/v4.0.0/libpod";
const HEADERS_TIMEOUT_MS = 15_000;
/** A finished (not followed) log read may be long, but not endless. */
const READ_IDLE_TIMEOUT_MS = 30_000;
/** A line longer than this is cut into pieces (an app writing megabytes without a newline). */
export const MAX_LINE_CHARS = 64 * 1024;

// "2026-11-25T17:20:22Z " or with fractions and an offset: what Podman puts before each entry.
const TIMESTAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) /;

type Pending = { time: string | null; text: string; decoder: StringDecoder };

/**
 * Decodes Podman's log stream. Without a terminal (PCC's containers) it is multiplexed: each frame is
 * an 8-byte header (stream: 1 stdout, 2 stderr; then 3 zero bytes; then the payload's length, big
 * endian) and a payload, one log entry, "TIMESTAMP text\n" (no newline when the entry is the start of a
 * long line Podman split). With a terminal there are no headers: plain "TIMESTAMP text\n" lines. Which
 * of the two is told by the first bytes: a header starts 0x00-0x03 then three zeros, a timestamp with a
 * digit. Frames and lines may be cut anywhere across chunks; text is UTF-8, also cut anywhere.
 */
export class LogDecoder {
  private mode: "unknown" | "mux" | "raw" = "unknown";
  private buf: Buffer = Buffer.alloc(0);
  private readonly pending: Record<LogStream, Pending> = {
    stdout: { time: null, text: "", decoder: new StringDecoder("utf8") },
    stderr: { time: null, text: "", decoder: new StringDecoder("utf8") },
  };

  push(chunk: Buffer): LogLine[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: LogLine[] = [];
    if (this.mode === "unknown") {
      if (this.buf.length < 4) return out;
      this.mode = this.buf[0]! <= 3 && this.buf[1] === 0 && this.buf[2] === 0 && this.buf[3] === 0 ? "mux" : "raw";
    }
    if (this.mode === "raw") {
      this.text("stdout", this.buf, out, true);
      this.buf = Buffer.alloc(0);
      return out;
    }
    let at = 0;
    while (this.buf.length - at >= 8) {
      const size = this.buf.readUInt32BE(at + 4);
      if (this.buf.length - at < 8 + size) break;
      const stream: LogStream = this.buf[at] === 2 || this.buf[at] === 3 ? "stderr" : "stdout";
      this.frame(stream, this.buf.subarray(at + 8, at + 8 + size), out);
      at += 8 + size;
    }
    this.buf = this.buf.subarray(at);
    return out;
  }

  /** What is left when the stream ends: unfinished lines, as lines. */
  end(): LogLine[] {
    const out: LogLine[] = [];
    for (const stream of ["stdout", "stderr"] as const) {
      const p = this.pending[stream];
      p.text += p.decoder.end();
      if (p.text) out.push({ stream, time: p.time, text: p.text.replace(/\r$/, "") });
      p.text = "";
      p.time = null;
    }
    return out;
  }

  /** One multiplexed entry: its timestamp, then text that may end a line or not. */
  private frame(stream: LogStream, payload: Buffer, out: LogLine[]) {
    const head = TIMESTAMP.exec(payload.subarray(0, 48).toString("latin1"));
    const p = this.pending[stream];
    if (head) {
      if (!p.text) p.time = head[1]!;
      payload = payload.subarray(head[0].length);
    }
    this.text(stream, payload, out, false);
  }

  /** Appends text to a stream's unfinished line and hands over every line it completes. */
  private text(stream: LogStream, bytes: Buffer, out: LogLine[], timestampPerLine: boolean) {
    const p = this.pending[stream];
    p.text += p.decoder.write(bytes);
    let nl: number;
    while ((nl = p.text.indexOf("\n")) >= 0) {
      let line = p.text.slice(0, nl).replace(/\r$/, "");
      p.text = p.text.slice(nl + 1);
      let time = p.time;
      if (timestampPerLine) {
        const head = TIMESTAMP.exec(line);
        if (head) [time, line] = [head[1]!, line.slice(head[0].length)];
      }
      out.push({ stream, time, text: line });
      p.time = null;
    }
    if (timestampPerLine && p.text && p.time === null) {
      const head = TIMESTAMP.exec(p.text);
      if (head) [p.time, p.text] = [head[1]!, p.text.slice(head[0].length)];
    }
    while (p.text.length > MAX_LINE_CHARS) {
      // After a space near the limit if there is one: a secret (no spaces) is then never cut in two,
      // which would hide it from the masking that works line by line.
      const space = p.text.lastIndexOf(" ", MAX_LINE_CHARS - 1);
      const cut = space >= MAX_LINE_CHARS - 4096 ? space + 1 : MAX_LINE_CHARS;
      out.push({ stream, time: p.time, text: p.text.slice(0, cut) });
      p.text = p.text.slice(cut);
    }
  }
}

const unixSeconds = (d: Date) => (d.getTime() / 1000).toFixed(3);

/** Podman's libpod API for logs and stats, on its own connections (a follow stream holds one open). */
export class LibpodObserver implements ContainerObserver {
  private readonly http: UnixHttpClient;

  constructor(private readonly socketPath: string) {
    this.http = new UnixHttpClient(socketPath, "Podman", 15_000);
  }

  /**
   * Podman's own `tail` is not used: it reads the file backwards and pairs the pieces of split lines
   * wrongly (an app that writes a line and its newline separately, as Python's print does, comes out
   * as joined and empty lines). The last N lines are kept here instead, from a full read; the log file
   * is bounded (log_size_max in PCC's containers.conf), so that read is too.
   */
  async *logs(container: string, opts: LogOptions = {}): AsyncGenerator<LogLine> {
    if (opts.tail === undefined) return yield* this.read(container, opts);
    const now = new Date();
    const ring: LogLine[] = [];
    let next = 0;
    if (opts.tail > 0) {
      for await (const l of this.read(container, { ...opts, follow: false, until: opts.follow ? now : opts.until })) {
        if (ring.length < opts.tail) ring.push(l);
        else ring[next] = l;
        next = (next + 1) % opts.tail;
      }
    }
    yield* [...ring.slice(next), ...ring.slice(0, next)];
    if (opts.follow) yield* this.read(container, { ...opts, since: now, until: undefined });
  }

  private async *read(container: string, opts: LogOptions): AsyncGenerator<LogLine> {
    const q = new URLSearchParams({ stdout: "true", stderr: "true", timestamps: "true" });
    if (opts.follow) q.set("follow", "true");
    if (opts.since) q.set("since", unixSeconds(opts.since));
    if (opts.until) q.set("until", unixSeconds(opts.until));
    if (opts.signal?.aborted) return;
    let opened: Awaited<ReturnType<LibpodObserver["open"]>>;
    try {
      opened = await this.open(`${API}/containers/${encodeURIComponent(container)}/logs?${q}`, opts);
    } catch (e) {
      if (opts.signal?.aborted) return;
      throw e;
    }
    const { req, res } = opened;
    try {
      if (res.statusCode !== 200) {
        const body = await readAll(res).catch(() => "");
        if (res.statusCode === 404) throw new DomainError("NOT_FOUND", `There is no container ${container}.`);
        throw new DomainError("EXTERNAL_FAILURE", `Podman could not read the logs of ${container}: ${messageOf(body)}`);
      }
      const decoder = new LogDecoder();
      for await (const chunk of res) yield* decoder.push(chunk as Buffer);
      yield* decoder.end();
    } catch (e) {
      // The reader went away (the client disconnected, Ctrl-C): that is how a follow ends.
      if (opts.signal?.aborted) return;
      if (e instanceof DomainError) throw e;
      throw new DomainError("UNAVAILABLE", `The logs of ${container} stopped: ${(e as Error).message}`);
    } finally {
      req.destroy();
    }
  }

  /** A request on a connection of its own, resolved once the headers are in. */
  private open(path: string, opts: LogOptions): Promise<{ req: http.ClientRequest; res: http.IncomingMessage }> {
    return new Promise((resolve, reject) => {
      const req = http.request({ socketPath: this.socketPath, path, method: "GET", agent: false, signal: opts.signal });
      const headers = setTimeout(() => req.destroy(new Error(`no answer within ${HEADERS_TIMEOUT_MS / 1000} s`)), HEADERS_TIMEOUT_MS);
      req.once("response", (res) => {
        clearTimeout(headers);
        // A quiet app may write nothing for hours while followed; a finished read must not hang.
        if (!opts.follow) req.setTimeout(READ_IDLE_TIMEOUT_MS, () => req.destroy(new Error("Podman stopped sending")));
        resolve({ req, res });
      });
      req.once("error", (e) => {
        clearTimeout(headers);
        reject(opts.signal?.aborted ? e : new DomainError("UNAVAILABLE", `Podman is not reachable (${(e as NodeJS.ErrnoException).code ?? e.message}).`));
      });
      req.end();
    });
  }

  async stats(containers: string[]): Promise<ContainerSample[]> {
    if (!containers.length) return [];
    const all = await this.statsOf(containers);
    if (all) return all;
    // One stopped (or missing) container fails the whole call: ask for each alone.
    const each = await Promise.all(containers.map((c) => this.statsOf([c])));
    return each.flatMap((s) => s ?? []);
  }

  private async statsOf(containers: string[]): Promise<ContainerSample[] | null> {
    const q = ["stream=false", ...containers.map((c) => `containers=${encodeURIComponent(c)}`)].join("&");
    const r = await this.http.request(`${API}/containers/stats?${q}`, { timeoutMs: 15_000 });
    if (r.status !== 200) return null;
    const body = parseJson<{ Error?: unknown; Stats?: LibpodStats[] | null }>(r);
    if (body.Error || !body.Stats) return null;
    return body.Stats.map((s) => ({
      name: s.Name,
      cpuNs: s.CPUNano ?? 0,
      atNs: s.SystemNano ?? Date.now() * 1e6,
      memoryBytes: s.MemUsage ?? 0,
      memoryLimitBytes: s.MemLimit ?? 0,
      netRxBytes: s.NetInput ?? 0,
      netTxBytes: s.NetOutput ?? 0,
      blockReadBytes: s.BlockInput ?? 0,
      blockWriteBytes: s.BlockOutput ?? 0,
      pids: s.PIDs ?? 0,
    }));
  }

  async volumeUsage(name: string, timeoutMs = 5_000): Promise<VolumeUsage> {
    const r = await this.http.request(`${API}/volumes/${encodeURIComponent(name)}/json`, { timeoutMs });
    if (r.status !== 200) return { name, bytes: null };
    const mountpoint = parseJson<{ Mountpoint?: string }>(r).Mountpoint;
    return { name, bytes: mountpoint ? await diskUsage(mountpoint, timeoutMs) : null };
  }

  async close() {
    await this.http.close();
  }
}

type LibpodStats = {
  Name: string;
  CPUNano?: number;
  SystemNano?: number;
  MemUsage?: number;
  MemLimit?: number;
  NetInput?: number;
  NetOutput?: number;
  BlockInput?: number;
  BlockOutput?: number;
  PIDs?: number;
};

/** Bytes a directory tree occupies on disk (du), or null if du did not finish within the deadline. */
export function diskUsage(dir: string, timeoutMs: number): Promise<number | null> {
  return new Promise((resolve) => {
    // -x: one file system (a mount inside the volume is not the volume's); -B1: bytes.
    execFile("du", ["-s", "-x", "-B1", "--", dir], { timeout: timeoutMs, killSignal: "SIGKILL", maxBuffer: 1 << 16 }, (err, stdout) => {
      const bytes = Number(/^(\d+)\s/.exec(String(stdout))?.[1] ?? NaN);
      // du exits 1 when a file vanished under it: its total is still a fine answer. A kill is not.
      resolve(Number.isFinite(bytes) && !(err && (err as { killed?: boolean }).killed) ? bytes : null);
    });
  });
}

function readAll(res: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let s = "";
    res.setEncoding("utf8");
    res.on("data", (c: string) => (s += c.length + s.length < 4096 ? c : ""));
    res.on("end", () => resolve(s));
    res.on("error", reject);
  });
}

function messageOf(body: string) {
  try {
    return (JSON.parse(body) as { message?: string }).message ?? body.slice(0, 300);
  } catch {
    return body.slice(0, 300);
  }
}
