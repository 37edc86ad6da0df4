import ErrorPage from "./_error";

/**
 * The page for an address that is no page of the shell. The export writes it once (404.html), with the
 * nonce placeholder PCC's server swaps for each response's nonce like any other page: a 404 is the page a
 * probing stranger sees most.
 */
export default function NotFound() {
  return <ErrorPage statusCode={404} />;
}
