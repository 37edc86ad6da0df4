import { humanCode, normalizeCode, sameSecret } from "./tokens";

export type CodeCheck = "ok" | "wrong" | "expired" | "none";

/**
 * A code with an expiry that lives in memory only (a restart issues a new one). A wrong attempt never
 * invalidates it: that would let anyone keep a box from ever being claimed by burning its code. Guessing
 * is limited per client instead (see RateLimiter), which makes 40 bits hopeless to guess online.
 */
export class OneTimeCode {
  private code: string | null = null;
  private expiresAt = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly now = () => Date.now(),
  ) {}

  issue(): string {
    this.code = humanCode();
    this.expiresAt = this.now() + this.ttlMs;
    return this.code;
  }

  get active() {
    return this.code !== null && this.now() < this.expiresAt;
  }

  /** Compares without spending the code. */
  check(attempt: string): CodeCheck {
    if (this.code === null) return "none";
    if (this.now() >= this.expiresAt) {
      this.code = null;
      return "expired";
    }
    return sameSecret(normalizeCode(attempt), normalizeCode(this.code)) ? "ok" : "wrong";
  }

  /** "ok" once for the right code, which is then spent. */
  consume(attempt: string): CodeCheck {
    const result = this.check(attempt);
    if (result === "ok") this.code = null;
    return result;
  }

  clear() {
    this.code = null;
  }
}
