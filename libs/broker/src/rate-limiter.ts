/** How many publishes one client may make: `burst` at once, refilled at `ratePerS` per second. */
export interface RateLimit {
  ratePerS: number;
  burst: number;
}

/**
 * A token bucket: it starts full with `burst` tokens and gains `ratePerS` tokens a second, never holding more
 * than `burst`. Each take() spends one token, or answers false when less than one is left. Time is passed in
 * (milliseconds from any monotonic clock), so the bucket is pure and tests need no timers.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly limit: RateLimit,
    nowMs: number,
  ) {
    if (!(limit.ratePerS > 0) || !(limit.burst >= 1))
      throw new RangeError(
        `rate limit needs ratePerS > 0 and burst >= 1 (got ${limit.ratePerS}/${limit.burst})`,
      );
    this.tokens = limit.burst;
    this.last = nowMs;
  }

  /** Spends one token if there is one. A clock that goes backwards adds nothing. */
  take(nowMs: number): boolean {
    this.refill(nowMs);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Whole tokens available at `nowMs` (for tests and diagnostics). */
  available(nowMs: number): number {
    this.refill(nowMs);
    return Math.floor(this.tokens);
  }

  private refill(nowMs: number): void {
    const elapsedMs = nowMs - this.last;
    if (elapsedMs <= 0) return;
    this.tokens = Math.min(this.limit.burst, this.tokens + (elapsedMs * this.limit.ratePerS) / 1000);
    this.last = nowMs;
  }
}
