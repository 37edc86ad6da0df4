import Document, { Head, Html, Main, NextScript, type DocumentContext, type DocumentInitialProps } from "next/document";
import { THEME_BOOT_SCRIPT } from "@/web/lib/theme";
import { inter } from "@/web/styles/font";

type Props = DocumentInitialProps & { nonce?: string };

/**
 * The one HTML document of every shell page. Rendered per request: the nonce proxy.ts put in this
 * request's Content-Security-Policy must be on each script Next writes and on the theme boot script.
 */
export default class ShellDocument extends Document<Props> {
  static async getInitialProps(ctx: DocumentContext): Promise<Props> {
    const initial = await Document.getInitialProps(ctx);
    const header = ctx.req?.headers["x-nonce"];
    return { ...initial, nonce: typeof header === "string" ? header : undefined };
  }

  render() {
    const { nonce } = this.props;
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
}
