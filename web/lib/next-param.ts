/** Where a sign-in may send the browser next: the app-auth bounce, or an app's OIDC authorization request. */
const ALLOWED = ["/_pcc/app-auth/", "/oidc/auth"];
const allowed = (path: string) => ALLOWED.some((p) => path.startsWith(p));

/**
 * Where to go after signing in, from `?next=`. Only the server's app-auth bounce and the OIDC issuer's
 * authorization endpoint on this same origin are allowed: anything else would turn the sign-in page into
 * an open redirect.
 */
export function safeNextPath(search: string, origin: string): string | null {
  const next = new URLSearchParams(search).get("next");
  if (!next || !allowed(next)) return null;
  let url: URL;
  try {
    url = new URL(next, origin);
  } catch {
    return null;
  }
  // Resolving catches "/_pcc/app-auth/../x" and protocol-relative tricks that a prefix check alone misses.
  if (url.origin !== origin || !allowed(url.pathname)) return null;
  return url.pathname + url.search + url.hash;
}
