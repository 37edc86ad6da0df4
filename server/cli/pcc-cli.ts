import net from "node:net";
import { loadConfig } from "../config";
import type { ChainStatus } from "../modules/audit/audit-chain";
import type { AuditEntryView } from "../modules/audit/audit.service";
import type { LoginRequestView } from "../modules/identity/login-requests";
import type { SystemStatus } from "../modules/system/system.service";
import { appUsage, runAppCommand } from "./app-cli";
import { runSourceCommand, sourceUsage } from "./source-cli";
import type { CliRequest, CliResponse } from "./cli-server";

const usage = `usage:
  pcc status
  pcc login-code [REQUEST]      (REQUEST: the id the sign-in page shows)
  pcc audit [--limit N] [--json]
${appUsage}
${sourceUsage}`;

function call(socketPath: string, req: CliRequest): Promise<CliResponse> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(socketPath);
    let buf = "";
    sock.setEncoding("utf8");
    sock.on("connect", () => sock.write(JSON.stringify(req) + "\n"));
    sock.on("data", (c: string) => (buf += c));
    sock.on("end", () => {
      try {
        resolve(JSON.parse(buf) as CliResponse);
      } catch {
        reject(new Error("PCC gave an unreadable answer."));
      }
    });
    sock.on("error", (e: NodeJS.ErrnoException) =>
      reject(new Error(e.code === "ENOENT" || e.code === "ECONNREFUSED" ? "PCC is not running. Start it with ./pcc start." : e.message)),
    );
  });
}

function parse(argv: string[]): { req: CliRequest; json: boolean } | null {
  const json = argv.includes("--json");
  const a = argv.filter((x, i) => !x.startsWith("--") && argv[i - 1] !== "--limit");
  if (a[0] === "status") return { req: { cmd: "status" }, json };
  if (a[0] === "login-code") return { req: { cmd: "login-code", ...(a[1] ? { requestId: a[1] } : {}) }, json };
  if (a[0] === "audit") {
    const i = argv.indexOf("--limit");
    const limit = i >= 0 ? Number(argv[i + 1]) : 50;
    return Number.isInteger(limit) && limit > 0 ? { req: { cmd: "audit", limit }, json } : null;
  }
  return null;
}

type LoginCodeResult = { code: string; request: LoginRequestView } | { pending: LoginRequestView[] };
type AuditList = { entries: (Omit<AuditEntryView, "at"> & { at: string })[]; chain: ChainStatus };

const asked = (v: LoginRequestView) => `${v.device} from ${v.ip ?? "an unknown address"}, ${v.ageSeconds} s ago`;

function printLoginCode(r: LoginCodeResult) {
  if ("code" in r) {
    console.log(`Sign-in code: ${r.code}`);
    console.log(`For request ${r.request.requestId}: ${asked(r.request)}. Check that this is the browser in front of you.`);
    console.log("Type the code in that browser; it works in no other (one use, 10 minutes).");
  } else if (r.pending.length === 0) {
    console.log('No browser is asking to sign in. On the sign-in page choose "Use a code from the server": it shows a request id; then run ./pcc login-code ID.');
  } else {
    console.log("Browsers asking to sign in:");
    for (const v of r.pending) console.log(`  ${v.requestId}  ${asked(v)}${v.codeIssued ? " (code issued)" : ""}`);
    console.log("Run ./pcc login-code ID for the one you are holding.");
  }
}

/** Oldest first, like a log; exits non-zero when the hash chain does not verify. */
function printAudit(r: AuditList, json: boolean) {
  if (json) console.log(JSON.stringify(r, null, 2));
  else {
    for (const e of [...r.entries].reverse()) {
      const details = Object.keys(e.details).length ? ` ${JSON.stringify(e.details)}` : "";
      console.log(`#${String(e.seq).padEnd(5)} ${e.at.replace("T", " ").slice(0, 19)}  ${e.action.padEnd(20)} ${e.actor.padEnd(20)} ${e.ip ?? "-"}${details}`);
    }
    if (r.chain.ok) console.log(`Hash chain verified (${r.chain.entries} entries).`);
  }
  if (!r.chain.ok) {
    console.error(`error: the audit log's hash chain is broken at entry ${r.chain.brokenAt}: ${r.chain.reason}. Someone changed the database outside PCC.`);
    process.exit(1);
  }
}


async function main() {
  const argv = process.argv.slice(2);
  if (argv[0] === "app") process.exit(await runAppCommand(argv.slice(1), loadConfig().paths.cliSocket));
  if (argv[0] === "source") process.exit(await runSourceCommand(argv.slice(1), loadConfig().paths.cliSocket));
  const parsed = parse(argv);
  if (!parsed) {
    console.error(usage);
    process.exit(2);
  }
  const config = loadConfig();
  const res = await call(config.paths.cliSocket, parsed.req);
  if (!res.ok) {
    console.error(`error: ${res.message}`);
    process.exit(1);
  }
  const r = res.result;
  if (parsed.req.cmd === "audit") return printAudit(r as AuditList, parsed.json);
  if (parsed.json) return console.log(JSON.stringify(r, null, 2));
  switch (parsed.req.cmd) {
    case "status": {
      const s = r as SystemStatus;
      console.log(`PCC ${s.version} at ${s.shellUrl}\npodman: ${s.podman.ok ? `ok (${s.podman.version})` : "DOWN"}\ncaddy: ${s.caddy.ok ? "ok" : "DOWN"}\napps: ${s.apps.installed} installed, ${s.apps.running} running`);
      break;
    }
    case "login-code":
      printLoginCode(r as LoginCodeResult);
      break;
  }
}

main().catch((e: Error) => {
  console.error(`error: ${e.message}`);
  process.exit(1);
});
