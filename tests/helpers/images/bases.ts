import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { run } from "./exec";
import type { PodmanCli } from "./podman-cli";

/**
 * The two base images, made without any container registry:
 *  - busybox: FROM scratch, Debian's static busybox (/bin/busybox of busybox-static) and its applet
 *    symlinks, imported from a tar made here;
 *  - debian: a bookworm root filesystem from Debian's packages (mmdebstrap), imported likewise.
 * Both carry a non-root user 1000:1000 ("app") in /etc/passwd, which the test apps run as.
 */

export const APP_UID = 1000;
/** Fixed "now" for tarballs and builds, so a rebuild from the same inputs gives the same bytes. */
export const SOURCE_DATE_EPOCH = 1_700_000_000;

const PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

const PASSWD = `root:x:0:0:root:/root:/bin/sh
app:x:${APP_UID}:${APP_UID}:PCC test app:/tmp:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
`;
const GROUP = `root:x:0:
app:x:${APP_UID}:
nogroup:x:65534:
`;

/** What the debian base is made of; any change here makes a new tarball (the cache key is its hash). */
export const DEBIAN_RECIPE = {
  suite: "bookworm",
  mirror: process.env.PCC_TEST_DEBIAN_MIRROR ?? "http://deb.debian.org/debian",
  variant: "essential",
  // python3: ws-echo, kv-web, tcp-echo, escape-probes; redis-server: kv-store; dnsmasq-base: dns;
  // busybox: the probes' shell tools.
  include: ["python3", "redis-server", "dnsmasq-base", "busybox"],
  dpkgopts: [
    "path-exclude=/usr/share/man/*",
    "path-exclude=/usr/share/info/*",
    "path-exclude=/usr/share/locale/*",
    "path-exclude=/usr/share/doc/*",
    "path-include=/usr/share/doc/*/copyright",
  ],
  aptopts: ['Acquire::Retries "3"', 'Acquire::http::Timeout "30"'],
  customize: [
    `echo 'app:x:${APP_UID}:${APP_UID}:PCC test app:/tmp:/bin/sh' >> "$1/etc/passwd"`,
    `echo 'app:x:${APP_UID}:' >> "$1/etc/group"`,
    `echo 'app:*:19000:0:99999:7:::' >> "$1/etc/shadow"`,
    `rm -rf "$1"/var/cache/* "$1"/var/lib/apt/lists/* "$1"/var/log/*`,
  ],
  version: 1,
};

export function sha256(...parts: (string | Buffer)[]) {
  const h = crypto.createHash("sha256");
  for (const p of parts) h.update(typeof p === "string" ? Buffer.from(p) : p).update("\0");
  return h.digest("hex");
}

const log = (msg: string) => process.stderr.write(`[test-images] ${msg}\n`);

/** True if an ELF64 binary asks for a dynamic loader (has a PT_INTERP program header). */
function isDynamic(elf: Buffer) {
  if (elf.readUInt32BE(0) !== 0x7f454c46) throw new Error("not an ELF binary");
  const phoff = Number(elf.readBigUInt64LE(0x20));
  const size = elf.readUInt16LE(0x36);
  const count = elf.readUInt16LE(0x38);
  for (let i = 0; i < count; i++) if (elf.readUInt32LE(phoff + i * size) === 3) return true;
  return false;
}

