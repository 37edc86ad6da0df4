import { z } from "zod";
import { ownerProcedure, router } from "../../trpc/init";
import { actorOf } from "../identity/identity-core";
import { CARD_MAX_BYTES } from "./card.schema";

const id = z.string().uuid();

/** Contacts: the owner's public card, and friends' PCCs read by their domain. Owner only; the card itself is public over HTTP. */
export const contactsRouter = router({
  myCard: ownerProcedure.query(({ ctx }) => ctx.services.contacts.myCard()),
  updateMyCard: ownerProcedure
    .input(
      z.object({
        displayName: z.string().max(80),
        // Checked by its bytes in the service; this only keeps a huge upload from being parsed.
        avatar: z.string().max(CARD_MAX_BYTES).nullable(),
        listed: z.array(z.string().max(400)).max(50),
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.contacts.updateMyCard(input, { actor: actorOf(ctx.session), ip: ctx.client.ip })),
  list: ownerProcedure.query(({ ctx }) => ctx.services.contacts.list()),
  add: ownerProcedure.input(z.object({ domain: z.string().max(300) })).mutation(({ ctx, input }) => ctx.services.contacts.add(input.domain)),
  refresh: ownerProcedure.input(z.object({ id })).mutation(({ ctx, input }) => ctx.services.contacts.refresh(input.id)),
  remove: ownerProcedure.input(z.object({ id })).mutation(({ ctx, input }) => ctx.services.contacts.remove(input.id)),
});
