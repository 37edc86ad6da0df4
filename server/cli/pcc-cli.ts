import net from "node:net";
import { loadConfig } from "../config";
import type { InstalledApp } from "../modules/apps/apps.types";
import type { SystemStatus } from "../modules/system/system.service";
import type { CliRequest, CliResponse } from "./cli-server";

const usage = `usage:
  pcc status
  pcc login-code
  pcc app list [--json]
  pcc app install ID
  pcc app start ID
  pcc app stop ID
  pcc app remove ID [--purge]`;

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
  const purge = argv.includes("--purge");
  const a = argv.filter((x) => !x.startsWith("--"));
  if (a[0] === "status") return { req: { cmd: "status" }, json };
  if (a[0] === "login-code") return { req: { cmd: "login-code" }, json };
  if (a[0] !== "app") return null;
  if (a[1] === "list") return { req: { cmd: "app.list" }, json };
  const id = a[2];
  if (!id) return null;
  if (a[1] === "install" || a[1] === "start" || a[1] === "stop") return { req: { cmd: `app.${a[1]}`, id }, json };
  if (a[1] === "remove") return { req: { cmd: "app.remove", id, purge }, json };
  return null;
}

const row = (a: InstalledApp) => `${a.id.padEnd(16)} ${a.status.padEnd(11)} ${a.version.padEnd(10)} ${a.url}`;

async function main() {
  const parsed = parse(process.argv.slice(2));
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
  if (parsed.json) return console.log(JSON.stringify(r, null, 2));
  switch (parsed.req.cmd) {
    case "status": {
      const s = r as SystemStatus;
      console.log(`PCC ${s.version} at ${s.shellUrl}\npodman: ${s.podman.ok ? `ok (${s.podman.version})` : "DOWN"}\ncaddy: ${s.caddy.ok ? "ok" : "DOWN"}\napps: ${s.apps.installed} installed, ${s.apps.running} running`);
      break;
    }
    case "login-code":
      console.log(`Sign-in code (one use, 10 minutes): ${(r as { code: string }).code}`);
      break;
    case "app.list": {
      const apps = r as InstalledApp[];
      console.log(apps.length ? apps.map(row).join("\n") : "No apps installed.");
      break;
    }
    case "app.remove":
      console.log(`Removed ${parsed.req.id}${parsed.req.purge ? " and its data" : " (data kept)"}.`);
      break;
    default:
      console.log(row(r as InstalledApp));
  }
}

main().catch((e: Error) => {
  console.error(`error: ${e.message}`);
  process.exit(1);
});
