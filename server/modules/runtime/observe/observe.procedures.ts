import { z } from "zod";
import type { Services } from "../../../services";
import { batched } from "./log-merge";
import { MAX_TAIL } from "./log-query";

/** Without a tail or a since, a reader gets this many lines of history (a viewer, not an export). */
export const DEFAULT_TAIL = 500;

/** What apps.logs takes besides the app's id. */
export const logsInput = {
  service: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "not a service name").optional(),
  tail: z.number().int().min(0).max(MAX_TAIL).optional(),
  /** A duration back from now ("10m") or an instant (ISO 8601). */
  since: z.string().trim().min(1).max(40).optional(),
  follow: z.boolean().default(false),
};

type Opts<I> = { ctx: { services: Services }; input: I; signal: AbortSignal | undefined };
type LogsInput = { id: string; service?: string; tail?: number; since?: string; follow: boolean };

/**
 * apps.logs: checked before the stream opens (an unknown app or service is an error, not an empty
 * stream); then arrays of lines, a page of history at a time and new lines as they come. Ends when the
 * client goes away (tRPC aborts `signal`), which closes PCC's streams from Podman too.
 */
export async function logsSubscription({ ctx, input, signal }: Opts<LogsInput>) {
  const tail = input.tail ?? (input.since ? undefined : DEFAULT_TAIL);
  const lines = await ctx.services.observe.logs(input.id, { service: input.service, tail, since: input.since, follow: input.follow, signal });
  return batched(lines, 500, 50);
}

/** apps.stats: a sample every 2 s (the first after one second, for the CPU figure) until the client goes away. */
export function statsSubscription({ ctx, input, signal }: Opts<{ id: string }>) {
  return ctx.services.observe.statsStream(input.id, { signal, intervalMs: 2_000 });
}
