import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, PccInstance } from "../helpers/pcc-instance";
import { testAppCatalog } from "../helpers/test-apps";

/**
 * Faults: PCC killed (SIGKILL) at each journal boundary of install, start, stop and remove, and at random
 * moments of an install; Caddy, Podman's service and an app's container killed while apps run. After
 * each, PCC must converge within 10 s of the fault (of "PCC is ready" when PCC itself was restarted):
 * every app fully present in the state the owner asked for, or fully absent with its data kept only if
 * the owner asked to keep it, and nothing labelled as PCC's that no app claims.
 */

const CONVERGE_MS = 10_000;
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/**
 * The app the faults hit: the two-service kv test app (web + a health-gated store, a shared generated
 * secret, a volume) under an id of its own. Rootful Podman shares some network state machine-wide
 * (/run/containers/networks: aardvark-dns's records and the IPAM database, keyed by network name), and
 * another suite may run kv on this machine at the same time.
 */
const APP = "fkv";

/** What the owner asked for, per app. "kept": removed, keeping its data. */
type Want = "running" | "stopped" | "absent" | "kept";
type Listed = { id: string; status: string };

/** The Podman objects of each app (see tests/helpers/test-apps.ts), besides its one network. */
const OBJECTS: Record<string, { containers: string[]; volumes: string[]; secrets: string[] }> = {
  [APP]: { containers: [`pcc_${APP}_web`, `pcc_${APP}_store`], volumes: [`pcc_${APP}_data`], secrets: [] },
  ws: { containers: ["pcc_ws_web"], volumes: [], secrets: [] },
  files: { containers: ["pcc_files_web"], volumes: [], secrets: ["pcc_files_secret_token"] },
};
/** A path each app answers 200 on only when it is fully up (kv: only once its web half reaches its store). */
const PROBE: Record<string, string> = { [APP]: "/health", ws: "/health", files: "/" };

const MANAGED = encodeURIComponent(JSON.stringify({ label: ["pcc.managed=true"] }));

/**
 * Every journal boundary, in an order where the start that recovers from one crash can already carry
 * the next crash point, because recovering never passes it (a resumed install passes install:*, a
 * resumed start install:images and install:provisioned, a resumed removal remove:*): one restart
 * per case. `want` is the app's state once PCC has recovered: an install interrupted before its images
 * are all there is rolled back, one interrupted later is finished; start, stop and removal are finished.
 * `fresh`: the app's images are deleted first, as on a machine that never ran it (a removal keeps them).
 */
const CRASHES: { at: string; run: string[]; want: Want; why: string; fresh?: boolean }[] = [
  { at: "remove:journaled", run: ["remove", APP], want: "kept", why: "the removal is finished, the data kept" },
  { at: "install:journaled", run: ["install", APP], fresh: true, want: "kept", why: "rolled back (no image yet), the data kept from before still kept" },
  { at: "install:images", run: ["install", APP], want: "running", why: "finished, on the kept data" },
  { at: "stop:journaled", run: ["stop", APP], want: "stopped", why: "the stop is finished" },
  { at: "start:journaled", run: ["start", APP], want: "running", why: "the start is finished" },
  { at: "remove:torn-down", run: ["remove", APP, "--purge"], want: "absent", why: "the purge is finished" },
  { at: "install:provisioned", run: ["install", APP], want: "running", why: "finished" },
  { at: "remove:journaled", run: ["remove", APP, "--purge"], want: "absent", why: "the purge is finished" },
  { at: "install:started", run: ["install", APP], want: "running", why: "finished" },
  { at: "remove:torn-down", run: ["remove", APP], want: "kept", why: "the removal is finished, the data kept" },
  { at: "install:recorded", run: ["install", APP], want: "running", why: "installed, on the kept data" },
  { at: "remove:recorded", run: ["remove", APP], want: "kept", why: "the removal is finished, the data kept" },
];

