/** Retry timing of deliveries: exponential backoff with a cap and jitter. */
export interface BackoffOptions {
  /** Delay after the first failed attempt, ms. */
  baseMs: number;
  /** Longest delay, ms. */
  capMs: number;
  /** Spread of each delay, as a fraction either way (0.2 = ±20 %), so retries of a storm do not align. */
  jitter: number;
}

/** Production timing: 10 s, 20 s, 40 s … up to 1 h, ±20 %. */
export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 10_000, capMs: 3_600_000, jitter: 0.2 };

/** Injection token of the BackoffOptions the sender uses (tests shorten them). */
export const NOTIFY_BACKOFF = Symbol('NOTIFY_BACKOFF');

/**
 * How long to wait after failed attempt number `attempt` (1-based): base × 2^(attempt−1), capped, then
 * spread by the jitter. `random` returns a number in [0, 1).
 */
export function retryDelayMs(
  attempt: number,
  options: BackoffOptions = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(attempt, 1) - 1, 40);
  const delay = Math.min(options.capMs, options.baseMs * 2 ** exponent);
  const spread = 1 + (random() * 2 - 1) * options.jitter;
  return Math.max(0, Math.round(delay * spread));
}
