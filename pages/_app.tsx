import type { AppProps } from "next/app";
import Head from "next/head";
import "@/web/styles/globals.css";

export default function ShellApp({ Component, pageProps }: AppProps) {
  return (
    <>
      <Head>
        {/* Here, not in the document: Next only merges viewport and title from next/head. */}
        <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
        <title>PCC</title>
      </Head>
      <Component {...pageProps} />
    </>
  );
}