/** Random moments of an install, reproducible with PCC_FAULT_SEED=<the seed printed at the end>. */
const SEED = Number(process.env.PCC_FAULT_SEED ?? Date.now() % 1_000_000);
const RANDOM_KILLS = 3;
function mulberry32(a: number) {
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("faults: kill -9 at every journal boundary, dying helpers and containers", () => {
  let apps: Awaited<ReturnType<typeof testAppCatalog>>;
  let pcc: PccInstance;
  let session = "";
  let installMs = 0;
  const cookies = new Map<string, string>();
  const timings: { fault: string; ms: number }[] = [];
  /** The neighbours stay as the owner left them through every fault. */
  const want: Record<string, Want> = { ws: "running", files: "stopped", [APP]: "absent" };
  const env: Record<string, string> = { PCC_CRASH_AT: CRASHES[0]!.at };

  beforeAll(async () => {
    apps = await testAppCatalog({ dns: await freePort(), echo: await freePort() });
    fs.mkdirSync(path.join(apps.dir, APP));
    const kv = fs.readFileSync(path.join(apps.dir, "kv/app.yaml"), "utf8");
    fs.writeFileSync(path.join(apps.dir, APP, "app.yaml"), kv.replace(/^id: kv$/m, `id: ${APP}`).replace(/^name: Kv$/m, "name: Fault KV"));
    // The first crash point is armed from the start: setting up passes only install:* and stop:journaled.
    pcc = await PccInstance.start({ catalogDir: apps.dir, insecureRegistries: [apps.registry.host], env });
    session = await pcc.claim();
    for (const args of [["install", "ws"], ["install", "files"], ["stop", "files"]]) await ok("app", ...args);
    const t0 = Date.now();
    await ok("app", "install", APP);
    installMs = Date.now() - t0;
    want[APP] = "running";
    await converged("set-up", Date.now());
    timings.pop();
  });

  afterAll(async () => {
    console.log(
      `Convergence (fault seed ${SEED}; ${APP} installs in ${installMs} ms):\n${timings.map((t) => `  ${t.fault.padEnd(72)} ${String(t.ms).padStart(5)} ms`).join("\n")}`,
    );
    await pcc?.stop();
    await pcc?.cleanup();
    await apps?.cleanup();
  });

  CRASHES.forEach((c, i) => {
    it(`kill -9 at ${c.at} during \`${c.run.join(" ")}\`: ${c.why}`, async () => {
      expect(pcc.proc?.exitCode ?? pcc.proc?.signalCode ?? null, "PCC is not running").toBeNull();
      if (c.fresh) await dropImages();
      const r = await cli(["app", ...c.run]);
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(await died(), `PCC did not crash at ${c.at}`).toBe("SIGKILL");
      env.PCC_CRASH_AT = CRASHES[i + 1]?.at ?? "";
      await pcc.boot();
      want[APP] = c.want;
      await converged(`${c.at} (${c.run.join(" ")})`);
      if (c.run[0] === "install" && c.want !== "running") {
        // Undone, and the owner is told why.
        const catalog = (await pcc.trpc("apps.catalog", null, session, "query")).json.result?.data as { apps: { id: string; installError: string | null }[] };
        expect(catalog.apps.find((a) => a.id === APP)?.installError).toMatch(/^PCC stopped while installing Fault KV, before its images were all downloaded/);
      }
    });
  });

  it(`kill -9 at ${RANDOM_KILLS} random moments of an install of a two-service app`, async () => {
    const random = mulberry32(SEED);
    for (let n = 0; n < RANDOM_KILLS; n++) {
      expect(want[APP]).toBe("kept");
      await dropImages();
      // Anywhere from the request (the CLI takes a moment to start) to the end of a full install.
      const delay = Math.round(400 + random() * installMs);
      const install = cli(["app", "install", APP]);
      await new Promise((r) => setTimeout(r, delay));
      await pcc.kill();
      await install;
      await pcc.boot();
      // Rolled back or finished, depending on how far it got: all or nothing either way.
      await converged(`random kill ${delay} ms into \`install ${APP}\``, pcc.readyAt, ["kept", "running"]);
      if (want[APP] === "running") await ok("app", "remove", APP);
      want[APP] = "kept";
    }
    await ok("app", "install", APP);
    want[APP] = "running";
  });

  it("restarts a killed Caddy and a killed Podman service, every app as it was", async () => {
    for (const helper of ["caddy", "podman"]) {
      const pidOf = () => Number(fs.readFileSync(path.join(pcc.dataDir, `run/${helper}.pid`), "utf8"));
      const pid = pidOf();
      const t0 = Date.now();
      process.kill(pid, "SIGKILL");
      await converged(`${helper} killed`, t0, undefined, () => pidOf() !== pid);
    }
  });

  it("restarts an app's container killed while PCC runs, and one killed while PCC was down", async () => {
    const store = `pcc_${APP}_store`;
    const startedAt = async () => ((await pcc.podman(`/containers/${store}/json`)).json as { State: { StartedAt: string } }).State.StartedAt;
    const first = await startedAt();
    const t0 = Date.now();
    expect((await pcc.podman(`/containers/${store}/kill?signal=KILL`, "POST")).status).toBe(204);
    await converged(`${store} killed`, t0, undefined, async () => (await startedAt()) !== first);

    await pcc.kill();
    expect((await pcc.podman("/containers/pcc_ws_web/kill?signal=KILL", "POST")).status).toBe(204);
    await pcc.boot();
    await converged("PCC killed, pcc_ws_web killed while it was down");
  });

  /** Deletes the app's images from PCC's Podman, so that the next install downloads them. */
  async function dropImages() {
    for (const image of [apps.images["kv-web"].pinned, apps.images["kv-store"].pinned]) {
      const r = await pcc.podman(`/images/${encodeURIComponent(image)}?force=true`, "DELETE");
      expect([200, 404], JSON.stringify(r.json)).toContain(r.status);
    }
  }

  /** A CLI command that must succeed. */
  async function ok(...args: string[]) {
    const r = await cli(args);
    expect(r.code, `pcc ${args.join(" ")}: ${r.stdout}${r.stderr}`).toBe(0);
    return r;
  }

  /**
   * `./pcc …` without blocking this process (PCC's output keeps being read), bounded: a command that
   * hangs fails the test with what PCC and the CLI were doing, instead of holding it for minutes.
   */
  function cli(args: string[], timeoutMs = 60_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const p = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "server/cli/pcc-cli.ts"), ...args], { cwd: ROOT, env: pcc.env });
      let stdout = "";
      let stderr = "";
      p.stdout.on("data", (d) => (stdout += d));
      p.stderr.on("data", (d) => (stderr += d));
      const timer = setTimeout(() => {
        const state = (pid: number | undefined) => {
          try {
            return `${fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.slice(0, 1)} ${fs.readFileSync(`/proc/${pid}/wchan`, "utf8")}`;
          } catch {
            return "gone";
          }
        };
        const log = fs.readFileSync(path.join(pcc.dataDir, "logs/pcc.log"), "utf8").trim().split("\n").slice(-5).join("\n    ");
        stderr += `\n[hung ${timeoutMs / 1000} s; cli ${state(p.pid)}; pcc ${state(pcc.proc?.pid)}; pcc.log ends:\n    ${log}]`;
        p.kill("SIGKILL");
      }, timeoutMs);
      p.on("close", (code) => (clearTimeout(timer), resolve({ code, stdout, stderr })));
    });
  }

  /** Waits for PCC to exit; returns the signal that ended it. */
  async function died(): Promise<string | null> {
    const p = pcc.proc!;
    if (p.exitCode === null && p.signalCode === null) await new Promise((r) => p.once("exit", r));
    return p.signalCode;
  }

  /**
   * Polls until everything matches `want` (the app under test in any of `alternatives`); returns how long
   * after `since` that took. `observed` says when the fault has been noticed at all (a new helper pid, a
   * restarted container), so that a state read before the fault took effect does not count.
   */
  async function converged(fault: string, since = pcc.readyAt, alternatives?: Want[], observed?: () => unknown): Promise<number> {
    let last: string[] = [];
    let seen = !observed;
    while (Date.now() - since < CONVERGE_MS) {
      const p = pcc.proc!;
      if (p.exitCode !== null || p.signalCode !== null) throw new Error(`${fault}: PCC died while recovering (${p.signalCode ?? p.exitCode}; PCC_CRASH_AT=${env.PCC_CRASH_AT})`);
      // Inside the promise: a check that throws (a pid file the restarted helper has not written yet) is a "no".
      seen ||= !!(await Promise.resolve()
        .then(() => observed?.())
        .catch(() => false));
      if (seen) {
        for (const alt of alternatives ?? [want[APP]!]) {
          want[APP] = alt;
          last = await problems().catch((e) => [String(e)]);
          if (!last.length) break;
        }
        if (!last.length) {
          const ms = Date.now() - since;
          timings.push({ fault: `${fault} → ${APP} ${want[APP]}`, ms });
          return ms;
        }
      } else last = ["the fault has not been noticed yet"];
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${fault}: not converged within ${CONVERGE_MS / 1000} s (want ${JSON.stringify(want)}):\n  ${last.join("\n  ")}`);
  }

  /** Everything that differs from `want`: rows in SQLite, objects in Podman, answers through Caddy. */
  async function problems(): Promise<string[]> {
    const out: string[] = [];
    const list = await pcc.trpc("apps.list", null, session, "query");
    const listed = list.json.result?.data as Listed[] | undefined;
    if (!listed) return [`apps.list: ${list.status} ${list.text.slice(0, 200)}`];
    const present = new Set(Object.keys(want).filter((id) => want[id] === "running" || want[id] === "stopped"));
    for (const id of present) if (!listed.some((a) => a.id === id)) out.push(`${id}: no row`);
    for (const a of listed) {
      if (!present.has(a.id)) out.push(`${a.id}: row left (${a.status})`);
      else if (a.status !== want[a.id]) out.push(`${a.id}: ${a.status}, want ${want[a.id]}`);
    }

    const [containers, networks, volumes, secrets] = await Promise.all([
      pcc.podman(`/containers/json?all=true&filters=${MANAGED}`),
      pcc.podman(`/networks/json?filters=${MANAGED}`),
      pcc.podman(`/volumes/json?filters=${MANAGED}`),
      pcc.podman("/secrets/json"),
    ]);
    const cs = (containers.json as { Names: string[]; State: string; Labels: Record<string, string> | null }[]).map((c) => ({ name: c.Names[0]!, state: c.State, app: c.Labels?.["pcc.app"] ?? "" }));
    const ns = (networks.json as { name: string; labels: Record<string, string> | null }[]).map((n) => ({ name: n.name, app: n.labels?.["pcc.app"] ?? "" }));
    const vs = (volumes.json as { Name: string; Labels: Record<string, string> | null }[]).map((v) => ({ name: v.Name, app: v.Labels?.["pcc.app"] ?? "" }));
    // Podman 4.3's secrets carry no labels: PCC's are named pcc_<app>_….
    const ss = (secrets.json as { Spec: { Name: string } }[]).map((s) => s.Spec.Name).filter((n) => n.startsWith("pcc_")).map((name) => ({ name, app: name.split("_")[1] ?? "" }));
    for (const [kind, objects] of [["container", cs], ["network", ns], ["volume", vs], ["secret", ss]] as const) {
      for (const o of objects) if (!present.has(o.app) && !(kind === "volume" && want[o.app] === "kept")) out.push(`orphan ${kind} ${o.name}`);
    }
    for (const [id, w] of Object.entries(want)) {
      const o = OBJECTS[id]!;
      if (w === "running" || w === "stopped") {
        for (const c of o.containers) {
          const found = cs.find((x) => x.name === c);
          if (!found) out.push(`${id}: container ${c} missing`);
          else if ((found.state === "running") !== (w === "running")) out.push(`${id}: container ${c} ${found.state}`);
        }
        if (!ns.some((n) => n.app === id)) out.push(`${id}: no network`);
        for (const v of o.volumes) if (!vs.some((x) => x.name === v && x.app === id)) out.push(`${id}: volume ${v} missing`);
        for (const s of o.secrets) if (!ss.some((x) => x.name === s)) out.push(`${id}: secret ${s} missing`);
      } else {
        for (const v of o.volumes) {
          const kept = vs.some((x) => x.name === v && x.app === id);
          if (kept !== (w === "kept")) out.push(`${id}: volume ${v} ${kept ? "left behind after a purge" : "lost, though the owner kept the data"}`);
        }
      }
    }
    if (out.length) return out;

    for (const id of present) {
      const r = await appGet(id, PROBE[id]!);
      if (want[id] === "running" && r.status !== 200) out.push(`${id}: answers ${r.status}`);
      if (want[id] === "stopped" && !(r.status === 503 && r.text.includes("This app is stopped"))) out.push(`${id}: answers ${r.status}, not the "stopped" page`);
    }
    return out;
  }

  /** A request to an app through Caddy with the owner's credential (signed in to the app again when it was revoked). */
  async function appGet(id: string, p: string) {
    for (let attempt = 0; ; attempt++) {
      if (!cookies.has(id)) cookies.set(id, await pcc.appCookie(id, session));
      const r = await pcc.http(`${pcc.appUrl(id)}${p}`, { cookie: cookies.get(id) });
      if (attempt > 0 || (r.status !== 302 && r.status !== 401)) return r;
      cookies.delete(id);
    }
  }
});
