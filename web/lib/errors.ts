import { TRPCClientError } from "@trpc/client";

type ZodFlat = { formErrors?: string[]; fieldErrors?: Record<string, string[] | undefined> } | null | undefined;

/** Turns anything a tRPC call can throw into one sentence a person can act on. */
export function errorMessage(error: unknown): string | null {
  if (!error) return null;
  if (error instanceof TRPCClientError) {
    // For input validation, tRPC's own message is a JSON dump of issues; the flattened form reads better.
    const zod = (error.data as { zodError?: ZodFlat } | undefined)?.zodError;
    const first = zod?.formErrors?.[0] ?? Object.values(zod?.fieldErrors ?? {}).flat().find(Boolean);
    if (first) return first;
    if (error.message === "Failed to fetch") return "Can't reach your PCC. Is it running?";
    return error.message;
  }
  if (error instanceof Error) return error.message;
  return "Something went wrong.";
}
