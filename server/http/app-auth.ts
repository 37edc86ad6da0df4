import type { IncomingMessage, ServerResponse } from "node:http";
import { APP_COOKIE } from "../adapters/caddy/caddy-config";
import type { Config } from "../config";
import type { Services } from "../services";
import { HOST_LABEL } from "../modules/gateway/gateway-files";
import { SESSION_COOKIE } from "../modules/identity/sessions";
import { clientInfo } from "./client-info";
import { readCookie } from "./cookies";

/** Only same-origin absolute paths: an open redirect here would hand out credentials. */
// Browsers drop tabs and newlines inside URLs, so "/\t/evil.com" would become "//evil.com": no control
// characters, no whitespace, no backslashes, no second leading slash.
export const safeReturnPath = (p: string | null | undefined) => (p && /^\/(?![/\\])[^\x00-\x20\x7f\\]*$/.test(p) ? p : "/");

function redirect(res: ServerResponse, location: string, cookie?: string) {
  res.statusCode = 302;
  res.setHeader("Location", location);
  res.setHeader("Cache-Control", "no-store");
  res.setHeader("Referrer-Policy", "no-referrer");
  if (cookie) res.setHeader("Set-Cookie", cookie);
  res.end();
}

function text(res: ServerResponse, status: number, body: string) {
  res.statusCode = status;
  res.setHeader("Content-Type", "text/plain; charset=utf-8");
  res.setHeader("Cache-Control", "no-store");
  res.end(body);
}

/**
 * Step 1, on the shell's host: GET /_pcc/app-auth/<app>/<path>. The owner's session (host-only cookie)
 * proves who this is; we issue a one-time handoff code and send the browser to the app's host.
 */
export async function handleAppAuthStart(req: IncomingMessage, res: ServerResponse, services: Services, config: Config) {
  const url = new URL(req.url ?? "/", "http://x");
  const m = /^\/_pcc\/app-auth\/([^/?]+)(\/.*)?$/.exec(url.pathname);
  const host = m?.[1] ?? "";
  if (!m || !HOST_LABEL.test(host)) return text(res, 400, "Unknown app address.");
  const rest = safeReturnPath(`${m[2] ?? "/"}${url.search}`);
  const valid = await services.identity.sessions.validate(readCookie(req.headers.cookie, SESSION_COOKIE), clientInfo(req));
  if (!valid) return redirect(res, `/?next=${encodeURIComponent(`/_pcc/app-auth/${host}${rest}`)}`);
  const { session } = valid;
  if (valid.cookie) res.appendHeader("Set-Cookie", valid.cookie);
  const app = services.gateway.lookup(host);
  if (!app) return text(res, 404, "This app is not installed.");
  const code = await services.grants.issue(host, app.appId, session.id, session.expiresAt);
  const target = new URL("/.pcc/auth", config.appOrigin(host));
  target.searchParams.set("code", code);
  target.searchParams.set("return", rest);
  return redirect(res, target.toString());
}

/**
 * Step 2, on the app's host (Caddy forwards /.pcc/auth to us): swap the code for the app credential,
 * a host-only cookie Caddy checks and strips, then continue to where the owner was going.
 */
export function handleAppAuthFinish(req: IncomingMessage, res: ServerResponse, services: Services, config: Config) {
  const host = (req.headers.host ?? "").replace(/:\d+$/, "");
  const suffix = `.${config.domain}`;
  const label = host.endsWith(suffix) ? host.slice(0, -suffix.length) : "";
  if (!HOST_LABEL.test(label)) return text(res, 400, "Unknown app address.");
  const url = new URL(req.url ?? "/", "http://x");
  const grant = services.grants.redeem(url.searchParams.get("code") ?? "", label);
  // No redirect back on failure: a stale link must not start a loop.
  if (!grant) return text(res, 400, "This sign-in link has expired or was already used. Open the app again from your PCC.");
  const cookie = `${APP_COOKIE}=${grant.token}; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=${grant.maxAgeSeconds}`;
  return redirect(res, safeReturnPath(url.searchParams.get("return")), cookie);
}
