import { z } from "zod";
import { ownerProcedure, router } from "../../trpc/init";
import { appIdSchema } from "../apps/app-id";

export const updatesRouter = router({
  /** Updates found by the last check, and each app's history of updates and rollbacks. */
  list: ownerProcedure.query(({ ctx }) => ctx.services.updates.list()),
  /** Each installed app's update policy. */
  policies: ownerProcedure.query(({ ctx }) => ctx.services.updates.policies()),
  history: ownerProcedure.input(z.object({ id: appIdSchema.optional() })).query(({ ctx, input }) => ctx.services.updates.history(input.id)),
  check: ownerProcedure.mutation(({ ctx }) => ctx.services.updates.check({ fresh: true })),
  /** Installs an update now; fails (having rolled back by itself) if the new version does not come up. */
  update: ownerProcedure.input(z.object({ id: appIdSchema })).mutation(({ ctx, input }) => ctx.services.updates.update(input.id)),
  setPolicy: ownerProcedure
    .input(z.object({ id: appIdSchema, policy: z.enum(["auto", "notify", "off"]) }))
    .mutation(async ({ ctx, input }) => {
      await ctx.services.updates.setPolicy(input.id, input.policy);
      return { id: input.id, policy: input.policy };
    }),
});
