import { initTRPC, TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import { z } from "zod";
import { DomainError, type ErrorCode } from "../errors";
import type { Context } from "./context";

const trpcCode: Record<ErrorCode, TRPC_ERROR_CODE_KEY> = {
  NOT_FOUND: "NOT_FOUND",
  ALREADY_EXISTS: "CONFLICT",
  CONFLICT: "CONFLICT",
  INVALID_INPUT: "BAD_REQUEST",
  UNAUTHORIZED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  ALREADY_CLAIMED: "FORBIDDEN",
  UNAVAILABLE: "SERVICE_UNAVAILABLE",
  EXTERNAL_FAILURE: "BAD_GATEWAY",
  TIMEOUT: "TIMEOUT",
  INTERNAL: "INTERNAL_SERVER_ERROR",
};

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    return {
      ...shape,
      data: {
        ...shape.data,
        stack: undefined,
        domainCode: cause instanceof DomainError ? cause.code : null,
        // Flattened so a form can show each field's message next to the field.
        zodError: cause instanceof z.ZodError ? z.flattenError(cause) : null,
      },
    };
  },
});

// The single place where domain errors become transport errors.
const mapErrors = t.middleware(async ({ next, ctx }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (cause instanceof DomainError) {
      throw new TRPCError({ code: trpcCode[cause.code], message: cause.message, cause });
    }
    if (result.error.code === "INTERNAL_SERVER_ERROR") ctx.log.error({ err: result.error.cause ?? result.error }, "procedure failed");
  }
  return result;
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Anyone, signed in or not. */
export const publicProcedure = t.procedure.use(mapErrors);

/** Only while nobody has claimed this PCC. */
export const setupProcedure = publicProcedure.use(async ({ ctx, next }) => {
  if (await ctx.services.auth.isClaimed()) throw new DomainError("ALREADY_CLAIMED", "This PCC already has an owner.");
  return next();
});

/** The owner, with a valid session. */
export const ownerProcedure = publicProcedure.use(async ({ ctx, next }) => {
  if (!ctx.session) throw new DomainError("UNAUTHORIZED", "Sign in to your PCC first.");
  return next({ ctx: { ...ctx, session: ctx.session } });
});

/** The owner, who proved presence recently: for actions that destroy data. */
export const freshOwnerProcedure = ownerProcedure.use(async ({ ctx, next }) => {
  if (!ctx.services.auth.isFresh(ctx.session)) {
    throw new DomainError("FORBIDDEN", "For your safety, sign in again before doing this.");
  }
  return next();
});
