import { z } from "zod";
import { ownerProcedure, publicProcedure, router, setupProcedure } from "../../trpc/init";
import { devicesRouter, pairingRouter, recoveryRouter } from "./devices.router";
import { authenticationResponse, code, deviceName, registrationResponse, requestId } from "./identity.schemas";

export const identityRouter = router({
  state: publicProcedure.query(({ ctx }) => ctx.services.identity.state(ctx.session)),

  /** Claiming: the setup code printed by `./pcc start`, then the owner's first passkey. */
  claim: router({
    begin: setupProcedure.input(z.object({ code })).mutation(({ ctx, input }) => ctx.services.identity.beginClaim(input.code, ctx.client, ctx.bindBrowser())),
    /** Returns the recovery codes: shown once, never again. */
    finish: setupProcedure.input(z.object({ response: registrationResponse, deviceName })).mutation(async ({ ctx, input }) => {
      const { cookie, recoveryCodes } = await ctx.services.identity.finishClaim(input.response, input.deviceName, ctx.client, ctx.bindBrowser());
      ctx.setCookie(cookie);
      return { recoveryCodes };
    }),
  }),

  /** Sign-in with a passkey: the only everyday way in. */
  signIn: router({
    begin: publicProcedure.mutation(({ ctx }) => ctx.services.identity.beginSignIn(ctx.client, ctx.bindBrowser())),
    finish: publicProcedure.input(z.object({ response: authenticationResponse })).mutation(async ({ ctx, input }) => {
      const { cookie } = await ctx.services.identity.finishSignIn(input.response, ctx.client, ctx.bindBrowser());
      ctx.setCookie(cookie);
      return { ok: true as const };
    }),
  }),

  /** A fresh passkey check, for the fresh-owner tier. */
  stepUp: router({
    begin: ownerProcedure.mutation(({ ctx }) => ctx.services.identity.beginStepUp(ctx.session)),
    finish: ownerProcedure.input(z.object({ response: authenticationResponse })).mutation(({ ctx, input }) => ctx.services.identity.finishStepUp(ctx.session, input.response)),
  }),

  /** Sign-in by a code from root's CLI (`./pcc login-code ABCD`), for this browser only. */
  loginRequest: router({
    create: publicProcedure.mutation(({ ctx }) => ctx.services.identity.loginRequests.create(ctx.bindBrowser(), ctx.client)),
    status: publicProcedure.input(z.object({ requestId })).query(({ ctx, input }) => ctx.services.identity.loginRequests.status(input.requestId, ctx.bindBrowser())),
    redeem: publicProcedure.input(z.object({ requestId, code })).mutation(async ({ ctx, input }) => {
      const { cookie } = await ctx.services.identity.loginRequests.redeem(input.requestId, input.code, ctx.bindBrowser(), ctx.client);
      ctx.setCookie(cookie);
      return { ok: true as const };
    }),
  }),

  signOut: ownerProcedure.mutation(async ({ ctx }) => {
    ctx.setCookie(await ctx.services.identity.signOut(ctx.session, ctx.client));
    return { ok: true as const };
  }),

  pairing: pairingRouter,
  recovery: recoveryRouter,
  devices: devicesRouter,
});
