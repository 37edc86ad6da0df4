import { initTRPC, TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import { z } from "zod";
import { DomainError, type ErrorCode } from "../errors";
import type { Session } from "../modules/identity/sessions";
import type { Context } from "./context";

const trpcCode: Record<ErrorCode, TRPC_ERROR_CODE_KEY> = {
  NOT_FOUND: "NOT_FOUND",
  ALREADY_EXISTS: "CONFLICT",
  CONFLICT: "CONFLICT",
  INVALID_INPUT: "BAD_REQUEST",
  UNAUTHORIZED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  ALREADY_CLAIMED: "FORBIDDEN",
  FRESH_AUTH_REQUIRED: "FORBIDDEN",
  RATE_LIMITED: "TOO_MANY_REQUESTS",
  UNAVAILABLE: "SERVICE_UNAVAILABLE",
  EXTERNAL_FAILURE: "BAD_GATEWAY",
  TIMEOUT: "TIMEOUT",
  INTERNAL: "INTERNAL_SERVER_ERROR",
};

/** Who may call a procedure. Every procedure gets one from the builder it starts from (below). */
export type Tier = "public" | "setup" | "owner" | "fresh-owner";
export type Meta = { tier: Tier };

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    errorFormatter({ shape, error }) {
      const cause = error.cause;
      return {
        ...shape,
        // tRPC's own message for bad input is the issues as JSON; a person reads this one.
        message: cause instanceof z.ZodError ? inputMessage(cause) : shape.message,
        data: {
          ...shape.data,
          stack: undefined,
          // The shell keys on this: FRESH_AUTH_REQUIRED runs a passkey step-up and retries.
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
export const publicProcedure = t.procedure.use(mapErrors).meta({ tier: "public" });

/** Only while nobody has claimed this PCC. */
export const setupProcedure = publicProcedure.meta({ tier: "setup" }).use(async ({ ctx, next }) => {
  if (await ctx.services.identity.isClaimed()) throw new DomainError("ALREADY_CLAIMED", "This PCC already has an owner.");
  return next();
});

/** The owner, with a valid session. */
export const ownerProcedure = publicProcedure.meta({ tier: "owner" }).use(async ({ ctx, next }) => {
  if (!ctx.session) throw new DomainError("UNAUTHORIZED", "Sign in to your PCC first.");
  return next({ ctx: { ...ctx, session: ctx.session } });
});

/**
 * Throws FRESH_AUTH_REQUIRED unless the session passed a passkey check within the last few minutes.
 * The fresh-owner tier below uses it; a procedure whose input decides (apps.remove purges data only
 * when asked) calls it itself.
 */
export function requireFreshOwner(ctx: { services: Context["services"]; session: Session }) {
  if (!ctx.services.identity.sessions.isFresh(ctx.session)) {
    throw new DomainError("FRESH_AUTH_REQUIRED", "Confirm it's you with your passkey to do this.");
  }
}

/**
 * The owner, who proved presence with a passkey in the last 5 minutes: installing an app that asks for
 * permissions, granting permissions, purging data, adding a device, adding a catalog source, changing
 * the domain.
 */
export const freshOwnerProcedure = ownerProcedure.meta({ tier: "fresh-owner" }).use(async ({ ctx, next }) => {
  requireFreshOwner(ctx);
  return next();
});

function inputMessage(err: z.ZodError): string {
  const lines = err.issues.slice(0, 5).map((i) => (i.path.length ? `${i.path.join(".")}: ${issueText(i)}` : issueText(i)));
  return `Invalid input: ${lines.join("; ")}${err.issues.length > 5 ? ` (and ${err.issues.length - 5} more)` : ""}`;
}

/** A union's own message is just "Invalid input"; say which kinds of value it takes. */
function issueText(i: z.core.$ZodIssue): string {
  if (i.code !== "invalid_union") return i.message;
  const expected = [...new Set(i.errors.flat().flatMap((e) => (e.code === "invalid_type" ? [e.expected] : [])))];
  return expected.length ? `expected ${expected.join(" or ")}` : i.message;
}
