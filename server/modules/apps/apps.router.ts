import { z } from "zod";
import { ownerProcedure, requireFreshOwner, router } from "../../trpc/init";
import { actorOf } from "../identity/identity-core";
import type { Session } from "../identity/sessions";
import { appIdSchema } from "./app-id";
import { grantsInput, settingsInput } from "./install-request";
import { logsInput, logsSubscription, statsSubscription } from "../runtime/observe/observe.procedures";

const byId = z.object({ id: appIdSchema });
const who = (ctx: { session: Session; client: { ip: string | null } }) => ({ actor: actorOf(ctx.session), ip: ctx.client.ip });

export const appsRouter = router({
  catalog: ownerProcedure.query(({ ctx }) => ctx.services.apps.catalog()),
  list: ownerProcedure.query(({ ctx }) => ctx.services.apps.list()),
  /**
   * Starts the install and returns at once; progress shows in `list`. `grants` is the owner's answer to
   * the permission prompt; an app that asks for any permission needs a fresh passkey check. A paid app
   * (its catalog entry has a `price`) needs `licence`, a key that verifies offline against its developer's.
   */
  install: ownerProcedure
    .input(byId.extend({ grants: grantsInput.default({}), settings: settingsInput.default({}), licence: z.string().max(4096).optional() }))
    .mutation(async ({ ctx, input }) => {
      if (await ctx.services.apps.asksForPermissions(input.id)) requireFreshOwner(ctx);
      await ctx.services.apps.beginInstall(input.id, { grants: input.grants, settings: input.settings, licence: input.licence }, who(ctx));
      return { id: input.id };
    }),
  /** Permissions and settings after install: granting anything new needs a fresh passkey check. */
  reconfigure: ownerProcedure
    .input(byId.extend({ grants: grantsInput.optional(), settings: settingsInput.optional() }))
    .mutation(async ({ ctx, input }) => {
      if (input.grants) requireFreshOwner(ctx);
      await ctx.services.apps.reconfigure(input.id, { grants: input.grants, settings: input.settings }, who(ctx));
      return { id: input.id };
    }),
  /** Progress of installs and starts, state changes and finished operations, as they happen. */
  events: ownerProcedure.subscription(async function* ({ ctx, signal }) {
    const queue: unknown[] = [];
    let wake: (() => void) | null = null;
    const push = (type: string) => (data: unknown) => {
      queue.push({ type, data });
      wake?.();
    };
    const stops = [
      ctx.services.events.subscribe("app.progress", push("progress")),
      ctx.services.events.subscribe("app.state", push("state")),
      ctx.services.events.subscribe("app.done", push("done")),
    ];
    try {
      while (!signal?.aborted) {
        while (queue.length) yield queue.shift() as { type: "progress" | "state" | "done"; data: unknown };
        await new Promise<void>((r) => {
          wake = r;
          signal?.addEventListener("abort", () => r(), { once: true });
        });
        wake = null;
      }
    } finally {
      for (const stop of stops) stop();
    }
  }),
  /** Generated secrets meant for the owner's eyes (spec: `show: true`), e.g. a first admin password. */
  credentials: ownerProcedure.input(byId).query(({ ctx, input }) => ctx.services.apps.credentials(input.id)),
  restart: ownerProcedure.input(byId).mutation(async ({ ctx, input }) => {
    await ctx.services.apps.restart(input.id);
    return { id: input.id };
  }),
  start: ownerProcedure.input(byId).mutation(async ({ ctx, input }) => {
    await ctx.services.apps.start(input.id);
    return { id: input.id };
  }),
  stop: ownerProcedure.input(byId).mutation(async ({ ctx, input }) => {
    await ctx.services.apps.stop(input.id);
    return { id: input.id };
  }),
  /** Purging data (keepData: false) is fresh-owner; removing an app but keeping its data is not. */
  remove: ownerProcedure
    .input(byId.extend({ keepData: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      if (!input.keepData) requireFreshOwner(ctx);
      await ctx.services.apps.remove(input.id, { keepData: input.keepData }, who(ctx));
      return { id: input.id };
    }),
  /** The app's output, secrets masked, in batches of lines: history, then new lines while `follow` (SSE). */
  logs: ownerProcedure.input(byId.extend(logsInput)).subscription(logsSubscription),
  /** The app's CPU, memory, network and disk, per service and in total: a sample every 2 s (SSE). */
  stats: ownerProcedure.input(byId).subscription(statsSubscription),
});
