// One error taxonomy for the whole server: services throw DomainError with a stable code and a message
// written for the owner; the tRPC middleware and the CLI map codes to transport statuses.
export const errorCodes = {
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  CONFLICT: 409,
  INVALID_INPUT: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  ALREADY_CLAIMED: 409,
  UNAVAILABLE: 503,
  EXTERNAL_FAILURE: 502,
  TIMEOUT: 504,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof errorCodes;

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

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;

export function toMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
