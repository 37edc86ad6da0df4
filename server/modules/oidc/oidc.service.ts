import fs from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Provider } from "oidc-provider";
import type { OidcRepository } from "../../adapters/db/oidc-repository";
import type { Logger } from "../../logger";
import { appIdSchema } from "../apps/app-id";
import type { AppsRepository } from "../../adapters/db/apps-repository";
import { isBroken, readRecord, type AppRecord } from "../apps/app-record";
import { secretContext } from "../apps/install-request";
import type { SecretBox } from "../secrets/secret-box";
import { artifactKey, oidcAdapterClass, type ClientMetadata } from "./oidc-adapter";
import { clientMetadata, gatewayOf, isBackChannelPath, ISSUER_PATH, issuerFor, needsOwner, OIDC_CLIENT_SECRET, usesOidc, type OidcAppContext } from "./oidc-client";
import { loadOidcKeys } from "./oidc-keys";
import { createProvider, OWNER_SUBJECT } from "./oidc-provider";

export type OidcDeps = {
  shellOrigin: string;
  domain: string;
  keysFile: string;
  /** Caddy's internal CA certificate, when Caddy's own CA signs the shell's certificate; null otherwise. */
  caFile: string | null;
  appOrigin: (subdomain: string) => string;
  repo: OidcRepository;
  box: Pick<SecretBox, "seal" | "open">;
  /** An installed app's record with its secrets opened, or null (unknown, broken, or being removed). */
  app: (appId: string) => Promise<{ rec: AppRecord; secrets: Record<string, string> } | null>;
  /** The owner session a shell request carries, checked (and renewed: `cookie`), or null. */
  ownerSession: (req: IncomingMessage) => Promise<{ id: string; cookie: string | null } | null>;
  log: Logger;
};

const text = (res: ServerResponse, status: number, body: string) => {
  res.statusCode = status;
  res.setHeader("Content-Type", "text/plain; charset=utf-8");
  res.setHeader("Cache-Control", "no-store");
  res.end(body);
};

/**
 * PCC as an OpenID Connect provider for its apps (oidc-provider): each installed app whose ingress says
 * `auth: {method: oidc}` is a client, the owner is the one user, and a signed-in owner is let through
 * without a consent screen (the owner installed the app). Served on the shell's origin under /oidc, and
 * to the apps' containers over the back channel (oidc-back-channel.ts).
 */
export class OidcService {
  readonly issuer: string;
  private readonly issuerHost: string;
  private starting: Promise<{ provider: Provider; callback: (req: IncomingMessage, res: ServerResponse) => unknown }> | null = null;
  private keys: ReturnType<typeof loadOidcKeys> | null = null;
  // The owner session PCC checked for a request, read by the provider's grant loader.
  private readonly owners = new WeakMap<IncomingMessage, string>();

  constructor(private readonly d: OidcDeps) {
    this.issuer = issuerFor(d.shellOrigin);
    this.issuerHost = new URL(d.shellOrigin).host;
  }

  async init() {
    this.keys = loadOidcKeys(this.d.keysFile);
    const pruned = await this.d.repo.pruneExpired(new Date());
    if (pruned) this.d.log.debug({ pruned }, "expired OIDC artifacts removed");
    setInterval(() => void this.d.repo.pruneExpired(new Date()).catch((err) => this.d.log.warn({ err }, "pruning OIDC artifacts failed")), 3600_000).unref();
  }

  /**
   * The provider, made on the first OIDC request rather than at boot: oidc-provider and its Koa stack are
   * about 30 MB of memory that a PCC without an OIDC app would hold for nothing.
   */
  private start() {
    this.starting ??= this.makeProvider().catch((e: unknown) => {
      this.starting = null;
      throw e;
    });
    return this.starting;
  }

  private async makeProvider() {
    if (!this.keys) throw new Error("OIDC used before init()");
    const provider = await createProvider({
      issuer: this.issuer,
      keys: this.keys,
      adapter: oidcAdapterClass({ repo: this.d.repo, box: this.d.box, findClient: (id) => this.findClient(id) }),
      ownerSessionOf: (req) => this.owners.get(req) ?? null,
      grantSession: async (grantId) => (await this.d.repo.find(artifactKey("Grant", grantId)))?.sessionId ?? null,
      linkGrant: (grantId, sessionId) => this.d.repo.linkGrant(artifactKey("Grant", grantId), sessionId),
      claims: { name: "Owner", email: `${OWNER_SUBJECT}@${this.d.domain}` },
      log: this.d.log,
    });
    return { provider, callback: provider.callback() };
  }

  /** The client of an installed OIDC app, from its record: uninstalling the app ends the client at once. */
  async findClient(clientId: string): Promise<ClientMetadata | undefined> {
    if (!appIdSchema.safeParse(clientId).success) return undefined;
    const app = await this.d.app(clientId);
    if (!app || !usesOidc(app.rec.spec)) return undefined;
    return clientMetadata(app.rec.spec, this.d.appOrigin, app.secrets[OIDC_CLIENT_SECRET] ?? "");
  }

