"use client";

import { QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink, splitLink, TRPCClientError, type OperationLink, type TRPCLink } from "@trpc/client";
import { observable } from "@trpc/server/observable";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import { useState, type ReactNode } from "react";
import type { AppRouter } from "@/server/trpc/app-router";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

function errorCode(error: unknown): string | undefined {
  if (error instanceof TRPCClientError) return (error.data as { code?: string } | undefined)?.code;
  return undefined;
}

function makeQueryClient() {
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      // An expired session surfaces as UNAUTHORIZED on any owner query: re-ask auth.state so the shell drops back to sign-in.
      onError: (error, query) => {
        if (errorCode(error) !== "UNAUTHORIZED") return;
        if (JSON.stringify(query.queryKey).includes('"state"')) return;
        void client.invalidateQueries({ predicate: (q) => JSON.stringify(q.queryKey).includes('["identity","state"]') });
      },
    }),
    defaultOptions: {
      queries: {
        staleTime: 2_000,
        // Client errors (4xx) will not fix themselves by retrying; only retry transport hiccups.
        retry: (count, error) => {
          const code = errorCode(error);
          if (code && code !== "INTERNAL_SERVER_ERROR" && code !== "BAD_GATEWAY" && code !== "SERVICE_UNAVAILABLE") return false;
          return count < 2;
        },
      },
    },
  });
  return client;
}

/**
 * Subscriptions go over SSE through the link web/lib/trpc-sse.ts registers here when it loads: only the
 * windows that subscribe import it (the store, app logs and stats), so the first load carries none of it.
 */
let sse: TRPCLink<AppRouter> | null = null;

export function registerSubscriptionLink(make: (deps: { observable: typeof observable; TRPCClientError: typeof TRPCClientError }) => TRPCLink<AppRouter>) {
  sse ??= make({ observable, TRPCClientError });
}

const subscriptions: TRPCLink<AppRouter> = (runtime) => {
  let run: OperationLink<AppRouter> | undefined;
  return (opts) => (run ??= sse?.(runtime))?.(opts) ?? observable((o) => o.error(TRPCClientError.from(new Error("Live updates are not loaded."))));
};

export function TrpcProviders({ children }: { children: ReactNode }) {
  const [queryClient] = useState(makeQueryClient);
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        splitLink({
          condition: (op) => op.type === "subscription",
          // Subscriptions stream over SSE; queries and mutations stay batched.
          true: subscriptions,
          false: httpBatchLink({ url: "/api/trpc" }),
        }),
      ],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
