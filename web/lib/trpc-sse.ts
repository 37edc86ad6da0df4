import type { Operation, TRPCClientError, TRPCLink } from "@trpc/client";
import type { observable as Observable } from "@trpc/server/observable";
import type { AppRouter } from "@/server/trpc/app-router";
import { registerSubscriptionLink } from "./trpc";

/**
 * Subscriptions (apps.events, apps.logs, apps.stats) over Server-Sent Events, in a module of its own that
 * registers itself with the tRPC client (web/lib/trpc.tsx) when it is loaded. Every module that subscribes
 * imports it (`import "@/web/lib/trpc-sse"`), so neither the sign-in page nor the desktop's first load
 * pays for it.
 *
 * It speaks the SSE protocol of tRPC's server (`connected`, data messages, `serialized-error`, `return`,
 * `ping`) with the browser's EventSource, and gives the client the same results tRPC's own
 * httpSubscriptionLink gives (started, data, connection state, stopped). It is not tRPC's link because that
 * one lives in @trpc/client's main module, which the first load already holds: with Turbopack, importing
 * it even from a lazily loaded chunk puts its code (and the SSE reader it uses) into that first load,
 * +3.8 kB gzip on both budgeted pages (bench/bundle-size.bench.ts). To use it anyway:
 * `registerSubscriptionLink(() => httpSubscriptionLink({ url: "/api/trpc" }))`.
 *
 * What it needs of tRPC (`observable`, `TRPCClientError`) it is handed by the first load, which holds
 * them already: imported here, they would make Turbopack split them out of the first load's chunk into
 * one shared with this module (+1.3 kB gzip). For the same reason the first load holds no import() of it.
 */
export type SseDeps = { observable: typeof Observable; TRPCClientError: typeof TRPCClientError };

/** The codes after which tRPC's own link reconnects rather than fails (retryableRpcCodes). */
const RETRYABLE = new Set(["BAD_GATEWAY", "SERVICE_UNAVAILABLE", "GATEWAY_TIMEOUT", "INTERNAL_SERVER_ERROR"]);

type ErrorShape = { message: string; code: number; data?: { code?: string } };

export function subscriptionUrl(base: string, op: Pick<Operation, "path" | "input">): string {
  const input = op.input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(op.input))}`;
  return `${base}/${op.path}${input}`;
}

export const subscriptionLink =
  ({ observable, TRPCClientError }: SseDeps, url = "/api/trpc"): TRPCLink<AppRouter> =>
  () =>
  ({ op }) =>
    observable((observer) => {
      if (op.type !== "subscription") throw new Error("the SSE link only carries subscriptions");
      const es = new EventSource(subscriptionUrl(url, op));
      let open = true;
      const state = (s: "connecting" | "pending" | "idle", error: TRPCClientError<AppRouter> | null = null) =>
        observer.next({ result: { type: "state", state: s, error } as never });
      const close = () => {
        open = false;
        es.close();
      };
      const fail = (error: TRPCClientError<AppRouter>) => {
        close();
        observer.error(error);
      };
      state("connecting");
      es.addEventListener("connected", () => {
        observer.next({ result: { type: "started" } });
        state("pending");
      });
      es.addEventListener("message", (e: MessageEvent<string>) => {
        let data: unknown;
        try {
          data = JSON.parse(e.data);
        } catch {
          return fail(TRPCClientError.from(new Error("Your PCC sent a message this page cannot read.")));
        }
        observer.next({ result: { type: "data", data } as never });
      });
      es.addEventListener("serialized-error", (e: MessageEvent<string>) => {
        let shape: ErrorShape;
        try {
          shape = JSON.parse(e.data) as ErrorShape;
        } catch {
          shape = { message: "The stream failed.", code: -32603 };
        }
        const error = TRPCClientError.from<AppRouter>({ error: shape } as never);
        // The server ends the response after the error; EventSource then reconnects by itself.
        if (RETRYABLE.has(shape.data?.code ?? "")) state("connecting", error);
        else fail(error);
      });
      es.addEventListener("return", () => {
        close();
        observer.next({ result: { type: "stopped" } });
        state("idle");
        observer.complete();
      });
      es.addEventListener("error", () => {
        if (!open) return;
        // CONNECTING: the browser retries by itself (a restart of PCC, a network change); CLOSED: it gave up.
        if (es.readyState === EventSource.CLOSED) fail(TRPCClientError.from(new Error("The connection to your PCC was lost.")));
        else state("connecting");
      });
      return close;
    });

registerSubscriptionLink((deps) => subscriptionLink(deps));
