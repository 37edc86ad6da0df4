import Head from "next/head";

type Props = { statusCode?: number };

/**
 * What the shell shows when a page fails in the browser, and (through pages/404.tsx) for an address that
 * is no page. In a static export there is no server render to give it a status code, so it may have none.
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
          <p className="mt-1 text-sm text-slate-600">{missing ? "This address is not a page of your PCC." : statusCode ? `Your PCC could not show this page (error ${statusCode}).` : "Your PCC could not show this page."}</p>
          <a href="/" className="mt-5 inline-block rounded-xl bg-indigo-600 px-4 py-2 text-sm font-medium text-white">
            Back to your PCC
          </a>
        </div>
      </main>
    </>
  );
}
