/**
 * Where the static export's pages carry the nonce: pages/_document.tsx writes it on every script at build
 * time, and PCC's server (server/http/static-shell.ts) swaps it for a fresh nonce in each response.
 */
export const NONCE_PLACEHOLDER = "PCC-NONCE-PLACEHOLDER-7f3a9c";

/** The shell's host as the browser named it (Caddy routes only the shell's own name here), or null. */
const HOST = /^[a-z0-9.-]+(:\d{1,5})?$/i;

/**
 * The shell's Content-Security-Policy (see server/http/static-shell.ts). Scripts: only those carrying this response's
 * nonce, and what they load ('strict-dynamic'); never 'unsafe-inline'. Styles keep 'unsafe-inline'
 * because the window manager positions windows with style attributes, which nonces cannot cover.
 * App windows are iframes of the app hosts (`https://<app>.<shell host>`), and the shell probes those
 * hosts with a no-cors fetch to tell an untrusted certificate from a slow app.
 */
export function shellCsp(nonce: string, host: string | null): string {
  const apps = host && HOST.test(host) ? ` https://*.${host.toLowerCase()}` : "";
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self'${apps}`,
    `frame-src 'self'${apps}`,
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    // Apps live on sibling subdomains: they must never frame the shell (the app window's sign-in bounce
    // runs inside the shell's own iframe, hence 'self').
    "frame-ancestors 'self'",
  ].join("; ");
}
