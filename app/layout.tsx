import type { Metadata, Viewport } from "next";
import { headers } from "next/headers";
import localFont from "next/font/local";
import type { ReactNode } from "react";
import { THEME_BOOT_SCRIPT } from "@/web/lib/theme";
import "./globals.css";

// Local on purpose: a PCC may build with no internet, so no Google Fonts fetch.
const inter = localFont({
  src: "../node_modules/@fontsource-variable/inter/files/inter-latin-wght-normal.woff2",
  weight: "100 900",
  variable: "--font-inter",
  display: "swap",
});

export const metadata: Metadata = {
  title: "PCC",
  description: "Your personal cloud computer",
  manifest: "/manifest.webmanifest",
  applicationName: "PCC",
  appleWebApp: { capable: true, title: "PCC", statusBarStyle: "black-translucent" },
  icons: { icon: [{ url: "/icons/icon.svg", type: "image/svg+xml" }, { url: "/icons/icon-192.png", sizes: "192x192" }], apple: "/icons/apple-touch-icon.png" },
};

export const viewport: Viewport = {
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#6366f1" },
    { media: "(prefers-color-scheme: dark)", color: "#1e1b4b" },
  ],
  width: "device-width",
  initialScale: 1,
  viewportFit: "cover",
};

// The data layer (tRPC + React Query) is not here but in the pages that use it: a page that needs
// no data (the trust guide) stays as light as a bare Next page.
// Reading the request makes every page render per request: the nonce proxy.ts put in this request's
// Content-Security-Policy must be on each inline script, and a page prerendered at build time has none.
export default async function RootLayout({ children }: { children: ReactNode }) {
  const nonce = (await headers()).get("x-nonce") ?? undefined;
  return (
    // The boot script sets the theme class before React hydrates, hence the warning suppression.
    <html lang="en" className={inter.variable} suppressHydrationWarning>
      <head>
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: THEME_BOOT_SCRIPT }} />
      </head>
      <body>{children}</body>
    </html>
  );
}
