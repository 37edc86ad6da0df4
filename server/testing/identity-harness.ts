/** An IdentityService on in-memory fakes, a clock, and software authenticators: for unit tests. */
import { DomainError } from "../errors";
import { EventBus, type PccEvents } from "../events";
import { readCookie } from "../http/cookies";
import { AuditService } from "../modules/audit/audit.service";
import { AppGrants } from "../modules/gateway/app-grants";
import { IdentityService } from "../modules/identity/identity.service";
import type { ClientInfo } from "../modules/identity/rate-limit";
import { SESSION_COOKIE } from "../modules/identity/sessions";
import { MemoryGrantStore, rejection, silentLogger } from "./fakes";
import { MemoryAuditRepository, MemoryIdentityRepository } from "./identity-fakes";
import { SoftAuthenticator } from "./soft-authenticator";

export const RP = { id: "pcc.test", name: "PCC", origin: "https://pcc.test:8443" };
export const PHONE_UA = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Mobile Safari/537.36";
export const LAPTOP_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36";

export const client = (ip = "198.18.0.2", userAgent = PHONE_UA): ClientInfo => ({ ip, userAgent });
export const tokenOf = (cookie: string) => readCookie(cookie.split(";")[0], SESSION_COOKIE)!;
export const errorOf = (p: Promise<unknown>) => rejection(p, DomainError);

export function harness() {
  const clock = { t: Date.parse("2030-01-01T00:00:00Z") };
  const now = () => new Date(clock.t);
  const repo = new MemoryIdentityRepository();
  const grantStore = new MemoryGrantStore();
  const grants = new AppGrants(grantStore, () => clock.t);
  const auditRepo = new MemoryAuditRepository();
  const audit = new AuditService(auditRepo, silentLogger(), now);
  const events = new EventBus();
  const joined: PccEvents["device.joined"][] = [];
  events.subscribe("device.joined", (e) => joined.push(e));
  const identity = new IdentityService(repo, grants, audit, RP, silentLogger(), now, events);
  return { clock, now, repo, grantStore, grants, auditRepo, audit, identity, joined };
}

export type Harness = ReturnType<typeof harness>;

/** A claimed PCC: the owner's phone holds the first passkey; returns its session token and recovery codes. */
export async function claimed() {
  const h = harness();
  const phone = new SoftAuthenticator(RP.origin);
  const code = (await h.identity.issueSetupCode())!;
  const options = await h.identity.beginClaim(code, client(), "browser-phone");
  const { cookie, recoveryCodes } = await h.identity.finishClaim(phone.register(options), "My phone", client(), "browser-phone");
  const token = tokenOf(cookie);
  const session = async (t = token) => (await h.identity.sessions.validate(t))!.session;
  return { ...h, phone, code, cookie, token, recoveryCodes, session };
}

/** Signs in with a passkey on an authenticator; returns the new session's token. */
export async function signIn(h: Harness, auth: SoftAuthenticator, binding = "browser-x", c = client()) {
  const options = await h.identity.beginSignIn(c, binding);
  const { cookie } = await h.identity.finishSignIn(auth.assert(options), c, binding);
  return tokenOf(cookie);
}
