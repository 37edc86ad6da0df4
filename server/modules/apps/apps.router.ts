import { z } from "zod";
import { freshOwnerProcedure, ownerProcedure, router } from "../../trpc/init";
import { appIdSchema } from "./manifest";

const byId = z.object({ id: appIdSchema });

export const appsRouter = router({
  catalog: ownerProcedure.query(({ ctx }) => ctx.services.apps.catalog()),
  list: ownerProcedure.query(({ ctx }) => ctx.services.apps.list()),
  /** Starts the install and returns at once; progress shows in `list`. */
  install: ownerProcedure.input(byId).mutation(async ({ ctx, input }) => {
    await ctx.services.apps.beginInstall(input.id);
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
  remove: freshOwnerProcedure
    .input(byId.extend({ keepData: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      await ctx.services.apps.remove(input.id, { keepData: input.keepData });
      return { id: input.id };
    }),
});
