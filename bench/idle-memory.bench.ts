/**
 * PCC's own idle memory: the RSS of the server process (shell included, PCC_WEB=on) once it has served
 * the shell and sat idle, against a bare `next start` of a minimal one-page app, idle after the same
 * treatment, measured in the same run. PCC runs twice: as TypeScript through tsx (development, the tests)
 * and compiled by scripts/build-server.mjs with scripts/server.env (what ./pcc start runs). Target:
 * pcc / bare <= 1.15. The baseline runs twice, as is and with the same server.env, so the tuning's share
 * of the ratio shows.
 * Run: node --import tsx bench/idle-memory.bench.ts        (~2 min; the first run builds the minimal app)
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, PccInstance } from "../tests/helpers/pcc-instance";
import { serverEnv } from "../tests/helpers/server-env";
import { runBench } from "./run-bench";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CACHE = process.env.PCC_BENCH_CACHE ?? "/var/cache/pcc-bench";
const WARM_REQUESTS = 20;
const IDLE_MS = 10_000;
const SAMPLES = 5;
const DEADLINE_MS = 210_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The baseline app: one page on the router the shell uses (the Pages Router), nothing else. */
const MINIMAL: Record<string, string> = {
  "package.json": `{ "name": "pcc-bench-next-minimal", "private": true, "type": "module" }\n`,
  "next.config.mjs": "export default { poweredByHeader: false };\n",
  "pages/index.tsx": "export default function Page() {\n  return <p>A minimal Next page.</p>;\n}\n",
};

/**
 * Builds the minimal app once per Next version (cached). Webpack rather than Turbopack: Turbopack will
 * not build a project whose node_modules (PCC's, linked) lies outside it. `next start` runs the same
 * server either way.
 */
function ensureMinimalNext(): string {
  const nextVersion = JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules/next/package.json"), "utf8")).version as string;
  const key = crypto.createHash("sha256").update(nextVersion).update(JSON.stringify(MINIMAL)).digest("hex").slice(0, 12);
  const dir = path.join(CACHE, `next-minimal-${key}`);
  if (fs.existsSync(path.join(dir, ".next/BUILD_ID"))) return dir;
  fs.rmSync(dir, { recursive: true, force: true });
  for (const [file, text] of Object.entries(MINIMAL)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  console.log(`building the minimal Next app in ${dir} (once per Next version) ...`);
  const r = spawnSync(process.execPath, [path.join(ROOT, "node_modules/next/dist/bin/next"), "build", "--webpack"], {
    cwd: dir,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    encoding: "utf8",
    timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(`next build of the minimal app failed:\n${(r.stdout + r.stderr).slice(-2000)}`);
  return dir;
}

/** Resident memory of a process, kB. */
function rssKb(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) : 0;
}

/** pid and its descendants (from /proc/<pid>/stat's ppid). */
function tree(pid: number): { pid: number; comm: string }[] {
  const parent = new Map<number, number>();
  const comm = new Map<number, string>();
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      parent.set(Number(d), Number(stat.slice(close + 2).split(" ")[1]));
      comm.set(Number(d), stat.slice(stat.indexOf("(") + 1, close));
    } catch {
      /* gone meanwhile */
    }
  }
  const out = [{ pid, comm: comm.get(pid) ?? "?" }];
  for (let i = 0; i < out.length; i++) for (const [p, pp] of parent) if (pp === out[i]!.pid) out.push({ pid: p, comm: comm.get(p) ?? "?" });
  return out;
}

/** The median of a few RSS samples, a second apart, of `pids()` summed. */
async function idleRss(pids: () => number[]): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    samples.push(pids().reduce((a, p) => a + rssKb(p), 0));
    await sleep(1_000);
  }
  return samples.sort((a, b) => a - b)[samples.length >> 1]! / 1024;
}

function get(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      })
      .on("error", reject);
  });
}

const children: ChildProcess[] = [];
const pccs: PccInstance[] = [];

