import fs from "node:fs/promises";
import path from "node:path";

/** A DNS label an app is served at; checked before it is ever used in a path. */
export const HOST_LABEL = /^[a-z][a-z0-9-]{0,62}$/;
/** App credentials are 32 random bytes in lower-case base32. */
export const TOKEN_PATTERN = "^[a-z2-7]{52}$";
const TOKEN = new RegExp(TOKEN_PATTERN);

export type GrantMeta = { appId: string; sessionId: string; expiresAt: number };

/** A header an app trusts for the signed-in user (spec `auth: {method: header}`); checked before it names a file. */
export const SIGN_IN_HEADER = /^[A-Za-z][A-Za-z0-9-]{0,63}$/;

function label(host: string) {
  if (!HOST_LABEL.test(host)) throw new Error(`not a host label: ${JSON.stringify(host)}`);
  return host;
}

/**
 * The gateway's state as files Caddy reads on each request, so that changing one app never changes
 * Caddy's configuration (a reload closes every WebSocket and idle connection of every app):
 *   grants/<host>/<token>   an app credential that may pass (its content: session and expiry, for PCC)
 *   stopped/<host>          the owner stopped this app: Caddy answers with the "stopped" page
 *   sockets/<host>.sock     where Caddy dials the app (PCC forwards to the container)
 *   sign-in/<host>/<Header> the app signs the owner in by this header: Caddy sets it on the owner's
 *                           requests and deletes every client copy (empty file; its name is the header)
 */
export class GatewayFiles {
  readonly grants: string;
  readonly stopped: string;
  readonly sockets: string;
  readonly signIn: string;

  /** `caddyGid`: the group Caddy runs with, given search access to the folders (a listing only of a host's sign-in folder). */
  constructor(
    readonly root: string,
    private readonly caddyGid?: number,
  ) {
    this.grants = path.join(root, "grants");
    this.stopped = path.join(root, "stopped");
    this.sockets = path.join(root, "sockets");
    this.signIn = path.join(root, "sign-in");
  }

  async init() {
    for (const d of [this.root, this.grants, this.stopped, this.sockets, this.signIn]) await this.mkdir(d);
  }

  /** A folder Caddy may look into by name but not list (`listable`: and list, for a glob in its file matcher). */
  private async mkdir(dir: string, listable = false) {
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    if (this.caddyGid === undefined) return;
    await fs.chown(dir, 0, this.caddyGid);
    await fs.chmod(dir, listable ? 0o750 : 0o710);
  }

  /** Lets Caddy dial an app socket: group read/write, nobody else. */
  async shareSocket(file: string) {
    if (this.caddyGid === undefined) return fs.chmod(file, 0o600);
    await fs.chown(file, 0, this.caddyGid);
    await fs.chmod(file, 0o660);
  }

  socketPath(host: string) {
    return path.join(this.sockets, `${label(host)}.sock`);
  }

  async writeGrant(host: string, token: string, meta: GrantMeta) {
    if (!TOKEN.test(token)) throw new Error("malformed app credential");
    const dir = path.join(this.grants, label(host));
    await this.mkdir(dir);
    // Written aside and renamed: Caddy never sees a half-written credential file.
    const tmp = path.join(dir, `.${token}.tmp`);
    await fs.writeFile(tmp, JSON.stringify(meta), { mode: 0o600 });
    await fs.rename(tmp, path.join(dir, token));
  }

  async removeGrant(host: string, token: string) {
    if (!TOKEN.test(token)) return;
    await fs.rm(path.join(this.grants, label(host), token), { force: true });
  }

  /** Every credential on disk, for the index PCC rebuilds at start. Unreadable entries are removed. */
  async readGrants(): Promise<{ host: string; token: string; meta: GrantMeta }[]> {
    const out: { host: string; token: string; meta: GrantMeta }[] = [];
    for (const host of await fs.readdir(this.grants).catch(() => [] as string[])) {
      const dir = path.join(this.grants, host);
      if (!HOST_LABEL.test(host)) {
        await fs.rm(dir, { recursive: true, force: true });
        continue;
      }
      for (const token of await fs.readdir(dir).catch(() => [] as string[])) {
        const file = path.join(dir, token);
        try {
          if (!TOKEN.test(token)) throw new Error("stray file");
          const meta = JSON.parse(await fs.readFile(file, "utf8")) as GrantMeta;
          if (typeof meta.appId !== "string" || typeof meta.sessionId !== "string" || typeof meta.expiresAt !== "number") throw new Error("bad meta");
          out.push({ host, token, meta });
        } catch {
          await fs.rm(file, { force: true });
        }
      }
    }
    return out;
  }

  async setStopped(host: string, stopped: boolean) {
    const file = path.join(this.stopped, label(host));
    if (stopped) await fs.writeFile(file, "", { mode: 0o600 });
    else await fs.rm(file, { force: true });
  }

  /**
   * The header the app at `host` trusts for the owner's identity, or null. Caddy finds it by a glob on
   * sign-in/<host>/* and takes the first name it finds, so the folder holds this one name only. Written
   * before the old name is removed: a change never leaves an instant without any name (the app's
   * requests would then pass with no header handled at all).
   */
  async setSignIn(host: string, header: string | null) {
    const dir = path.join(this.signIn, label(host));
    if (header === null) return void (await fs.rm(dir, { recursive: true, force: true }));
    if (!SIGN_IN_HEADER.test(header)) throw new Error(`not a header name: ${JSON.stringify(header)}`);
    await this.mkdir(dir, true);
    await fs.writeFile(path.join(dir, header), "", { mode: 0o600 });
    for (const name of await fs.readdir(dir)) if (name !== header) await fs.rm(path.join(dir, name), { force: true });
  }

  /** Forgets a host entirely: credentials, marker and socket. */
  async removeHost(host: string) {
    await fs.rm(path.join(this.grants, label(host)), { recursive: true, force: true });
    await fs.rm(path.join(this.stopped, host), { force: true });
    await fs.rm(path.join(this.signIn, host), { recursive: true, force: true });
    await fs.rm(this.socketPath(host), { force: true });
  }

  /** Hosts that have any file here, to sweep those no installed app owns. */
  async knownHosts(): Promise<Set<string>> {
    const names = await Promise.all([
      fs.readdir(this.grants).catch(() => [] as string[]),
      fs.readdir(this.stopped).catch(() => [] as string[]),
      fs.readdir(this.signIn).catch(() => [] as string[]),
      fs.readdir(this.sockets).then((l) => l.map((n) => n.replace(/\.sock$/, ""))).catch(() => [] as string[]),
    ]);
    return new Set(names.flat().filter((h) => HOST_LABEL.test(h)));
  }
}
