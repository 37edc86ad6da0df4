import { z } from "zod";
import { ownerProcedure, router } from "../../trpc/init";

export const auditRouter = router({
  /** Newest first, with whether the hash chain verifies. */
  list: ownerProcedure
    .input(z.object({ limit: z.number().int().min(1).max(500).default(100), beforeSeq: z.number().int().positive().optional() }).default({ limit: 100 }))
    .query(({ ctx, input }) => ctx.services.audit.list(input)),
});
