import fc from 'fast-check';
import { TokenBucket } from './rate-limiter';

describe('TokenBucket', () => {
  it('allows a burst at once, then refuses until time refills it', () => {
    const bucket = new TokenBucket({ ratePerS: 2, burst: 3 }, 0);
    expect([1, 2, 3, 4].map(() => bucket.take(0))).toEqual([true, true, true, false]);
    expect(bucket.take(499)).toBe(false); // 0.998 of a token
    expect(bucket.take(500)).toBe(true);
    expect(bucket.take(500)).toBe(false);
  });

  it('never holds more than the burst, however long it rests', () => {
    const bucket = new TokenBucket({ ratePerS: 10, burst: 5 }, 0);
    expect(bucket.available(3_600_000)).toBe(5);
    let granted = 0;
    while (bucket.take(3_600_000)) granted++;
    expect(granted).toBe(5);
  });

  it('gains nothing from a clock that goes backwards', () => {
    const bucket = new TokenBucket({ ratePerS: 1, burst: 1 }, 10_000);
    expect(bucket.take(10_000)).toBe(true);
    expect(bucket.take(5_000)).toBe(false);
    expect(bucket.take(10_999)).toBe(false);
    expect(bucket.take(11_000)).toBe(true);
  });

  it('refuses a limit that could never grant anything', () => {
    expect(() => new TokenBucket({ ratePerS: 0, burst: 10 }, 0)).toThrow(RangeError);
    expect(() => new TokenBucket({ ratePerS: 1, burst: 0 }, 0)).toThrow(RangeError);
  });

  it('grants at most burst + rate × elapsed, whatever the timing of the attempts', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1, max: 500 }),
        fc.array(fc.integer({ min: 0, max: 2000 }), { minLength: 1, maxLength: 300 }),
        (ratePerS, burst, gaps) => {
          const bucket = new TokenBucket({ ratePerS, burst }, 0);
          let now = 0;
          let granted = 0;
          for (const gap of gaps) {
            now += gap;
            if (bucket.take(now)) granted++;
          }
          expect(granted).toBeLessThanOrEqual(burst + (ratePerS * now) / 1000 + 1e-9);
        },
      ),
    );
  });

  it('never refuses a client that keeps within the rate', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1, max: 500 }),
        fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 300 }),
        (ratePerS, burst, extra) => {
          const bucket = new TokenBucket({ ratePerS, burst }, 0);
          const interval = Math.ceil(1000 / ratePerS);
          let now = 0;
          for (const ms of extra) {
            now += interval + ms;
            expect(bucket.take(now)).toBe(true);
          }
        },
      ),
    );
  });
});
