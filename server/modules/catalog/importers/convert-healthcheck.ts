import { formatDuration } from "../../spec/spec-fields";
import type { ConvertContext } from "./convert-context";
import { SOCKET } from "./convert-sandbox";
import type { SvcWork } from "./convert-types";
import { literalValue } from "./convert-variables";
import type { DraftHealthcheck } from "./draft";
import { isMapping, scalar } from "./source-text";
import { clamp, parseDurationMs, splitWords } from "./values";

// Health checks: PCC runs HTTP and TCP probes itself, so a curl, wget or nc test becomes one of those;
// anything else is kept as a command, in exec form when it needs no shell.

/** The service's healthcheck as a PCC probe, its timings clamped to PCC's ranges. */
export function healthcheck(ctx: ConvertContext, w: SvcWork) {
  const hc = w.svc.healthcheck;
  const at = ctx.src(`services.${w.orig}.healthcheck`);
  if (hc === undefined || hc === null) return;
  if (!isMapping(hc)) return;
  if (hc.disable === true) {
    ctx.notes.add("info", at, "is disabled in the source; no healthcheck");
    return;
  }
  const test = hc.test;
  if (SOCKET.test(JSON.stringify(test ?? ""))) return; // refused in refuseSandboxFields()
  let probe: Pick<DraftHealthcheck, "http" | "tcp" | "command"> | undefined;
  if (Array.isArray(test) && test.length) {
    const words = test.map((x) => scalar(x) ?? "");
    const kind = words[0]!.toUpperCase();
    if (kind === "NONE") return;
    if (kind === "CMD") probe = recogniseProbe(words.slice(1).map(quoteIfNeeded).join(" "), w) ?? { command: words.slice(1).map((a) => literalValue(ctx, a, at) ?? a) };
    else if (kind === "CMD-SHELL") probe = shellProbe(ctx, words.slice(1).join(" "), w, at);
    else probe = shellProbe(ctx, words.join(" "), w, at);
  } else if (scalar(test) !== undefined) probe = shellProbe(ctx, scalar(test)!, w, at);
  if (!probe || (probe.command && (!probe.command.length || !probe.command[0]))) {
    ctx.notes.add("dropped", at, "has no test the importer can read; no healthcheck");
    return;
  }
  const out: DraftHealthcheck = { ...probe };
  if (out.http) w.healthHttpPort = out.http.port;
  const dur = (field: string, min: number, max: number): string | undefined => {
    const v = hc[field];
    if (v === undefined) return undefined;
    const ms = parseDurationMs(v);
    if (ms === null) {
      ctx.notes.add("dropped", `${at}.${field}`, `"${String(v).slice(0, 30)}" is not a duration; PCC's default applies`);
      return undefined;
    }
    const c = clamp(ms, min, max);
    if (c !== ms) ctx.notes.add("info", `${at}.${field}`, `${String(v)} is outside PCC's range; ${formatDuration(c)} used`);
    return formatDuration(c);
  };
  const interval = dur("interval", 1000, 3_600_000);
  const timeout = dur("timeout", 100, 600_000);
  const startPeriod = dur("start_period", 0, 3_600_000) ?? dur("startPeriod", 0, 3_600_000);
  if (interval) out.interval = interval;
  if (timeout) out.timeout = timeout;
  if (startPeriod) out.startPeriod = startPeriod;
  const retries = Number(scalar(hc.retries));
  if (hc.retries !== undefined && Number.isInteger(retries)) out.retries = clamp(retries, 1, 100);
  if (hc.start_interval !== undefined) ctx.notes.ignore(ctx.p.file, w.orig, "healthcheck.start_interval", "PCC probes at the same interval while the service starts; ignored");
  w.out.healthcheck = out;
}

/** A shell test: an HTTP or TCP probe when it is one, else the command as is (exec form when it needs no shell). */
function shellProbe(ctx: ConvertContext, s: string, w: SvcWork, at: string): Pick<DraftHealthcheck, "http" | "tcp" | "command"> {
  // Variables in a shell test are the container's own (compose would have filled them in from .env);
  // left for the shell when they cannot be resolved.
  const text = literalValue(ctx, s, at) ?? s.replace(/\$\$/g, "$");
  const probe = recogniseProbe(text, w);
  if (probe) return probe;
  if (!/[|&;<>()$`*?[\]#~=%{}\\'"\n]/.test(text)) {
    const words = splitWords(text);
    if (words?.length) return { command: words };
  }
  return { command: ["/bin/sh", "-c", text] };
}

const quoteIfNeeded = (a: string) => (/[\s'"\\]/.test(a) ? `'${a.replace(/'/g, "'\\''")}'` : a);

const CURL_FLAGS = new Set(["-f", "--fail", "-s", "--silent", "-S", "--show-error", "-L", "--location", "-I", "--head", "-q", "-sf", "-fs", "-fsS", "-sSf", "-fsSL", "-sfL", "-fSs", "-Ss", "-sS", "--fail-with-body"]);
const CURL_ARGS = new Set(["-o", "--output", "-m", "--max-time", "--connect-timeout", "--retry", "-w", "--write-out"]);
const WGET_FLAGS = new Set(["-q", "--quiet", "--spider", "-nv", "--no-verbose", "-S", "--server-response"]);
const WGET_ARGS = new Set(["-O", "-T", "-t", "--tries", "--timeout", "-U"]);

/** `curl -f http://localhost:8080/health`, `wget --spider …`, `nc -z localhost 5432` → an HTTP or TCP probe PCC runs itself. */
export function recogniseProbe(text: string, w?: { orig: string; name: string }): Pick<DraftHealthcheck, "http" | "tcp"> | undefined {
  const s = text.trim().replace(/\s*\|\|\s*(exit\s+1|false)\s*$/, "");
  if (/[|&;<>`$(){}]/.test(s)) return undefined;
  const words = splitWords(s);
  if (!words?.length) return undefined;
  const tool = words[0]!.split("/").pop()!;
  const local = new Set(["localhost", "127.0.0.1", "0.0.0.0", "[::1]", ...(w ? [w.orig, w.name] : [])]);
  if (tool === "curl" || tool === "wget") {
    const flags = tool === "curl" ? CURL_FLAGS : WGET_FLAGS;
    const withArg = tool === "curl" ? CURL_ARGS : WGET_ARGS;
    let url: string | undefined;
    for (let i = 1; i < words.length; i++) {
      const a = words[i]!;
      if (flags.has(a) || /^--(timeout|tries|max-time|connect-timeout)=/.test(a)) continue;
      if (withArg.has(a)) {
        i++;
        continue;
      }
      if (a.startsWith("-") || url) return undefined;
      url = a;
    }
    const m = url ? /^http:\/\/([^/:]+|\[::1\])(?::(\d{1,5}))?(\/[^\s#]*)?$/.exec(url) : null;
    if (!m || !local.has(m[1]!)) return undefined;
    const port = m[2] ? Number(m[2]) : 80;
    if (port < 1 || port > 65535) return undefined;
    return { http: { port, path: m[3] || "/" } };
  }
  if (tool === "nc" || tool === "netcat") {
    const args = words.slice(1);
    if (!args.some((a) => /^-[a-y]*z[a-z]*$/.test(a))) return undefined;
    let host: string | undefined;
    let port: number | undefined;
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === "-w") i++;
      else if (a.startsWith("-")) continue;
      else if (!host && local.has(a)) host = a;
      else if (/^\d{1,5}$/.test(a) && port === undefined) port = Number(a);
      else return undefined;
    }
    if (host && port && port < 65536) return { tcp: { port } };
  }
  return undefined;
}

