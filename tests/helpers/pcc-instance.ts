import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Agent, request } from "undici";
import pino from "pino";
import { NftFirewall } from "../../server/adapters/firewall/nft-firewall";
import { instanceTag } from "../../server/lib/instance-tag";
import { SoftAuthenticator } from "../../server/testing/soft-authenticator";
import { CookieJar } from "./cookie-jar";
import { freePort } from "./free-port";
import { agentFor, httpGet, type HttpOptions } from "./http-client";
import { compiledServer, serverEnv } from "./server-env";

export { freePort };
export { agentFor, httpGet, loopbackAgent, type HttpResponse } from "./http-client";
export { CookieJar } from "./cookie-jar";
export { waitFor } from "./wait-for";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));


export type PccOptions = {
  dataDir?: string;
  catalogDir?: string;
  web?: boolean;
  httpsPort?: number;
  httpPort?: number;
  /** Where Caddy listens (default loopback); the e2e tier uses the browser namespace's veth. */
  bindAddress?: string;
  /** The tests' own registry (127.0.0.1:PORT), reached over plain HTTP. */
  insecureRegistries?: string[];
  /** Extra environment, e.g. PCC_CRASH_AT for the fault tests. */
  env?: Record<string, string>;
  /**
   * Run the compiled server with scripts/server.env, as ./pcc start does, rather than TypeScript through
   * tsx (the default, quicker to change).
   */
  compiled?: boolean;
};

/** A real PCC (Podman, Caddy, SQLite) in a temp data dir on random ports, driven like a user would. */
export class PccInstance {
  proc: ChildProcess | null = null;
  output = "";
  setupCode: string | null = null;
  /** When the last boot printed "PCC is ready" (Date.now()), for tests that time what follows it. */
  readyAt = 0;
  readonly dataDir: string;
  readonly domain = "pcc.localhost";

