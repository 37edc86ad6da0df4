import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** scripts/server.env: the environment ./pcc start gives the compiled server. */
export function serverEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of fs.readFileSync(path.join(ROOT, "scripts/server.env"), "utf8").split("\n")) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) env[m[1]!] = m[2]!;
  }
  return env;
}

/** The compiled server ./pcc start runs; ./pcc test compiles it before any test runs. */
export function compiledServer(): string {
  const main = path.join(ROOT, ".pcc-build/main.mjs");
  if (!fs.existsSync(main)) throw new Error(`${main} is missing: run node scripts/build-server.mjs (./pcc test does it first)`);
  return main;
}
