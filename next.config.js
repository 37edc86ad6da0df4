// @ts-check
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

/**
 * The offline page (public/offline.html, served by the service worker when the PCC is unreachable) is a
 * static file with one inline script: it is allowed by its hash rather than a nonce (proxy.ts skips it),
 * so a cached copy keeps working. Computed from the file itself, so an edit can never break it unnoticed.
 */
function offlinePageCsp() {
  const html = readFileSync(new URL("./public/offline.html", import.meta.url), "utf8");
  const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => `'sha256-${createHash("sha256").update(m[1] ?? "").digest("base64")}'`);
  return `default-src 'self'; script-src ${scripts.join(" ")}; style-src 'unsafe-inline'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'`;
}

/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  // Import only the modules used from these barrels: about 1 kB less script on every first load.
  experimental: { optimizePackageImports: ["@trpc/client", "@trpc/server", "@trpc/tanstack-react-query", "@tanstack/react-query"] },
  reactStrictMode: true,
  // The PCC server (server/) runs Next in-process as a custom server; the shell never imports server code at runtime.
  typescript: { tsconfigPath: "tsconfig.json" },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          // Apps live on sibling subdomains: they must never frame the shell. Pages get the full policy
          // (with a script nonce) from proxy.ts, which replaces this one; this covers everything else Next serves.
          { key: "Content-Security-Policy", value: "frame-ancestors 'self'" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
        ],
      },
      {
        // A new service worker must reach browsers at the next visit, not when some cache expires.
        source: "/sw.js",
        headers: [
          { key: "Cache-Control", value: "no-cache" },
          { key: "Content-Type", value: "text/javascript; charset=utf-8" },
        ],
      },
      { source: "/offline.html", headers: [{ key: "Content-Security-Policy", value: offlinePageCsp() }] },
      {
        source: "/manifest.webmanifest",
        headers: [{ key: "Content-Type", value: "application/manifest+json" }],
      },
    ];
  },
};
export default nextConfig;
