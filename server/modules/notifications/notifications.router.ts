import { z } from "zod";
import { ownerProcedure, router } from "../../trpc/init";
import { pushEndpoint, pushSubscription } from "./notifications.schemas";

/** Web push to the owner's devices: the key browsers subscribe with, their subscriptions, a test. */
export const notificationsRouter = router({
  publicKey: ownerProcedure.query(({ ctx }) => ctx.services.notifications.publicKey()),
  subscribe: ownerProcedure.input(z.object({ subscription: pushSubscription })).mutation(({ ctx, input }) => ctx.services.notifications.subscribe(ctx.session, input.subscription, ctx.client)),
  unsubscribe: ownerProcedure.input(z.object({ endpoint: pushEndpoint })).mutation(({ ctx, input }) => ctx.services.notifications.unsubscribe(ctx.session, input.endpoint, ctx.client)),
  list: ownerProcedure.query(({ ctx }) => ctx.services.notifications.list(ctx.session)),
  test: ownerProcedure.mutation(({ ctx }) => ctx.services.notifications.test(ctx.session)),
});