  /** What an OIDC app's containers get (env references, hosts entry, CA file); null for other apps. */
  appContext(rec: AppRecord, secrets: Record<string, string>): OidcAppContext | null {
    if (!usesOidc(rec.spec)) return null;
    return {
      issuer: this.issuer,
      clientId: rec.spec.id,
      clientSecret: secrets[OIDC_CLIENT_SECRET] ?? "",
      caPem: this.d.caFile ? readIfPresent(this.d.caFile) : null,
      shellHost: new URL(this.d.shellOrigin).hostname,
      gateway: gatewayOf(rec.row.subnet),
    };
  }

  /** An uninstalled app: every grant, code and token issued to it goes (its client is already gone). */
  async revokeClient(appId: string) {
    const n = await this.d.repo.removeClient(appId);
    if (n) this.d.log.info({ app: appId, artifacts: n }, "OIDC grants and tokens of a removed app revoked");
  }

  /** Ended owner sessions (sign-out, a removed device, a recovery): the grants they approved and their tokens go. */
  async revokeSessions(sessionIds: string[]) {
    const n = await this.d.repo.removeSessions(sessionIds);
    if (n) this.d.log.info({ artifacts: n }, "OIDC grants and tokens of ended sessions revoked");
  }

  /**
   * /oidc/* on the shell's origin, from browsers (through Caddy). Authorization and interactions act for
   * the owner: without a valid owner session the browser is sent to sign in and comes back here after.
   */
  async handleShell(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://x");
    if (needsOwner(url.pathname)) {
      const owner = await this.d.ownerSession(req);
      if (!owner) {
        if (req.method !== "GET") return text(res, 401, "Sign in to your PCC first.");
        res.statusCode = 302;
        res.setHeader("Location", `/?next=${encodeURIComponent(url.pathname + url.search)}`);
        res.setHeader("Cache-Control", "no-store");
        return res.end();
      }
      if (owner.cookie) res.appendHeader("Set-Cookie", owner.cookie);
      this.owners.set(req, owner.id);
      if (url.pathname.startsWith(`${ISSUER_PATH}/interaction/`)) return this.finishInteraction(req, res, url.pathname.slice(`${ISSUER_PATH}/interaction/`.length));
    }
    return this.dispatch(req, res);
  }

  /** The back channel (an app's server to the issuer): discovery, keys, token and userinfo only. */
  async handleBackChannel(req: IncomingMessage, res: ServerResponse) {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    if (!isBackChannelPath(path)) return text(res, 404, "Not found.");
    return this.dispatch(req, res);
  }

  /**
   * The owner, signed in, reaches the provider's login (or consent) step: approve at once, as the owner.
   * The interaction must be the one this browser started (its cookie) and the one in the URL.
   */
  private async finishInteraction(req: IncomingMessage, res: ServerResponse, uid: string) {
    const { provider } = await this.start();
    this.normalise(req);
    const details = await provider.interactionDetails(req, res).catch(() => null);
    if (!details || details.uid !== uid) return text(res, 400, "This sign-in has expired. Open the app again from your PCC.");
    const clientId = typeof details.params.client_id === "string" ? details.params.client_id : "";
    if (!(await this.findClient(clientId))) return text(res, 400, "This app is not installed.");
    const result: Record<string, unknown> = {};
    if (details.prompt.name === "login") result.login = { accountId: OWNER_SUBJECT };
    else if (details.prompt.name === "consent") {
      const grant = new provider.Grant({ accountId: details.session?.accountId ?? OWNER_SUBJECT, clientId });
      grant.addOIDCScope("openid profile email");
      const grantId = await grant.save();
      await this.d.repo.linkGrant(artifactKey("Grant", grantId), this.owners.get(req)!);
      result.consent = { grantId };
    } else return text(res, 400, "This sign-in cannot be completed.");
    await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse) {
    const { callback } = await this.start();
    this.normalise(req);
    const original = req.url ?? "/";
    // Mounted under /oidc: the provider routes on the rest and finds its mount point from originalUrl.
    (req as IncomingMessage & { originalUrl?: string }).originalUrl = original;
    req.url = original.slice(ISSUER_PATH.length) || "/";
    await callback(req, res);
  }

  /**
   * Every URL the provider prints (discovery, redirects) is built from the request: it must be the issuer's,
   * whatever Host or X-Forwarded-* a client sent. Both ways in are HTTPS (Caddy, or the back channel's TLS).
   */
  private normalise(req: IncomingMessage) {
    req.headers.host = this.issuerHost;
    req.headers["x-forwarded-proto"] = "https";
    delete req.headers["x-forwarded-host"];
    delete req.headers["x-forwarded-port"];
    delete req.headers.forwarded;
  }
}

/** An installed app's record and opened secrets (none while it is being removed): what a client is made of. */
export function installedAppWithSecrets(repo: Pick<AppsRepository, "get" | "secrets">, box: Pick<SecretBox, "open">): OidcDeps["app"] {
  return async (id) => {
    const row = await repo.get(id);
    const rec = row ? readRecord(row) : null;
    if (!rec || isBroken(rec) || rec.row.phase === "removing" || rec.row.phase === "removing-keep-data") return null;
    const sealed = await repo.secrets(id);
    return { rec, secrets: Object.fromEntries(Object.entries(sealed).map(([k, v]) => [k, box.open(v, secretContext(id, k))])) };
  };
}

function readIfPresent(file: string): string | null {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return null;
  }
}
