/**
 * Login attempts per client address in a sliding minute, in memory. Account lockout (in the database)
 * stops guessing one password; this stops one address from spraying many accounts.
 */
export class LoginThrottle {
  private readonly attempts = new Map<string, number[]>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records an attempt; returns the seconds to wait when over the limit (the attempt is not counted). */
  take(address: string): number {
    const now = this.now();
    const recent = (this.attempts.get(address) ?? []).filter((t) => now - t < 60_000);
    if (recent.length >= this.perMinute) {
      this.attempts.set(address, recent);
      return Math.max(1, Math.ceil((recent[0] + 60_000 - now) / 1000));
    }
    recent.push(now);
    this.attempts.set(address, recent);
    if (this.attempts.size > 10_000) this.sweep(now);
    return 0;
  }

  private sweep(now: number): void {
    for (const [address, times] of this.attempts)
      if (times.every((t) => now - t >= 60_000)) this.attempts.delete(address);
  }
}