async function bareNext(dir: string, extraEnv: Record<string, string> = {}) {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(ROOT, "node_modules/next/dist/bin/next"), "start", "-H", "127.0.0.1", "-p", String(port)], {
    cwd: dir,
    env: { ...process.env, ...extraEnv, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  children.push(child);
  const url = `http://127.0.0.1:${port}/`;
  const until = Date.now() + 30_000;
  while ((await get(url).catch(() => 0)) !== 200) {
    if (Date.now() > until) throw new Error("next start did not answer within 30 s");
    await sleep(100);
  }
  for (let i = 0; i < WARM_REQUESTS; i++) if ((await get(url)) !== 200) throw new Error("next start: not 200");
  await sleep(IDLE_MS);
  // `next start` may serve from a child process: count the whole tree.
  const mb = await idleRss(() => tree(child.pid!).map((p) => p.pid));
  child.kill("SIGTERM");
  return mb;
}

async function pcc(mode: "tsx" | "build") {
  const p = await PccInstance.start({ web: true, compiled: mode === "build" });
  pccs.push(p);
  for (let i = 0; i < WARM_REQUESTS; i++) {
    const page = await p.http(`${p.shellUrl}/`);
    if (page.status !== 200) throw new Error(`PCC (${mode}) shell: ${page.status}`);
    await p.trpc("identity.state", null, undefined, "query");
  }
  await sleep(IDLE_MS);
  const pid = p.proc!.pid!;
  // The server process itself; its helpers (Podman's service, Caddy) are other programs, not PCC's memory.
  const nodes = () => tree(pid).filter((x) => x.pid === pid || x.comm === "node").map((x) => x.pid);
  const mb = await idleRss(nodes);
  const others = tree(pid).filter((x) => !nodes().includes(x.pid)).map((x) => `${x.comm} ${(rssKb(x.pid) / 1024).toFixed(0)} MB`);
  await p.stop();
  await p.cleanup();
  pccs.splice(pccs.indexOf(p), 1);
  return { mb, others };
}

async function main() {
  if (!fs.existsSync(path.join(ROOT, "out/index.html"))) throw new Error("PCC's shell is not built: run ./pcc start once (or npx next build)");
  const minimal = ensureMinimalNext();
  const build = spawnSync(process.execPath, [path.join(ROOT, "scripts/build-server.mjs")], { cwd: ROOT, encoding: "utf8" });
  if (build.status !== 0) throw new Error(`build-server failed: ${build.stderr}`);

  console.log(`idle RSS after ${WARM_REQUESTS} page loads and ${IDLE_MS / 1000} s idle, median of ${SAMPLES} samples`);
  const bare = await bareNext(minimal);
  console.log(`  bare next start, minimal page         ${bare.toFixed(1).padStart(7)} MB`);
  const bareTuned = await bareNext(minimal, serverEnv());
  console.log(`  bare next start with server.env       ${bareTuned.toFixed(1).padStart(7)} MB`);
  const tsx = await pcc("tsx");
  console.log(`  PCC server via tsx (PCC_WEB=on)       ${tsx.mb.toFixed(1).padStart(7)} MB   (helpers apart: ${tsx.others.join(", ")})`);
  const built = await pcc("build");
  console.log(`  PCC server compiled (PCC_WEB=on)      ${built.mb.toFixed(1).padStart(7)} MB   (./pcc start: with scripts/server.env)`);
  const row = (k: string, v: string) => console.log(`  ${k.padEnd(44)} ${v.padStart(8)}`);
  console.log("\nresult");
  row("pcc compiled / bare   <- ./pcc start", `${(built.mb / bare).toFixed(3)}x`);
  row("pcc compiled / bare with server.env", `${(built.mb / bareTuned).toFixed(3)}x`);
  row("pcc tsx / bare        (development, tests)", `${(tsx.mb / bare).toFixed(3)}x`);
  row("saved by compiling", `${(tsx.mb - built.mb).toFixed(1)} MB`);
  console.log(`\ntarget pcc / bare <= 1.15: ${built.mb / bare <= 1.15 ? "MET" : "NOT MET"}`);
}

async function cleanup() {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  for (const p of pccs) await p.stop().then(() => p.cleanup()).catch(() => undefined);
}

runBench({ main, cleanup, deadlineMs: DEADLINE_MS });
