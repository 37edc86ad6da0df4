import path from "node:path";
import type { InstalledApp } from "../modules/apps/apps.types";
import { importUsage, parseImportArgs, runImport } from "../modules/catalog/importers/cli";
import { formatLintReport, lintAppDir } from "../modules/spec";
import { callCli, type CliEvent } from "./cli-protocol";
import { observeUsage, parseObserveArgs, runObserveCommand } from "./observe-cli";

export const appUsage = `  pcc app list [--json]
  pcc app lint DIR                  check an app folder against the app spec (no PCC needed)
${importUsage}
  pcc app install ID [--port NAME=HOSTPORT]... [--close-port NAME]... [--no-internet] [--no-lan] [--set KEY=VALUE]... [--licence KEY]
                                    grants what the app asks for unless told otherwise; shows progress;
                                    a paid app needs the licence key its developer issued
  pcc app status ID [--json]
  pcc app updates [--check] [--json]  updates found (--check: look now, installing those set to auto) and the history
  pcc app update ID                 installs its update now; rolls back by itself if the new version fails
  pcc app update-policy ID auto|notify|off
                                    auto (default): updates install themselves; notify: you are told; off: neither
  pcc app start|stop|restart ID
  pcc app remove ID [--purge]       keeps the app's data unless --purge
${observeUsage}`;

type Parsed = { req: Record<string, unknown>; json: boolean } | { lint: string } | null;

/** Parses `app …` arguments; null means usage. */
export function parseAppArgs(argv: string[]): Parsed {
  const json = argv.includes("--json");
  const [verb, id] = argv.filter((x, i) => !x.startsWith("--") && !["--port", "--close-port", "--set", "--licence"].includes(argv[i - 1] ?? ""));
  const values = (flag: string) => argv.flatMap((x, i) => (argv[i - 1] === flag ? [x] : []));
  if (verb === "list") return { req: { cmd: "app.list" }, json };
  if (verb === "updates") return { req: { cmd: "app.updates", check: argv.includes("--check") }, json };
  if (verb === "lint") return id ? { lint: id } : null;
  if (!id) return null;
  if (verb === "update-policy") {
    const policy = argv.filter((x) => !x.startsWith("--"))[2];
    return policy && ["auto", "notify", "off"].includes(policy) ? { req: { cmd: "app.update-policy", id, policy }, json } : null;
  }
  if (verb === "install") {
    const ports: Record<string, number | null> = {};
    for (const p of values("--port")) {
      const m = /^([a-z][a-z0-9-]*)=(\d{1,5})$/.exec(p);
      if (!m) return null;
      ports[m[1]!] = Number(m[2]);
    }
    for (const p of values("--close-port")) ports[p] = null;
    const settings = Object.fromEntries(values("--set").map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]));
    // Root on the machine grants what the app asks for unless told otherwise.
    const deny = { internet: argv.includes("--no-internet"), lan: argv.includes("--no-lan") };
    const licence = values("--licence")[0];
    return { req: { cmd: "app.install", id, deny, ports, settings, ...(licence ? { licence } : {}) }, json };
  }
  if (["start", "stop", "restart", "status", "update"].includes(verb ?? "")) return { req: { cmd: `app.${verb}`, id }, json };
  if (verb === "remove") return { req: { cmd: "app.remove", id, purge: argv.includes("--purge") }, json };
  return null;
}

export const appRow = (a: InstalledApp) => `${a.id.padEnd(16)} ${a.status.padEnd(11)} ${a.version.padEnd(10)} ${a.url ?? a.ports.map((p) => `${p.hostPort}/${p.protocol}`).join(" ")}`;

/** A progress bar on a terminal; plain lines otherwise (logs, tests). */
function progressPrinter() {
  let last = "";
  let quarter = { step: "", n: -1 };
  return (e: CliEvent) => {
    const p = e.data as { step: string; percent?: number };
    const line = p.percent !== undefined ? `${p.step} [${"#".repeat(Math.round(p.percent / 5)).padEnd(20, ".")}] ${p.percent}%` : p.step;
    if (line === last) return;
    last = line;
    if (process.stderr.isTTY) return void process.stderr.write(`\r\x1b[2K${line}`);
    // In a log, a line for each step and each quarter of a download reached, not one per event.
    const n = p.percent === undefined ? -1 : Math.floor(p.percent / 25);
    if (p.percent !== undefined && quarter.step === p.step && n <= quarter.n) return;
    quarter = { step: p.step, n };
    process.stderr.write(`${line}\n`);
  };
}

export async function runAppCommand(argv: string[], socketPath: string): Promise<number> {
  if (argv[0] === "import") {
    const args = parseImportArgs(argv.slice(1));
    return args ? runImport(args) : (console.error(`usage:\n${appUsage}`), 2);
  }
  if (argv[0] === "logs" || argv[0] === "stats") {
    const observe = parseObserveArgs(argv);
    if (observe) return runObserveCommand(observe, socketPath);
    console.error(`usage:\n${appUsage}`);
    return 2;
  }
  const parsed = parseAppArgs(argv);
  if (!parsed) {
    console.error(`usage:\n${appUsage}`);
    return 2;
  }
  if ("lint" in parsed) {
    const dir = path.resolve(parsed.lint);
    const result = await lintAppDir(dir);
    console.log(formatLintReport(result, parsed.lint));
    return result.errors.length ? 1 : 0;
  }
  const res = await callCli(socketPath, parsed.req, progressPrinter());
  if (process.stderr.isTTY) process.stderr.write("\r\x1b[2K");
  if (!res.ok) {
    console.error(`error: ${res.message}`);
    return 1;
  }
  const r = res.result;
  if (parsed.json) console.log(JSON.stringify(r, null, 2));
  else if (parsed.req.cmd === "app.list") console.log((r as InstalledApp[]).length ? (r as InstalledApp[]).map(appRow).join("\n") : "No apps installed.");
  else if (parsed.req.cmd === "app.updates") console.log(formatUpdates(r as UpdatesView));
  else if (parsed.req.cmd === "app.update-policy") console.log(`Updates of ${String(parsed.req.id)}: ${String(parsed.req.policy)}.`);
  else if (parsed.req.cmd === "app.remove") console.log(`Removed ${String(parsed.req.id)}${parsed.req.purge ? " and its data" : " (data kept)"}.`);
  else console.log(appRow(r as InstalledApp));
  return 0;
}

type UpdatesView = {
  available: { appId: string; from: string; to: string; kind: string; newPermissions?: string[] }[];
  history: { appId: string; fromVersion: string; toVersion: string; outcome: string; message: string | null; at: string }[];
};

function formatUpdates(u: UpdatesView) {
  const lines = u.available.length ? u.available.map((a) => `${a.appId.padEnd(16)} ${a.from} -> ${a.to}${a.kind === "image" ? " (new image)" : ""}${a.newPermissions?.length ? `; asks for ${a.newPermissions.join(", ")}: not installed by itself` : ""}`) : ["No updates available."];
  if (u.history.length) lines.push("", "History:", ...u.history.slice(0, 20).map((h) => `${String(h.at).slice(0, 19)} ${h.appId.padEnd(16)} ${h.fromVersion} -> ${h.toVersion} ${h.outcome}${h.message ? `: ${h.message}` : ""}`));
  return lines.join("\n");
}
