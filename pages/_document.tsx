import { Head, Html, Main, NextScript } from "next/document";
import { NONCE_PLACEHOLDER } from "@/web/lib/csp";
import { THEME_BOOT_SCRIPT } from "@/web/lib/theme";
import { inter } from "@/web/styles/font";

/**
 * The one HTML document of every shell page, written once by the static export. Every script Next writes
 * and the theme boot script carry NONCE_PLACEHOLDER, which PCC's server replaces with a fresh nonce in each
 * response, the same nonce its Content-Security-Policy names (server/http/static-shell.ts).
 */
export default function ShellDocument() {
  const nonce = NONCE_PLACEHOLDER;
  return (
    // The boot script sets the theme class before React hydrates, hence the warning suppression.
    <Html lang="en" className={inter.variable} suppressHydrationWarning>
      <Head nonce={nonce}>
        <meta name="description" content="Your personal cloud computer" />
        <meta name="application-name" content="PCC" />
        <meta name="apple-mobile-web-app-capable" content="yes" />
        <meta name="mobile-web-app-capable" content="yes" />
        <meta name="apple-mobile-web-app-title" content="PCC" />
        <meta name="apple-mobile-web-app-status-bar-style" content="black-translucent" />
        <meta name="theme-color" media="(prefers-color-scheme: light)" content="#6366f1" />
        <meta name="theme-color" media="(prefers-color-scheme: dark)" content="#1e1b4b" />
        <link rel="manifest" href="/manifest.webmanifest" />
        <link rel="icon" href="/icons/icon.svg" type="image/svg+xml" />
        <link rel="icon" href="/icons/icon-192.png" sizes="192x192" />
        <link rel="apple-touch-icon" href="/icons/apple-touch-icon.png" />
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: THEME_BOOT_SCRIPT }} />
      </Head>
      <body>
        <Main />
        <NextScript nonce={nonce} />
      </body>
    </Html>
  );
}
