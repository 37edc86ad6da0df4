import { ownerProcedure, router } from "../../trpc/init";

export const systemRouter = router({
  status: ownerProcedure.query(({ ctx }) => ctx.services.system.status()),
  /** CPU, memory and disk of the machine and of each app, now and over the last day. */
  overview: ownerProcedure.query(({ ctx }) => ctx.services.system.overview()),
});
