import { humanCode, normalizeCode, sameSecret } from "./tokens";

/**
 * A single-use code with an expiry and an attempt budget: after too many wrong tries it is burnt, so
 * guessing 40 bits online is hopeless. Lives in memory only; a restart issues a new one.
 */
export class OneTimeCode {
  private code: string | null = null;
  private expiresAt = 0;
  private failures = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxFailures = 10,
    private readonly now = () => Date.now(),
  ) {}

  issue(): string {
    this.code = humanCode();
    this.expiresAt = this.now() + this.ttlMs;
    this.failures = 0;
    return this.code;
  }

  get active() {
    return this.code !== null && this.now() < this.expiresAt;
  }

  /** "ok", or why not; a correct code works once. */
  consume(attempt: string): "ok" | "wrong" | "expired" | "none" {
    if (this.code === null) return "none";
    if (this.now() >= this.expiresAt) {
      this.code = null;
      return "expired";
    }
    if (sameSecret(normalizeCode(attempt), normalizeCode(this.code))) {
      this.code = null;
      return "ok";
    }
    if (++this.failures >= this.maxFailures) this.code = null;
    return "wrong";
  }
}
