// One error taxonomy for the whole server: services throw DomainError with a stable code and a message
// written for the owner; the tRPC middleware (trpc/init.ts) and the CLI map codes to their transports.
export type ErrorCode =
  | "NOT_FOUND"
  | "ALREADY_EXISTS"
  | "CONFLICT"
  | "INVALID_INPUT"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "ALREADY_CLAIMED"
  /** The owner is signed in but must prove presence again (a passkey) first: the shell steps up and retries. */
  | "FRESH_AUTH_REQUIRED"
  | "RATE_LIMITED"
  | "UNAVAILABLE"
  | "EXTERNAL_FAILURE"
  | "TIMEOUT"
  | "INTERNAL";

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "DomainError";
  }
}

export function toMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
