import path from "node:path";
import type { SourceView } from "../modules/catalog/sources.service";
import { publishSource, readPrivateKey } from "../modules/catalog/source-publish";
import { fingerprint } from "../modules/catalog/source-index";
import { callCli } from "./cli-protocol";

export const sourceUsage = `  pcc source list [--json]          the catalog sources beside the built-in catalog, and their apps
  pcc source add LOCATION [--key KEY] [--trust-unsigned]
                                    LOCATION: an https:// URL or a folder on this machine; KEY: the
                                    publisher's public key (compare the fingerprint PCC prints)
  pcc source remove ID              apps installed from it keep running
  pcc source refresh [ID]           fetch one source (or all) again now; PCC does so every 6 hours
  pcc source sign DIR --key KEYFILE [--name NAME]
                                    for publishers: write DIR/index.json and its signature (no PCC needed)`;

type Parsed = { req: Record<string, unknown>; json: boolean } | { sign: { dir: string; keyFile: string; name?: string } } | null;

/** Parses `source …` arguments; null means usage. */
export function parseSourceArgs(argv: string[]): Parsed {
  const withValue = ["--key", "--name"];
  const json = argv.includes("--json");
  const known = new Set(["--json", "--trust-unsigned", ...withValue]);
  if (argv.some((a, i) => a.startsWith("--") && !known.has(a) && !withValue.includes(argv[i - 1] ?? ""))) return null;
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  if (withValue.some((f) => argv.includes(f) && (value(f) === undefined || value(f)!.startsWith("--")))) return null;
  const [verb, arg, extra] = argv.filter((x, i) => !x.startsWith("--") && !withValue.includes(argv[i - 1] ?? ""));
  if (extra !== undefined) return null;
  switch (verb) {
    case "list":
      return arg === undefined ? { req: { cmd: "source.list" }, json } : null;
    case "add": {
      if (!arg) return null;
      // A folder may be given relative to where root stands; PCC wants it absolute.
      const location = /^[a-z][a-z0-9+.-]*:\/\//i.test(arg) ? arg : path.resolve(arg);
      const key = value("--key");
      return { req: { cmd: "source.add", location, ...(key ? { publicKey: key } : {}), trustUnsigned: argv.includes("--trust-unsigned") }, json };
    }
    case "remove":
      return arg ? { req: { cmd: "source.remove", id: arg }, json } : null;
    case "refresh":
      return { req: { cmd: "source.refresh", ...(arg ? { id: arg } : {}) }, json };
    case "sign": {
      const keyFile = value("--key");
      return arg && keyFile ? { sign: { dir: arg, keyFile, name: value("--name") } } : null;
    }
    default:
      return null;
  }
}

/** A source as lines for a terminal: what it is, whom it trusts, what it offers, what went wrong. */
export function formatSource(s: SourceView): string {
  const lines = [`${s.id}  ${s.kind}  ${s.location}${s.name ? `  "${s.name}"` : ""}`];
  if (s.trustUnsigned) lines.push(`  !!! ${s.warning}`);
  else lines.push(`  key ${s.fingerprint}`);
  lines.push(`  last refresh: ${s.lastRefresh ? s.lastRefresh.replace("T", " ").slice(0, 19) : "never"}`);
  const ok = s.apps.filter((a) => a.available);
  lines.push(`  apps: ${ok.length ? ok.map((a) => `${a.id} ${a.version}`).join(", ") : "none"}`);
  const refused = s.apps.filter((x) => !x.available);
  for (const a of refused) lines.push(`  refused: ${a.problem}`);
  // lastError is either why the last refresh failed, or the summary of the refusals just listed.
  if (s.lastError && !s.lastError.startsWith(`${refused.length} of ${s.apps.length} app`)) lines.push(`  error: ${s.lastError}`);
  return lines.join("\n");
}

async function sign(dir: string, keyFile: string, name?: string): Promise<number> {
  const key = await readPrivateKey(keyFile);
  const r = await publishSource(dir, key, name);
  if (r.problems.length) {
    for (const p of r.problems) console.error(`error: ${p}`);
    console.error("Nothing was written: fix these apps (or move them out of apps/) and sign again.");
    return 1;
  }
  console.log(`Signed ${r.index.apps.length} app${r.index.apps.length === 1 ? "" : "s"} into ${path.join(dir, "index.json")} (+ index.json.sig):`);
  for (const a of r.index.apps) console.log(`  ${a.id} ${a.version}  ${a.hash}`);
  console.log(`Public key: ${r.publicKey}\nFingerprint: ${fingerprint(r.publicKey)}`);
  return 0;
}

export async function runSourceCommand(argv: string[], socketPath: string): Promise<number> {
  const parsed = parseSourceArgs(argv);
  if (!parsed) {
    console.error(`usage:\n${sourceUsage}`);
    return 2;
  }
  if ("sign" in parsed) {
    try {
      return await sign(parsed.sign.dir, parsed.sign.keyFile, parsed.sign.name);
    } catch (e) {
      console.error(`error: ${(e as Error).message}`);
      return 1;
    }
  }
  const res = await callCli(socketPath, parsed.req);
  if (!res.ok) {
    console.error(`error: ${res.message}`);
    return 1;
  }
  const r = res.result;
  if (parsed.json) {
    console.log(JSON.stringify(r, null, 2));
    return 0;
  }
  switch (parsed.req.cmd) {
    case "source.list": {
      const list = r as SourceView[];
      console.log(list.length ? list.map(formatSource).join("\n\n") : "No sources: only the built-in catalog. Add one with ./pcc source add LOCATION --key KEY.");
      break;
    }
    case "source.add": {
      const s = r as SourceView;
      console.log(`Added ${s.id}.\n${formatSource(s)}`);
      if (s.trustUnsigned) console.error(`warning: ${s.warning}`);
      else console.log(`Check that ${s.fingerprint} is the fingerprint the publisher gives.`);
      break;
    }
    case "source.remove":
      console.log(`Removed ${String(parsed.req.id)}. Apps installed from it keep running.`);
      break;
    case "source.refresh": {
      const list = r as SourceView[];
      console.log(list.map(formatSource).join("\n\n"));
      return list.some((s) => s.lastError) ? 1 : 0;
    }
  }
  return 0;
}
