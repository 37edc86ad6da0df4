import { z } from "zod";
import { appIdSchema } from "../modules/apps/app-id";
import type { AppLogLine } from "../modules/runtime/observe/app-observe";
import type { AppStats } from "../modules/runtime/observe/app-stats";
import { batched } from "../modules/runtime/observe/log-merge";
import { MAX_TAIL } from "../modules/runtime/observe/log-query";
import type { Services } from "../services";
import { callCli, type CliEvent } from "./cli-protocol";

/** `./pcc app logs` and `./pcc app stats`: their usage, requests, server side and printing. */
export const observeUsage = `  pcc app logs ID [SERVICE] [-f] [--since 10m|ISO-TIME] [--tail N] [-t] [--json]
                                    the app's output, secrets masked; -f follows until Ctrl-C
  pcc app stats ID [--json]         CPU, memory, network, disk per service and in total`;

export const observeRequestSchemas = [
  z.object({
    cmd: z.literal("app.logs"),
    id: appIdSchema,
    service: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "not a service name").optional(),
    tail: z.number().int().min(0).max(MAX_TAIL).optional(),
    since: z.string().trim().min(1).max(40).optional(),
    follow: z.boolean().default(false),
  }),
  z.object({ cmd: z.literal("app.stats"), id: appIdSchema }),
] as const;

export type ObserveRequest = z.infer<(typeof observeRequestSchemas)[number]>;

/**
 * Server side. Lines go out as {"event":"logs"} batches as they are read; the answer ends a finished
 * read. A followed read ends when the CLI goes away (Ctrl-C closes the socket, which aborts `signal`).
 */
export async function dispatchObserve(s: Services, r: ObserveRequest, send: (event: string, data: unknown) => void, signal?: AbortSignal) {
  if (r.cmd === "app.stats") return s.observe.stats(r.id);
  const services = await s.observe.serviceNames(r.id, r.service);
  send("logs.services", services);
  const lines = await s.observe.logs(r.id, { service: r.service, tail: r.tail, since: r.since, follow: r.follow, signal });
  let count = 0;
  for await (const batch of batched(lines, 500, 50)) {
    send("logs", batch);
    count += batch.length;
  }
  return { lines: count };
}

type Parsed = { req: ObserveRequest; json: boolean; timestamps: boolean };

/** `logs …` / `stats …` arguments (after `app`); null means usage. */
export function parseObserveArgs(argv: string[]): Parsed | null {
  const [verb, ...rest] = argv;
  const json = rest.includes("--json");
  const valueFlags = new Set(["--since", "--tail"]);
  const positional: string[] = [];
  const values: Record<string, string> = {};
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    const eq = /^(--since|--tail)=(.*)$/.exec(a);
    if (eq) values[eq[1]!] = eq[2]!;
    else if (valueFlags.has(a)) {
      if (i + 1 >= rest.length) return null;
      values[a] = rest[++i]!;
    } else if (!a.startsWith("-")) positional.push(a);
    else if (!["-f", "--follow", "-t", "--timestamps", "--json"].includes(a)) return null;
  }
  const [id, service, extra] = positional;
  if (!id || extra) return null;
  if (verb === "stats") return service ? null : { req: { cmd: "app.stats", id }, json, timestamps: false };
  if (verb !== "logs") return null;
  let tail: number | undefined;
  if (values["--tail"] !== undefined) {
    if (!/^\d+$/.test(values["--tail"])) return null;
    tail = Number(values["--tail"]);
  }
  const follow = rest.includes("-f") || rest.includes("--follow");
  const req: ObserveRequest = { cmd: "app.logs", id, follow, ...(service ? { service } : {}), ...(tail !== undefined ? { tail } : {}), ...(values["--since"] ? { since: values["--since"] } : {}) };
  return { req, json, timestamps: rest.includes("-t") || rest.includes("--timestamps") };
}

/** Client side: streams the lines to stdout (prefixed with their service when several are shown). */
export async function runObserveCommand(p: Parsed, socketPath: string): Promise<number> {
  // `./pcc app logs x | head` closes stdout early: that is not an error.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => process.exit(e.code === "EPIPE" ? 0 : 1));
  let width = 0;
  const onEvent = (e: CliEvent) => {
    if (e.event === "logs.services") {
      const names = e.data as string[];
      width = names.length > 1 ? Math.max(...names.map((n) => n.length)) : 0;
    } else if (e.event === "logs") {
      process.stdout.write((e.data as AppLogLine[]).map((l) => formatLine(l, { width, timestamps: p.timestamps, json: p.json })).join(""));
    }
  };
  const res = await callCli(socketPath, p.req, onEvent);
  if (!res.ok) {
    console.error(`error: ${res.message}`);
    return 1;
  }
  if (p.req.cmd === "app.stats") console.log(p.json ? JSON.stringify(res.result, null, 2) : formatStats(res.result as AppStats));
  return 0;
}

export function formatLine(l: AppLogLine, o: { width: number; timestamps: boolean; json: boolean }) {
  if (o.json) return `${JSON.stringify(l)}\n`;
  const prefix = (o.width ? `${l.service.padEnd(o.width)} | ` : "") + (o.timestamps && l.time ? `${l.time} ` : "");
  return `${prefix}${l.text}\n`;
}

export function bytes(n: number | null): string {
  if (n === null) return "?";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) [v, i] = [v / 1024, i + 1];
  return `${i === 0 ? v : v.toFixed(v < 10 ? 2 : 1)} ${units[i]}`;
}

const pct = (n: number | null) => (n === null ? "-" : `${n.toFixed(2)}%`);

/** One table: a row per service, a total row, then the disk line. */
export function formatStats(s: AppStats): string {
  const rows = [
    ["SERVICE", "STATE", "CPU", "MEMORY / LIMIT", "NET IN / OUT", "BLOCK READ / WRITE", "PIDS"],
    ...s.services.map((v) => [
      v.service,
      v.running ? "running" : "stopped",
      pct(v.cpuPercent),
      v.running ? `${bytes(v.memoryBytes)} / ${bytes(v.memoryLimitBytes)}` : "-",
      v.running ? `${bytes(v.netRxBytes)} / ${bytes(v.netTxBytes)}` : "-",
      v.running ? `${bytes(v.blockReadBytes)} / ${bytes(v.blockWriteBytes)}` : "-",
      v.running ? String(v.pids) : "-",
    ]),
    [
      "total",
      `${s.total.running}/${s.services.length} up`,
      pct(s.total.cpuPercent),
      `${bytes(s.total.memoryBytes)} / ${bytes(s.total.memoryLimitBytes)}`,
      `${bytes(s.total.netRxBytes)} / ${bytes(s.total.netTxBytes)}`,
      `${bytes(s.total.blockReadBytes)} / ${bytes(s.total.blockWriteBytes)}`,
      String(s.total.pids),
    ],
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const table = rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join("  ").trimEnd());
  const volumes = s.disk.volumes.map((v) => `${v.volume} ${bytes(v.bytes)}`).join(", ");
  table.push("", s.disk.volumes.length ? `disk: ${bytes(s.disk.bytes)} in volumes (${volumes})` : "disk: no volumes");
  return table.join("\n");
}
