import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { APP_UID, ensureBusyboxBase, ensureDebianBase, sha256, SOURCE_DATE_EPOCH } from "./images/bases";
import { withLock } from "./images/lock";
import { PodmanCli } from "./images/podman-cli";

/**
 * Test images, built offline and pushed to a real registry (see registry.ts):
 *
 *   const reg = await startRegistry();
 *   const images = await ensureTestImages(reg.host);
 *   images.web.pinned  // "127.0.0.1:PORT/pcc-test/web:1@sha256:…"
 *
 * Built with the podman CLI on storage of its own under the cache dir (never PCC's Podman), cached by
 * a hash of their inputs (fixtures under tests/fixtures/images/<name>/, the base recipe), so only the
 * push runs when nothing changed. Every app image runs as uid:gid 1000:1000 with a read-only root,
 * no capabilities and a tmpfs /tmp.
 */

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const FIXTURES = path.join(ROOT, "tests/fixtures/images");
export const CACHE_DIR = process.env.PCC_TEST_IMAGES_CACHE ?? "/var/cache/pcc-test-images";
export const TEST_IMAGE_USER = `${APP_UID}:${APP_UID}`;
/** Repository prefix in the registry: <host>/pcc-test/<name>. */
export const REPO_PREFIX = "pcc-test";

export const BASE_IMAGES = ["busybox", "debian"] as const;
export const APP_IMAGES = ["web", "ws-echo", "kv-web", "kv-store", "dns", "tcp-echo", "egress-probe", "escape-probes", "oidc-rp"] as const;
export type TestImageName = (typeof BASE_IMAGES)[number] | (typeof APP_IMAGES)[number];

export type PushedImage = {
  /** "127.0.0.1:PORT/pcc-test/web:1" */
  ref: string;
  /** manifest digest, "sha256:…" (the registry's Docker-Content-Digest) */
  digest: string;
  /** "127.0.0.1:PORT/pcc-test/web:1@sha256:…" */
  pinned: string;
  /** "pcc-test/web" (repository path in the registry) */
  repo: string;
  tag: string;
};
export type TestImages = Record<TestImageName, PushedImage>;

/** What a test changes to make another version of an image (buildVariant). */
export type ImagePatch = {
  /** Files of the fixture folder to replace or add (path relative to it), or null to delete. */
  files?: Record<string, string | Buffer | null>;
  /** Rewrites the Containerfile (after `files`). */
  containerfile?: (text: string) => string;
  env?: Record<string, string>;
  /** New CMD (exec form). */
  cmd?: string[];
  labels?: Record<string, string>;
};

const BUILD_VERSION = 1;
const log = (msg: string) => process.stderr.write(`[test-images] ${msg}\n`);

let builder: PodmanCli | null = null;
/** The image builder's own Podman storage (cache dir), runtime state under /run. */
export function builderPodman() {
  if (!builder) {
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    const runRoot = path.join("/run/pcc-test-images", sha256(CACHE_DIR).slice(0, 8));
    builder = new PodmanCli(path.join(CACHE_DIR, "podman"), runRoot);
  }
  return builder;
}

/** Debian packages the helpers need (./pcc's test install list has them). */
export const REQUIRED_DEBIAN_PACKAGES = { podman: "podman", mmdebstrap: "mmdebstrap", "docker-registry": "docker-registry", busybox: "busybox-static" } as const;

