import { execFileSync } from "node:child_process";
import fs from "node:fs";

/** The unprivileged user Caddy runs as: it may bind the HTTPS port and read what PCC lets it, nothing more. */
export const CADDY_USER = "pcc-caddy";

export type Ids = { uid: number; gid: number };

function lookup(): Ids | null {
  const line = fs.readFileSync("/etc/passwd", "utf8").split("\n").find((l) => l.startsWith(`${CADDY_USER}:`));
  if (!line) return null;
  const [, , uid, gid] = line.split(":");
  return { uid: Number(uid), gid: Number(gid) };
}

/** Creates the system user once (no home, no shell, no password). */
export function ensureCaddyUser(): Ids {
  const existing = lookup();
  if (existing) return existing;
  execFileSync("useradd", ["--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", CADDY_USER], { timeout: 30_000 });
  const made = lookup();
  if (!made) throw new Error(`could not create the system user ${CADDY_USER}`);
  return made;
}

/**
 * Lets Caddy's group reach one path: search-only for a folder (it can open what it knows the name of,
 * list nothing), read/write for a socket. Everything else under the data dir stays root's alone.
 */
export function shareWithCaddy(file: string, ids: Ids, kind: "dir" | "socket") {
  fs.chownSync(file, 0, ids.gid);
  fs.chmodSync(file, kind === "dir" ? 0o710 : 0o660);
}

/** Hands a folder tree to Caddy (its certificates and CA), readable by nobody else. */
export function giveToCaddy(dir: string, ids: Ids) {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const walk = (p: string) => {
    fs.lchownSync(p, ids.uid, ids.gid);
    if (fs.lstatSync(p).isDirectory()) for (const e of fs.readdirSync(p)) walk(`${p}/${e}`);
  };
  walk(dir);
  fs.chmodSync(dir, 0o700);
}

/**
 * The first folder on the way to `dir` that Caddy's user cannot pass through, or null. Checked at start:
 * a data dir under /root (mode 0700) would leave Caddy unable to read its own certificates.
 */
export function blockedAncestor(dir: string, ids: Ids): string | null {
  const parts = dir.split("/").filter(Boolean);
  for (let i = 0; i < parts.length; i++) {
    const p = `/${parts.slice(0, i).join("/")}`;
    const st = fs.statSync(p);
    const x = st.uid === ids.uid ? st.mode & 0o100 : st.gid === ids.gid ? st.mode & 0o010 : st.mode & 0o001;
    if (!x) return p;
  }
  return null;
}
