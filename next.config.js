// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  // The PCC server (server/) runs Next in-process as a custom server; the shell never imports server code at runtime.
  typescript: { tsconfigPath: "tsconfig.json" },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          // Apps live on sibling subdomains: they must never frame the shell.
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
      {
        source: "/manifest.webmanifest",
        headers: [{ key: "Content-Type", value: "application/manifest+json" }],
      },
    ];
  },
};
export default nextConfig;
