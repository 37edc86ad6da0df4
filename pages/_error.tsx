import type { NextPageContext } from "next";
import Head from "next/head";

type Props = { statusCode: number };

/**
 * Every error page, 404 included. Its getInitialProps is what makes Next render a 404 per request rather
 * than once at build time: a prerendered page has no nonce, so the Content-Security-Policy would block
 * its scripts (and a 404 is the page a probing stranger sees most).
 */
export default function ErrorPage({ statusCode }: Props) {
  const missing = statusCode === 404;
  return (
    <>
      <Head>
        <title>{missing ? "Not found · PCC" : "Error · PCC"}</title>
      </Head>
      <main className="pcc-wallpaper fixed inset-0 flex items-center justify-center p-4">
        <div className="w-full max-w-sm rounded-3xl bg-white p-8 text-slate-900 shadow-2xl">
          <h1 className="text-xl font-semibold">{missing ? "There is no such page" : "Something went wrong"}</h1>
          <p className="mt-1 text-sm text-slate-600">{missing ? "This address is not a page of your PCC." : `Your PCC could not show this page (error ${statusCode}).`}</p>
          <a href="/" className="mt-5 inline-block rounded-xl bg-indigo-600 px-4 py-2 text-sm font-medium text-white">
            Back to your PCC
          </a>
        </div>
      </main>
    </>
  );
}

ErrorPage.getInitialProps = ({ res, err }: NextPageContext): Props => ({ statusCode: res?.statusCode ?? err?.statusCode ?? 404 });
