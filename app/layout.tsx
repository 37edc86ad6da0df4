import type { Metadata, Viewport } from "next";
import localFont from "next/font/local";
import type { ReactNode } from "react";
import { TrpcProviders } from "@/web/lib/trpc";
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
  icons: { icon: "/icons/icon-192.png", apple: "/icons/icon-192.png" },
};

export const viewport: Viewport = {
  themeColor: "#6366f1",
  width: "device-width",
  initialScale: 1,
  viewportFit: "cover",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" className={inter.variable}>
      <body>
        <TrpcProviders>{children}</TrpcProviders>
      </body>
    </html>
  );
}
