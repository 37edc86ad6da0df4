import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "./free-port";

/**
 * A real container registry for the tests: Debian's `docker-registry` (CNCF distribution 2.8) on
 * 127.0.0.1:<random port>, plain HTTP, filesystem storage in a temp dir, deletes enabled.
 * Podman talks to it with --tls-verify=false (or a registries.conf entry marking it insecure).
 */
export type Registry = {
  /** "127.0.0.1:PORT" */
  host: string;
  /** The registry's storage root (temp dir). */
  dir: string;
  /** The registry's log, for failure messages. */
  log(): string;
  stop(): Promise<void>;
};

const REGISTRY_BIN = "docker-registry";

export const MANIFEST_ACCEPT = [
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
].join(", ");


const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const p of running) p.kill("SIGKILL");
});

export async function startRegistry(opts: { timeoutMs?: number } = {}): Promise<Registry> {
  let lastError: unknown;
  // A port picked free can be taken before the registry binds it: try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(await freePort(), opts.timeoutMs ?? 20_000);
    } catch (e) {
      lastError = e;
    }
  }
  throw lastError;
}

async function startOnce(port: number, timeoutMs: number): Promise<Registry> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pcc-registry-"));
  const host = `127.0.0.1:${port}`;
  const config = path.join(dir, "config.yml");
  fs.writeFileSync(
    config,
    `version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: ${dir}/data
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: ${host}
  secret: ${crypto.randomBytes(16).toString("hex")}
health:
  storagedriver:
    enabled: false
`,
  );
  const logFile = path.join(dir, "registry.log");
  const logFd = fs.openSync(logFile, "a");
  const proc = spawn(REGISTRY_BIN, ["serve", config], { stdio: ["ignore", logFd, logFd] });
  fs.closeSync(logFd);
  running.add(proc);
  const log = () => {
    try {
      return fs.readFileSync(logFile, "utf8");
    } catch {
      return "";
    }
  };
  let exited: string | null = null;
  const exitedP = new Promise<void>((resolve) =>
    proc.once("exit", (code, sig) => {
      exited = `exited with ${code ?? sig}`;
      running.delete(proc);
      resolve();
    }),
  );
  proc.once("error", (e) => {
    exited = `could not start ${REGISTRY_BIN}: ${e.message} (Debian package docker-registry)`;
  });

  const stop = async () => {
    if (exited === null) {
      proc.kill("SIGTERM");
      const t = setTimeout(() => proc.kill("SIGKILL"), 5_000);
      await exitedP;
      clearTimeout(t);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited !== null) {
      const msg = `registry on ${host} ${exited}:\n${log().slice(-2000)}`;
      await stop();
      throw new Error(msg);
    }
    try {
      const r = await fetch(`http://${host}/v2/`, { signal: AbortSignal.timeout(2_000) });
      await r.arrayBuffer();
      if (r.status === 200) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      const msg = `registry on ${host} did not answer /v2/ within ${timeoutMs} ms:\n${log().slice(-2000)}`;
      await stop();
      throw new Error(msg);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { host, dir, log, stop };
}

/** "127.0.0.1:PORT/pcc-test/web:1" or "…/web@sha256:…" → its parts. */
export function parseRef(ref: string): { host: string; repo: string; reference: string } {
  const slash = ref.indexOf("/");
  const host = ref.slice(0, slash);
  const rest = ref.slice(slash + 1);
  const at = rest.indexOf("@");
  if (at >= 0) return { host, repo: rest.slice(0, at).replace(/:[^/]*$/, ""), reference: rest.slice(at + 1) };
  const colon = rest.lastIndexOf(":");
  return colon > rest.lastIndexOf("/") ? { host, repo: rest.slice(0, colon), reference: rest.slice(colon + 1) } : { host, repo: rest, reference: "latest" };
}

async function registryFetch(url: string, init: RequestInit & { timeoutMs?: number } = {}) {
  return fetch(url, { ...init, signal: AbortSignal.timeout(init.timeoutMs ?? 15_000) });
}

/** The digest (Docker-Content-Digest) of repo:reference, or null if the registry does not have it. */
export async function manifestDigest(host: string, repo: string, reference: string): Promise<string | null> {
  const r = await registryFetch(`http://${host}/v2/${repo}/manifests/${reference}`, { method: "HEAD", headers: { accept: MANIFEST_ACCEPT } });
  if (r.status === 404) return null;
  if (r.status !== 200) throw new Error(`HEAD ${repo}:${reference}: ${r.status}`);
  const d = r.headers.get("docker-content-digest");
  if (!d) throw new Error(`HEAD ${repo}:${reference}: no Docker-Content-Digest`);
  return d;
}

/** The manifest itself (bytes exactly as stored, and its media type). */
export async function getManifest(host: string, repo: string, reference: string) {
  const r = await registryFetch(`http://${host}/v2/${repo}/manifests/${reference}`, { headers: { accept: MANIFEST_ACCEPT } });
  const body = Buffer.from(await r.arrayBuffer());
  if (r.status !== 200) throw new Error(`GET manifest ${repo}:${reference}: ${r.status} ${body.toString().slice(0, 300)}`);
  const mediaType = r.headers.get("content-type") ?? "application/vnd.oci.image.manifest.v1+json";
  const digest = r.headers.get("docker-content-digest") ?? `sha256:${crypto.createHash("sha256").update(body).digest("hex")}`;
  return { body, mediaType, digest, json: JSON.parse(body.toString()) as { config?: { digest: string }; layers?: { digest: string; size: number }[] } };
}

export async function listTags(host: string, repo: string): Promise<string[]> {
  const r = await registryFetch(`http://${host}/v2/${repo}/tags/list`);
  if (r.status === 404) return [];
  if (r.status !== 200) throw new Error(`tags of ${repo}: ${r.status}`);
  return ((await r.json()) as { tags: string[] | null }).tags ?? [];
}

/**
 * Points repo:tag at another manifest ("the tag moved to a new digest", as an upstream release does).
 * `to` is a digest or a tag in `fromRepo` (default: the same repo). Across repos the blobs are
 * mounted first. Returns the new digest of repo:tag.
 */
export async function moveTag(host: string, repo: string, tag: string, to: string, fromRepo = repo): Promise<string> {
  const m = await getManifest(host, fromRepo, to);
  if (fromRepo !== repo) {
    const blobs = [m.json.config?.digest, ...(m.json.layers ?? []).map((l) => l.digest)].filter((d): d is string => !!d);
    for (const d of blobs) {
      const r = await registryFetch(`http://${host}/v2/${repo}/blobs/uploads/?mount=${d}&from=${fromRepo}`, { method: "POST" });
      await r.arrayBuffer();
      if (r.status !== 201) throw new Error(`mount ${d} from ${fromRepo} into ${repo}: ${r.status}`);
    }
  }
  const r = await registryFetch(`http://${host}/v2/${repo}/manifests/${tag}`, { method: "PUT", headers: { "content-type": m.mediaType }, body: m.body });
  const text = await r.text();
  if (r.status !== 201) throw new Error(`PUT ${repo}:${tag}: ${r.status} ${text.slice(0, 300)}`);
  const now = await manifestDigest(host, repo, tag);
  if (now !== m.digest) throw new Error(`${repo}:${tag} is ${now}, expected ${m.digest}`);
  return m.digest;
}

/** Deletes a manifest by digest (every tag pointing at it goes with it), as an upstream removal. */
export async function deleteManifest(host: string, repo: string, digest: string) {
  const r = await registryFetch(`http://${host}/v2/${repo}/manifests/${digest}`, { method: "DELETE" });
  await r.arrayBuffer();
  if (r.status !== 202 && r.status !== 404) throw new Error(`DELETE ${repo}@${digest}: ${r.status}`);
}
