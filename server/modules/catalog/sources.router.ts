import { z } from "zod";
import { freshOwnerProcedure, ownerProcedure, router } from "../../trpc/init";
import { actorOf } from "../identity/identity-core";
import type { Session } from "../identity/sessions";

const who = (ctx: { session: Session; client: { ip: string | null } }) => ({ actor: actorOf(ctx.session), ip: ctx.client.ip });
const sourceId = z.string().regex(/^[a-z][a-z0-9-]{0,40}$/, "A source id is lower-case letters, digits and dashes.");

/** The catalog sources beside the built-in catalog (server/modules/catalog/sources.service.ts). */
export const sourcesRouter = router({
  list: ownerProcedure.query(({ ctx }) => ctx.services.sources.list()),
  /**
   * Adding a source decides what PCC may install, so it needs a fresh passkey check. The source is
   * verified (signature, index, no app another source has) before anything is kept.
   */
  add: freshOwnerProcedure
    .input(
      z.object({
        location: z.string().trim().min(1).max(2000),
        publicKey: z.string().trim().max(100).optional(),
        trustUnsigned: z.boolean().default(false),
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.sources.add(input, who(ctx))),
  remove: ownerProcedure.input(z.object({ id: sourceId })).mutation(async ({ ctx, input }) => {
    await ctx.services.sources.remove(input.id, who(ctx));
    return { id: input.id };
  }),
  /** One source, or every source without an id. */
  refresh: ownerProcedure.input(z.object({ id: sourceId.optional() }).default({})).mutation(({ ctx, input }) => ctx.services.sources.refresh(input.id)),
});
