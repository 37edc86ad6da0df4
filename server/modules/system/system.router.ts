import { ownerProcedure, router } from "../../trpc/init";

export const systemRouter = router({
  status: ownerProcedure.query(({ ctx }) => ctx.services.system.status()),
});
