import { z } from "zod";
import { ownerProcedure, publicProcedure, router, setupProcedure } from "../../trpc/init";

const code = z.string().trim().min(1, "Enter the code").max(64);

export const authRouter = router({
  state: publicProcedure.query(async ({ ctx }) => ({
    claimed: await ctx.services.auth.isClaimed(),
    signedIn: ctx.session !== null,
  })),

  /** Claims an unclaimed PCC with the setup code printed by `./pcc start`. */
  claim: setupProcedure.input(z.object({ code })).mutation(async ({ ctx, input }) => {
    const { cookie } = await ctx.services.auth.claim(input.code);
    ctx.setCookie(cookie);
    return { ok: true as const };
  }),

  /** Signs in with a one-time code from `./pcc login-code` (root on the machine). */
  signIn: publicProcedure.input(z.object({ code })).mutation(async ({ ctx, input }) => {
    const { cookie } = await ctx.services.auth.signInWithCode(input.code);
    ctx.setCookie(cookie);
    return { ok: true as const };
  }),

  signOut: ownerProcedure.mutation(async ({ ctx }) => {
    ctx.setCookie(await ctx.services.auth.signOut(ctx.session));
    return { ok: true as const };
  }),
});