/** localhost/pcc-test-base/busybox:<key>, imported on first use. */
export async function ensureBusyboxBase(podman: PodmanCli): Promise<string> {
  const busybox = fs.readFileSync("/bin/busybox");
  if (isDynamic(busybox)) throw new Error("/bin/busybox is dynamically linked: the busybox base needs Debian's busybox-static");
  const key = sha256("busybox-base v1", busybox, PASSWD, GROUP).slice(0, 16);
  const ref = `localhost/pcc-test-base/busybox:${key}`;
  if (await podman.imageExists(ref)) return ref;
  const t0 = Date.now();
  const list = (await run("/bin/busybox", ["--list-full"], { timeoutMs: 10_000 })).stdout.split("\n").filter(Boolean);
  if (!list.includes("bin/sh")) throw new Error("/bin/busybox has no sh applet: is it Debian's busybox-static?");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pcc-busybox-"));
  try {
    const rootfs = path.join(dir, "rootfs");
    for (const d of ["bin", "sbin", "usr/bin", "usr/sbin", "etc", "root", "tmp", "proc", "sys", "dev", "run", "data"]) fs.mkdirSync(path.join(rootfs, d), { recursive: true });
    fs.chmodSync(path.join(rootfs, "tmp"), 0o1777);
    fs.chmodSync(path.join(rootfs, "root"), 0o700);
    fs.copyFileSync("/bin/busybox", path.join(rootfs, "bin/busybox"));
    fs.chmodSync(path.join(rootfs, "bin/busybox"), 0o755);
    for (const applet of list) {
      if (applet === "bin/busybox") continue;
      fs.mkdirSync(path.join(rootfs, path.dirname(applet)), { recursive: true });
      fs.symlinkSync("/bin/busybox", path.join(rootfs, applet));
    }
    fs.writeFileSync(path.join(rootfs, "etc/passwd"), PASSWD);
    fs.writeFileSync(path.join(rootfs, "etc/group"), GROUP);
    const tar = path.join(dir, "busybox.tar");
    await run("tar", ["--sort=name", `--mtime=@${SOURCE_DATE_EPOCH}`, "--owner=0", "--group=0", "--numeric-owner", "-C", rootfs, "-cf", tar, "."], { timeoutMs: 60_000 });
    await podman.run(["import", "--quiet", "--change", `ENV ${PATH_ENV}`, "--change", 'CMD ["/bin/sh"]', "--message", "PCC test base: Debian's static busybox", tar, ref], { timeoutMs: 120_000 });
    log(`busybox base imported in ${Date.now() - t0} ms`);
    return ref;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** localhost/pcc-test-base/debian:<key>, from a cached mmdebstrap tarball (built once per recipe). */
export async function ensureDebianBase(podman: PodmanCli, cacheDir: string): Promise<string> {
  const key = sha256(JSON.stringify(DEBIAN_RECIPE)).slice(0, 16);
  const ref = `localhost/pcc-test-base/debian:${key}`;
  if (await podman.imageExists(ref)) return ref;
  const tarball = path.join(cacheDir, `debian-${key}.tar`);
  if (!fs.existsSync(tarball)) {
    const r = DEBIAN_RECIPE;
    const tmp = path.join(cacheDir, `debian-${key}.partial-${process.pid}.tar`);
    const t0 = Date.now();
    log(`building the debian base with mmdebstrap (${r.include.join(", ")}); once per recipe, ~30 s`);
    try {
      await run(
        "mmdebstrap",
        [
          "--quiet",
          `--variant=${r.variant}`,
          `--include=${r.include.join(",")}`,
          ...r.dpkgopts.map((o) => `--dpkgopt=${o}`),
          ...r.aptopts.map((o) => `--aptopt=${o}`),
          ...r.customize.map((c) => `--customize-hook=${c}`),
          "--format=tar",
          r.suite,
          tmp,
          `deb ${r.mirror} ${r.suite} main`,
        ],
        { timeoutMs: 15 * 60_000, env: { ...process.env, SOURCE_DATE_EPOCH: String(SOURCE_DATE_EPOCH), LC_ALL: "C.UTF-8" } },
      );
      fs.renameSync(tmp, tarball);
    } finally {
      fs.rmSync(tmp, { force: true });
    }
    log(`debian base tarball built in ${Math.round((Date.now() - t0) / 1000)} s (${Math.round(fs.statSync(tarball).size / 1e6)} MB)`);
    // Older recipes' tarballs are of no further use.
    for (const f of fs.readdirSync(cacheDir)) if (/^debian-[0-9a-f]{16}\.tar$/.test(f) && f !== path.basename(tarball)) fs.rmSync(path.join(cacheDir, f), { force: true });
  }
  const t1 = Date.now();
  await podman.run(
    ["import", "--quiet", "--change", `ENV ${PATH_ENV}`, "--change", "ENV PYTHONDONTWRITEBYTECODE=1", "--change", "ENV PYTHONUNBUFFERED=1", "--change", 'CMD ["/bin/sh"]', "--message", `PCC test base: Debian ${DEBIAN_RECIPE.suite}`, tarball, ref],
    { timeoutMs: 5 * 60_000 },
  );
  log(`debian base imported in ${Date.now() - t1} ms`);
  return ref;
}
