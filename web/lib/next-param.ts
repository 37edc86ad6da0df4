/**
 * Where to go after signing in, from `?next=`. Only the server's app-auth bounce on this same origin
 * is allowed: anything else would turn the sign-in page into an open redirect.
 */
export function safeNextPath(search: string, origin: string): string | null {
  const next = new URLSearchParams(search).get("next");
  if (!next || !next.startsWith("/_pcc/app-auth/")) return null;
  let url: URL;
  try {
    url = new URL(next, origin);
  } catch {
    return null;
  }
  // Resolving catches "/_pcc/app-auth/../x" and protocol-relative tricks that a prefix check alone misses.
  if (url.origin !== origin || !url.pathname.startsWith("/_pcc/app-auth/")) return null;
  return url.pathname + url.search + url.hash;
}