function onPath(cmd: string) {
  return (process.env.PATH ?? "/usr/bin:/bin").split(":").some((d) => {
    try {
      fs.accessSync(path.join(d, cmd), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Fails early, naming the missing Debian packages, instead of deep inside a build. */
export function checkTools() {
  const missing = Object.entries(REQUIRED_DEBIAN_PACKAGES)
    .filter(([cmd]) => !onPath(cmd))
    .map(([, pkg]) => pkg);
  if (missing.length) throw new Error(`test images need the Debian packages: ${missing.join(" ")} (apt-get install --no-install-recommends ${missing.join(" ")})`);
}

function lock<T>(fn: () => Promise<T>) {
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  return withLock(path.join(CACHE_DIR, "build.lock"), 20 * 60_000, fn);
}

type Bases = Record<(typeof BASE_IMAGES)[number], string>;

async function ensureBases(podman: PodmanCli): Promise<Bases> {
  return { busybox: await ensureBusyboxBase(podman), debian: await ensureDebianBase(podman, CACHE_DIR) };
}

function listFiles(dir: string, base = ""): string[] {
  const out: string[] = [];
  for (const d of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const rel = path.posix.join(base, d.name);
    if (d.isDirectory()) out.push(...listFiles(path.join(dir, d.name), rel));
    else out.push(rel);
  }
  return out;
}

/** Builds the image in `dir` (cached by a hash of its files and its base) and returns its local ref. */
async function buildFromDir(podman: PodmanCli, bases: Bases, name: string, dir: string, repo: string): Promise<{ ref: string; built: boolean }> {
  const containerfile = fs.readFileSync(path.join(dir, "Containerfile"), "utf8");
  const from = /^\s*FROM\s+pcc-test\/(\S+)\s*$/im.exec(containerfile)?.[1];
  if (from !== "busybox" && from !== "debian") throw new Error(`${name}: the Containerfile must start FROM pcc-test/busybox or pcc-test/debian`);
  const baseRef = bases[from];
  const baseId = await podman.text(["image", "inspect", "--format", "{{.Id}}", baseRef], { timeoutMs: 30_000 });
  const parts: (string | Buffer)[] = [`build v${BUILD_VERSION}`, baseId];
  for (const rel of listFiles(dir)) {
    const file = path.join(dir, rel);
    parts.push(rel, String(fs.statSync(file).mode & 0o777), fs.readFileSync(file));
  }
  const ref = `localhost/${repo}:${sha256(...parts).slice(0, 16)}`;
  if (await podman.imageExists(ref)) return { ref, built: false };
  const t0 = Date.now();
  await podman.run(
    ["build", "--quiet", "--pull=never", "--layers=false", "--network=none", "--format=oci", `--timestamp=${SOURCE_DATE_EPOCH}`, "--from", baseRef, "--file", path.join(dir, "Containerfile"), "--tag", ref, dir],
    { timeoutMs: 5 * 60_000 },
  );
  log(`built ${name} in ${Date.now() - t0} ms`);
  return { ref, built: true };
}

async function push(podman: PodmanCli, localRef: string, registryHost: string, name: string, tag: string): Promise<PushedImage> {
  const repo = `${REPO_PREFIX}/${name}`;
  const ref = `${registryHost}/${repo}:${tag}`;
  const digestFile = path.join(os.tmpdir(), `pcc-digest-${process.pid}-${crypto.randomBytes(4).toString("hex")}`);
  try {
    await podman.run(["push", "--quiet", "--tls-verify=false", "--format=oci", "--digestfile", digestFile, localRef, ref], { timeoutMs: 5 * 60_000 });
    const digest = fs.readFileSync(digestFile, "utf8").trim();
    if (!/^sha256:[0-9a-f]{64}$/.test(digest)) throw new Error(`push of ${ref} gave no digest (${digest})`);
    return { ref, digest, pinned: `${ref}@${digest}`, repo, tag };
  } finally {
    fs.rmSync(digestFile, { force: true });
  }
}

/** Removes cached images that are no longer current (old recipes, old fixtures, old variants). */
async function prune(podman: PodmanCli, keep: Set<string>) {
  const out = await podman.text(["images", "--format", "{{.Repository}}:{{.Tag}}"], { timeoutMs: 60_000 });
  const stale = out
    .split("\n")
    .filter((r) => r.startsWith("localhost/pcc-test-") && !keep.has(r))
    .filter((r, i, a) => a.indexOf(r) === i);
  if (stale.length) await podman.run(["rmi", "--force", ...stale], { allowFail: true, timeoutMs: 120_000 });
  await podman.run(["image", "prune", "--force"], { allowFail: true, timeoutMs: 120_000 });
}

/**
 * Builds (cached) and pushes every test image to the registry at registryHost as
 * <host>/pcc-test/<name>:1, and returns where each one is.
 */
export async function ensureTestImages(registryHost: string): Promise<TestImages> {
  checkTools();
  const podman = builderPodman();
  const t0 = Date.now();
  const local = await lock(async () => {
    const bases = await ensureBases(podman);
    const refs: Record<string, string> = { ...bases };
    let built = false;
    for (const name of APP_IMAGES) {
      const r = await buildFromDir(podman, bases, name, path.join(FIXTURES, name), `pcc-test-build/${name}`);
      refs[name] = r.ref;
      built ||= r.built;
    }
    if (built) await prune(podman, new Set(Object.values(refs)));
    return refs;
  });
  const t1 = Date.now();
  const images = {} as TestImages;
  // debian first: its big layer is uploaded once, the images on top of it then find it there.
  for (const name of [...BASE_IMAGES, ...APP_IMAGES]) images[name] = await push(podman, local[name]!, registryHost, name, "1");
  log(`test images ready in ${Date.now() - t0} ms (build/cache check ${t1 - t0} ms, push ${Date.now() - t1} ms)`);
  return images;
}

/**
 * Pushes another version of a test image as <host>/pcc-test/<name>:<tag>: the fixture folder with
 * `patch` applied (e.g. web v2 with a new page, or a broken v2 whose CMD never serves). Each
 * variant gets a label naming its tag, so it never has the same digest as :1.
 */
export async function buildVariant(registryHost: string, name: (typeof APP_IMAGES)[number], tag: string, patch: ImagePatch = {}): Promise<PushedImage> {
  const podman = builderPodman();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `pcc-variant-${name}-`));
  try {
    fs.cpSync(path.join(FIXTURES, name), dir, { recursive: true });
    for (const [rel, content] of Object.entries(patch.files ?? {})) {
      const file = path.join(dir, rel);
      if (!file.startsWith(dir + path.sep)) throw new Error(`patch file outside the fixture: ${rel}`);
      if (content === null) fs.rmSync(file, { force: true });
      else {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, content);
      }
    }
    const cfPath = path.join(dir, "Containerfile");
    let cf = fs.readFileSync(cfPath, "utf8");
    if (patch.containerfile) cf = patch.containerfile(cf);
    cf += `\nLABEL org.pcc.test.variant=${JSON.stringify(tag)}\n`;
    for (const [k, v] of Object.entries(patch.labels ?? {})) cf += `LABEL ${JSON.stringify(k)}=${JSON.stringify(v)}\n`;
    for (const [k, v] of Object.entries(patch.env ?? {})) cf += `ENV ${k}=${JSON.stringify(v)}\n`;
    if (patch.cmd) cf += `CMD ${JSON.stringify(patch.cmd)}\n`;
    fs.writeFileSync(cfPath, cf);
    const local = await lock(async () => buildFromDir(podman, await ensureBases(podman), `${name}:${tag}`, dir, `pcc-test-build/${name}-variant`));
    return await push(podman, local.ref, registryHost, name, tag);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
