import { z } from "zod";
import { freshOwnerProcedure, ownerProcedure, publicProcedure, router } from "../../trpc/init";
import { code, deviceName, pairingId, recordId, registrationResponse } from "./identity.schemas";

/** A new device joins: it starts (public, bound to its browser), the owner approves (fresh passkey check). */
export const pairingRouter = router({
  start: publicProcedure.mutation(({ ctx }) => ctx.services.identity.pairing.start(ctx.bindBrowser(), ctx.client)),
  status: publicProcedure.input(z.object({ pairingId })).query(({ ctx, input }) => ctx.services.identity.pairing.status(input.pairingId, ctx.bindBrowser())),
  describe: ownerProcedure.input(z.object({ pairingId })).query(({ ctx, input }) => ctx.services.identity.pairing.describe(input.pairingId)),
  approve: freshOwnerProcedure
    .input(z.object({ pairingId, matchCode: z.string().trim().min(1, "Enter the code").max(12) }))
    .mutation(({ ctx, input }) => ctx.services.identity.pairing.approve(input.pairingId, input.matchCode, ctx.session, ctx.client)),
  registerBegin: publicProcedure.input(z.object({ pairingId })).mutation(({ ctx, input }) => ctx.services.identity.pairing.beginRegistration(input.pairingId, ctx.bindBrowser())),
  registerFinish: publicProcedure.input(z.object({ pairingId, response: registrationResponse, deviceName })).mutation(async ({ ctx, input }) => {
    const { cookie } = await ctx.services.identity.pairing.finishRegistration(input.pairingId, input.response, input.deviceName, ctx.bindBrowser(), ctx.client);
    ctx.setCookie(cookie);
    return { ok: true as const };
  }),
});

/** Lost phone: a recovery code, a new passkey, and every old device is gone. */
export const recoveryRouter = router({
  begin: publicProcedure.input(z.object({ code })).mutation(({ ctx, input }) => ctx.services.identity.recovery.begin(input.code, ctx.client, ctx.bindBrowser())),
  finish: publicProcedure.input(z.object({ response: registrationResponse, deviceName })).mutation(async ({ ctx, input }) => {
    const { cookie, remaining } = await ctx.services.identity.recovery.finish(input.response, input.deviceName, ctx.client, ctx.bindBrowser());
    ctx.setCookie(cookie);
    return { remaining };
  }),
  status: ownerProcedure.query(({ ctx }) => ctx.services.identity.recovery.status(ctx.session)),
  regenerate: freshOwnerProcedure.mutation(({ ctx }) => ctx.services.identity.recovery.regenerate(ctx.session, ctx.client)),
});

export const devicesRouter = router({
  list: ownerProcedure.query(({ ctx }) => ctx.services.identity.devices.list(ctx.session)),
  rename: ownerProcedure.input(z.object({ deviceId: recordId, name: z.string().trim().min(1, "Enter a name").max(60) })).mutation(async ({ ctx, input }) => {
    await ctx.services.identity.devices.rename(ctx.session, input.deviceId, input.name, ctx.client);
    return { ok: true as const };
  }),
  revoke: freshOwnerProcedure.input(z.object({ deviceId: recordId })).mutation(async ({ ctx, input }) => {
    await ctx.services.identity.devices.revoke(ctx.session, input.deviceId, ctx.client);
    return { ok: true as const };
  }),
  endSession: ownerProcedure.input(z.object({ sessionId: recordId })).mutation(async ({ ctx, input }) => {
    const { clearCookie } = await ctx.services.identity.devices.endSession(ctx.session, input.sessionId, ctx.client);
    if (clearCookie) ctx.setCookie(clearCookie);
    return { signedOut: clearCookie !== null };
  }),
  /** A passkey for this device (one that signed in with a CLI code): a device credential, so fresh-owner. */
  addPasskeyBegin: freshOwnerProcedure.mutation(({ ctx }) => ctx.services.identity.devices.beginAddPasskey(ctx.session)),
  addPasskeyFinish: ownerProcedure.input(z.object({ response: registrationResponse })).mutation(async ({ ctx, input }) => {
    await ctx.services.identity.devices.finishAddPasskey(ctx.session, input.response, ctx.client);
    return { ok: true as const };
  }),
});