  private constructor(
    readonly opts: PccOptions,
    readonly httpsPort: number,
    readonly httpPort: number,
  ) {
    this.dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "pcc-test-"));
  }

  static async start(opts: PccOptions = {}) {
    const pcc = new PccInstance(opts, opts.httpsPort ?? (await freePort()), opts.httpPort ?? (await freePort()));
    await pcc.boot();
    return pcc;
  }

  get env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      PCC_DATA_DIR: this.dataDir,
      PCC_DOMAIN: this.domain,
      PCC_HTTPS_PORT: String(this.httpsPort),
      PCC_HTTP_PORT: String(this.httpPort),
      PCC_CATALOG_DIR: this.opts.catalogDir ?? path.join(ROOT, "apps-catalog"),
      PCC_WEB: this.opts.web ? "on" : "off",
      // The offline test apps (hello and those the tests write) are what the suites install.
      PCC_SHOW_TEST_APPS: "on",
      ...(this.opts.insecureRegistries?.length ? { PCC_INSECURE_REGISTRIES: this.opts.insecureRegistries.join(",") } : {}),
      ...(this.opts.bindAddress ? { PCC_BIND_ADDRESS: this.opts.bindAddress } : {}),
      ...(this.opts.compiled ? serverEnv() : {}),
      ...this.opts.env,
      PCC_LOG_LEVEL: "info",
    };
  }

  /** HTTP to this PCC's Caddy, wherever it listens. */
  http(url: string, opts: HttpOptions = {}) {
    this.agent ??= agentFor(this.opts.bindAddress ?? "127.0.0.1");
    return httpGet(url, { dispatcher: this.agent, ...opts });
  }

  private agent: Agent | null = null;

  get shellUrl() {
    return `https://${this.domain}:${this.httpsPort}`;
  }

  /** The Podman network of an app installed by this PCC (its name carries the instance's tag). */
  network(appId: string) {
    return `pcc_${appId}_${instanceTag(this.dataDir, 6)}`;
  }

  appUrl(id: string) {
    return `https://${id}.${this.domain}:${this.httpsPort}`;
  }

  async boot() {
    this.output = "";
    this.setupCode = null;
    this.readyAt = 0;
    // Its own process group, like a job in the owner's terminal: signalGroup() reaches what a Ctrl-C would.
    const args = this.opts.compiled ? [compiledServer()] : ["--import", "tsx", path.join(ROOT, "server/main.ts")];
    const proc = spawn(process.execPath, args, { cwd: ROOT, env: this.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    this.proc = proc;
    const logFile = fs.createWriteStream(path.join(this.dataDir, "test-output.log"), { flags: "a" });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`PCC did not become ready:\n${this.output.slice(-3000)}`)), 120_000);
      const onData = (b: Buffer) => {
        this.output += b.toString();
        logFile.write(b);
        const code = /Setup code: (\S+)/.exec(this.output);
        if (code) this.setupCode = code[1]!;
        if (/PCC is ready at/.test(this.output)) {
          this.readyAt ||= Date.now();
          // The setup code line follows the ready line; give it a moment.
          setTimeout(() => {
            const c = /Setup code: (\S+)/.exec(this.output);
            if (c) this.setupCode = c[1]!;
            clearTimeout(timer);
            resolve();
          }, 300);
        }
      };
      proc.stdout!.on("data", onData);
      proc.stderr!.on("data", onData);
      proc.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`PCC exited with ${code}:\n${this.output.slice(-3000)}`));
      });
    });
    proc.removeAllListeners("exit");
  }

  /** Graceful stop, as SIGTERM from the owner's terminal. */
  stop() {
    return this.signal("SIGTERM");
  }

  /** A crash: PCC dies at once, its helpers are left behind. */
  kill() {
    return this.signal("SIGKILL");
  }

  /** As a terminal does on Ctrl-C: the signal goes to every process of the foreground group at once. */
  async signalGroup(sig: NodeJS.Signals) {
    const p = this.proc;
    if (!p || p.exitCode !== null || !p.pid) return { code: p?.exitCode ?? null, ms: 0 };
    const t0 = Date.now();
    const gone = new Promise<number | null>((r) => p.once("exit", (code) => r(code)));
    process.kill(-p.pid, sig);
    return { code: await gone, ms: Date.now() - t0 };
  }

  private async signal(sig: NodeJS.Signals) {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    const gone = new Promise<void>((r) => p.once("exit", () => r()));
    p.kill(sig);
    await gone;
  }

  /** The CLI without blocking this process (tests that keep traffic flowing meanwhile). */
  cliAsync(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const p = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "server/cli/pcc-cli.ts"), ...args], { cwd: ROOT, env: this.env });
      let stdout = "";
      let stderr = "";
      p.stdout.on("data", (d) => (stdout += d));
      p.stderr.on("data", (d) => (stderr += d));
      const timer = setTimeout(() => p.kill("SIGKILL"), 240_000);
      p.on("close", (code) => (clearTimeout(timer), resolve({ code, stdout, stderr })));
    });
  }

  cli(...args: string[]) {
    const r = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "server/cli/pcc-cli.ts"), ...args], { cwd: ROOT, env: this.env, encoding: "utf8", timeout: 240_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  /** Calls a tRPC procedure over HTTP like the shell does. */
  async trpc(proc: string, input: unknown, cookie?: string, kind: "query" | "mutation" = "mutation") {
    const url = `${this.shellUrl}/api/trpc/${proc}`;
    const r =
      kind === "query"
        ? await this.http(`${url}?input=${encodeURIComponent(JSON.stringify(input ?? null))}`, { cookie })
        : await this.http(url, { method: "POST", cookie, body: JSON.stringify(input ?? null), headers: { "content-type": "application/json", origin: this.shellUrl } });
    return { ...r, json: JSON.parse(r.text) as { result?: { data: unknown }; error?: { message: string; data: { code: string } } } };
  }

  /** The owner's phone, as a passkey authenticator in software (the browser tests use Chromium's). */
  get owner(): SoftAuthenticator {
    this.ownerAuthenticator ??= new SoftAuthenticator(this.shellUrl);
    return this.ownerAuthenticator;
  }

  private ownerAuthenticator: SoftAuthenticator | null = null;
  /** The recovery codes shown at the claim. */
  recoveryCodes: string[] = [];

  /** Claims the box with the printed setup code and a new passkey of `owner`; returns the session cookie. */
  async claim(): Promise<string> {
    const jar = new CookieJar();
    const begin = await this.trpc("identity.claim.begin", { code: this.setupCode }, jar.header);
    jar.take(begin.headers);
    const options = begin.json.result?.data as Parameters<SoftAuthenticator["register"]>[0] | undefined;
    if (!options) throw new Error(`claim failed: ${begin.text}`);
    const finish = await this.trpc("identity.claim.finish", { response: this.owner.register(options), deviceName: "Owner's phone" }, jar.header);
    this.recoveryCodes = (finish.json.result?.data as { recoveryCodes?: string[] } | undefined)?.recoveryCodes ?? [];
    return jar.take(finish.headers).session(`claim failed: ${finish.text}`);
  }

  /** Signs in with a passkey (the owner's by default), as a new browser; returns the session cookie. */
  async signIn(authenticator: SoftAuthenticator = this.owner): Promise<string> {
    const jar = new CookieJar();
    const begin = await this.trpc("identity.signIn.begin", null, jar.header);
    jar.take(begin.headers);
    const options = begin.json.result?.data as Parameters<SoftAuthenticator["assert"]>[0];
    const finish = await this.trpc("identity.signIn.finish", { response: authenticator.assert(options) }, jar.header);
    return jar.take(finish.headers).session(`sign-in failed: ${finish.text}`);
  }

  /** Signs in as root's CLI allows: the browser asks, `./pcc login-code ID` answers; returns the session cookie. */
  async signInWithCliCode(): Promise<string> {
    const jar = new CookieJar();
    const create = await this.trpc("identity.loginRequest.create", null, jar.header);
    jar.take(create.headers);
    const { requestId } = create.json.result?.data as { requestId: string };
    const cli = this.cli("login-code", requestId);
    const code = /^Sign-in code: (\S+)$/m.exec(cli.stdout)?.[1];
    if (!code) throw new Error(`pcc login-code ${requestId} printed no code: ${cli.stdout}${cli.stderr}`);
    const redeem = await this.trpc("identity.loginRequest.redeem", { requestId, code }, jar.header);
    return jar.take(redeem.headers).session(`code sign-in failed: ${redeem.text}`);
  }

  /** Follows the app sign-in handoff as a browser would and returns the app cookie. */
  async appCookie(appId: string, sessionCookie: string): Promise<string> {
    const start = await this.http(`${this.shellUrl}/_pcc/app-auth/${appId}/`, { cookie: sessionCookie });
    const finish = await this.http(String(start.headers.location), {});
    const set = ([] as string[]).concat(finish.headers["set-cookie"] ?? []);
    const cookie = set.map((c) => c.split(";")[0]!).find((c) => c.startsWith("__Host-pcc_app="));
    if (!cookie) throw new Error(`no app cookie: ${start.status} ${finish.status} ${finish.text}`);
    return cookie;
  }

  /** Raw libpod API of this PCC's Podman, for assertions the product does not expose. */
  async podman(pathAndQuery: string, method = "GET", body?: unknown) {
    const r = await request(`http://d/v4.0.0/libpod${pathAndQuery}`, {
      method: method as "GET",
      dispatcher: new Agent({ connect: { socketPath: path.join(this.dataDir, "run/podman.sock") } }),
      headers: body ? { "content-type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await r.body.text();
    return { status: r.statusCode, json: text ? (JSON.parse(text) as unknown) : null };
  }

  async cleanup() {
    this.endLeftoverHelpers();
    // PCC leaves its firewall rules in place when it stops (the box stays closed until the next start);
    // a test instance never starts again, so its tables go with it.
    await new NftFirewall({ instanceId: this.dataDir, log: pino({ level: "silent" }) }).teardown().catch(() => undefined);
    // Podman's storage keeps its overlay directory mounted after the service exits.
    const mounts = fs.readFileSync("/proc/mounts", "utf8").split("\n").map((l) => l.split(" ")[1] ?? "").filter((m) => m.startsWith(this.dataDir));
    for (const m of mounts.sort().reverse()) spawnSync("umount", ["-l", m]);
    this.keepLogs();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }

  /**
   * A test that killed PCC with -9 and never started it again leaves its Podman service and Caddy running
   * (they are in their own process group, so PCC can stop apps first). Such a Caddy would hold its port
   * with SO_REUSEPORT and share a later PCC's connections on that port: end every such helper still naming
   * this instance's data dir (by name: conmon and the apps' own processes are Podman's to end).
   */
  private endLeftoverHelpers() {
    for (const pid of fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
      try {
        if (!["caddy", "podman"].includes(fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim())) continue;
        if (fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").some((a) => a.includes(this.dataDir))) process.kill(Number(pid), "SIGKILL");
      } catch {
        /* gone meanwhile */
      }
    }
  }

  /**
   * With PCC_TEST_KEEP_LOGS set (scripts/test-repeat.sh sets it, and drops the folder of a run that
   * passed), PCC's output and Caddy's log outlive the data dir: a rare failure can be read afterwards.
   */
  private keepLogs() {
    const keep = process.env.PCC_TEST_KEEP_LOGS;
    if (!keep) return;
    const dest = path.join(keep, `${new Date().toISOString().replace(/[:.]/g, "-")}-${path.basename(this.dataDir)}`);
    try {
      fs.mkdirSync(dest, { recursive: true });
      for (const [from, to] of [["test-output.log", "pcc.log"], ["logs/caddy.log", "caddy.log"]]) {
        const file = path.join(this.dataDir, from);
        if (fs.existsSync(file)) fs.copyFileSync(file, path.join(dest, to));
      }
    } catch {
      /* logs are a convenience; cleanup goes on */
    }
  }
}
