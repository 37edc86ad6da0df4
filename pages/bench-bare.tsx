import Head from "next/head";

/**
 * The smallest page this Next build can serve: bench/bundle-size.bench.ts measures it next to the
 * shell's pages, so the shell's own cost reads as a difference from what Next and React cost anyway.
 */
export default function BarePage() {
  return (
    <>
      <Head>
        <title>Bare page</title>
        <meta name="robots" content="noindex" />
      </Head>
      <p>A bare Next page.</p>
    </>
  );
}
