import { DomainError } from "../../errors";
import type { IdentityCore } from "./identity-core";
import { clientKey, type ClientInfo } from "./rate-limit";
import { humanCode, normalizeCode, requestId as newRequestId, sameSecret } from "./tokens";
import { describeUserAgent } from "./user-agent";

type LoginRequest = {
  id: string;
  /** Hash of the browser's binding cookie: only that browser can complete this request. */
  binding: string;
  client: string;
  ip: string | null;
  userAgent: string | null;
  createdAt: number;
  expiresAt: number;
  code: string | null;
  codeExpiresAt: number;
};

export type LoginRequestView = { requestId: string; ageSeconds: number; ip: string | null; device: string; codeIssued: boolean };

const REQUEST_TTL_MS = 15 * 60_000;
const CODE_TTL_MS = 10 * 60_000;
const MAX_PER_CLIENT = 3;
const MAX_PENDING = 200;

/**
 * Sign-in by a code from root's CLI, without the code being a bearer secret: the browser first makes
 * a request and shows its public id ("request ABCD"); `./pcc login-code ABCD` prints a code for that
 * request only; and only the browser holding the request's binding cookie can redeem it. A code read
 * off a phishing page is useless anywhere else. Pending requests live in memory only.
 */
export class LoginRequests {
  private readonly pending = new Map<string, LoginRequest>();

  constructor(private readonly core: IdentityCore) {}

  private get now() {
    return this.core.d.now().getTime();
  }

  async create(binding: string, client: ClientInfo) {
    await this.core.ownerId();
    this.core.limitStarts(client);
    this.prune();
    const key = clientKey(client.ip);
    // One request per browser (asking again replaces it), a few per network, a bounded total.
    for (const [id, r] of this.pending) if (r.binding === binding) this.pending.delete(id);
    const mine = [...this.pending.values()].filter((r) => r.client === key);
    while (mine.length >= MAX_PER_CLIENT) this.pending.delete(mine.shift()!.id);
    while (this.pending.size >= MAX_PENDING) this.pending.delete(this.pending.keys().next().value!);
    let id = newRequestId();
    while (this.pending.has(id)) id = newRequestId();
    const now = this.now;
    this.pending.set(id, { id, binding, client: key, ip: client.ip, userAgent: client.userAgent, createdAt: now, expiresAt: now + REQUEST_TTL_MS, code: null, codeExpiresAt: 0 });
    return { requestId: id, expiresAt: new Date(now + REQUEST_TTL_MS) };
  }

  /** Only the browser that made the request learns how it stands. */
  status(requestId: string, binding: string) {
    const r = this.find(requestId);
    if (!r || r.binding !== binding) return { state: "expired" as const };
    return { state: r.code ? ("code-issued" as const) : ("waiting" as const) };
  }

  /** For root: what is waiting, with enough to recognize one's own browser. */
  list(): LoginRequestView[] {
    this.prune();
    return [...this.pending.values()].map((r) => this.view(r));
  }

  /** `./pcc login-code ABCD` (root only): a code that works for request ABCD's browser, nowhere else. */
  async issueCode(requestId: string) {
    const r = this.find(requestId);
    if (!r) throw new DomainError("NOT_FOUND", `No pending sign-in request "${requestId}". The sign-in page shows its request id; a request lasts 15 minutes.`);
    const code = humanCode();
    r.code = code;
    r.codeExpiresAt = this.now + CODE_TTL_MS;
    r.expiresAt = Math.max(r.expiresAt, r.codeExpiresAt);
    this.core.d.log.info({ request: r.id }, "sign-in code issued");
    await this.core.d.audit.record({ action: "login-code.issued", actor: "cli", details: { request: r.id, requestIp: r.ip, device: describeUserAgent(r.userAgent) } });
    return { code, request: this.view(r) };
  }

  async redeem(requestId: string, code: string, binding: string, client: ClientInfo) {
    const ownerId = await this.core.ownerId();
    const r = await this.core.guarded(
      client,
      () => {
        const found = this.find(requestId);
        const ok = found && found.binding === binding && found.code && this.now < found.codeExpiresAt && sameSecret(normalizeCode(code), normalizeCode(found.code));
        return ok ? found : null;
      },
      "That code is not right for this sign-in request. Check it, or run ./pcc login-code again.",
    );
    this.pending.delete(r.id);
    const joined = await this.core.joiningDevice(ownerId, "cli-code", describeUserAgent(client.userAgent), client);
    await this.core.d.repo.addDevice(joined);
    await this.core.d.audit.record({ action: "signin.code", actor: `device:${joined.device.id}`, ip: client.ip, details: { request: r.id, device: joined.device.name } });
    this.core.d.events?.emit("device.joined", { deviceId: joined.device.id, name: joined.device.name, how: "cli-code" });
    return { cookie: joined.cookie };
  }

  private find(requestId: string) {
    const r = this.pending.get(normalizeCode(requestId));
    if (r && r.expiresAt <= this.now) {
      this.pending.delete(r.id);
      return null;
    }
    return r ?? null;
  }

  private prune() {
    for (const [id, r] of this.pending) if (r.expiresAt <= this.now) this.pending.delete(id);
  }

  private view(r: LoginRequest): LoginRequestView {
    return { requestId: r.id, ageSeconds: Math.round((this.now - r.createdAt) / 1000), ip: r.ip, device: describeUserAgent(r.userAgent), codeIssued: r.code !== null };
  }
}
