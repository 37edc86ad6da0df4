import { NextResponse, type NextRequest } from "next/server";
import { shellCsp } from "@/web/lib/csp";

/**
 * Every page of the shell gets a Content-Security-Policy with a fresh nonce (Next's proxy convention):
 * Next reads the nonce from the request's CSP header and puts it on its own scripts, and the root layout
 * on the theme boot script. So no inline script runs without it: an injected <script> or on* handler
 * never executes, which 'unsafe-inline' would allow.
 */
export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString("base64");
  const csp = shellCsp(nonce, request.headers.get("host"));
  const headers = new Headers(request.headers);
  headers.set("x-nonce", nonce);
  headers.set("Content-Security-Policy", csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("Content-Security-Policy", csp);
  return response;
}

export const config = {
  matcher: [
    // Pages only: Next's hashed static files are not documents and need no policy; the offline page has
    // its own, by hash (next.config.js).
    {
      source: "/((?!_next/static|_next/image|favicon.ico|offline\\.html).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
