import { DEFAULT_BACKOFF, retryDelayMs } from './notification-backoff';

describe('delivery retry backoff', () => {
  const exact = () => 0.5; // no jitter: the spread is (0.5 × 2 − 1) × 0.2 = 0

  it('doubles from 10 s and stops at 1 h', () => {
    expect([1, 2, 3, 4, 5].map((a) => retryDelayMs(a, DEFAULT_BACKOFF, exact))).toEqual([
      10_000, 20_000, 40_000, 80_000, 160_000,
    ]);
    expect(retryDelayMs(9, DEFAULT_BACKOFF, exact)).toBe(2_560_000);
    expect(retryDelayMs(10, DEFAULT_BACKOFF, exact)).toBe(3_600_000);
    expect(retryDelayMs(50, DEFAULT_BACKOFF, exact)).toBe(3_600_000);
  });

  it('spreads each delay by at most ±20 %', () => {
    expect(retryDelayMs(1, DEFAULT_BACKOFF, () => 0)).toBe(8_000);
    expect(retryDelayMs(1, DEFAULT_BACKOFF, () => 0.999999)).toBeCloseTo(12_000, -1);
    expect(retryDelayMs(20, DEFAULT_BACKOFF, () => 0)).toBe(2_880_000);
    for (let i = 0; i < 200; i++) {
      const d = retryDelayMs(3, DEFAULT_BACKOFF);
      expect(d).toBeGreaterThanOrEqual(32_000);
      expect(d).toBeLessThanOrEqual(48_000);
    }
  });

  it('takes other timings (tests shorten them)', () => {
    expect(retryDelayMs(3, { baseMs: 50, capMs: 120, jitter: 0 })).toBe(120);
    expect(retryDelayMs(2, { baseMs: 50, capMs: 1000, jitter: 0 })).toBe(100);
  });
});
