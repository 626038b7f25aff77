import fc from 'fast-check';
import { FETCH_MIN_MARGIN_MS, fetchFrom, fetchMarginMs } from './fetch-spread';

const MIN = 60_000;
const H = 3_600_000;
const SHA = 'a3f1c9e2b7d4058f6a1e3c5b7d9f0e2a4c6b8d0f1e3a5c7b9d1f3e5a7c9b1d3f';
const NOW = Date.UTC(2026, 0, 1);

describe('fetchFrom', () => {
  const base = {
    clusterId: 'c-1',
    sha256: SHA,
    now: NOW,
    firstUse: NOW + 24 * H,
    spreadS: 6 * 3600,
    sizeBytes: 1_000_000,
  };

  it('is deterministic and differs between clusters and files', () => {
    expect(fetchFrom(base)).toBe(fetchFrom({ ...base }));
    const clusters = new Set(
      Array.from({ length: 50 }, (_, i) => fetchFrom({ ...base, clusterId: `c-${i}` })),
    );
    expect(clusters.size).toBeGreaterThan(45);
    expect(fetchFrom({ ...base, sha256: SHA.replace('a3', 'b3') })).not.toBe(fetchFrom(base));
  });

  it('stays within [now, min(now + spread, firstUse - margin))', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.integer({ min: -2 * 24 * 60, max: 7 * 24 * 60 }).map((m) => NOW + m * MIN),
        fc.integer({ min: 0, max: 48 * 3600 }),
        fc.integer({ min: 0, max: 500_000_000 }),
        (clusterId, firstUse, spreadS, sizeBytes) => {
          const t = fetchFrom({ clusterId, sha256: SHA, now: NOW, firstUse, spreadS, sizeBytes });
          expect(t).toBeLessThanOrEqual(firstUse);
          const latest = Math.min(firstUse - fetchMarginMs(sizeBytes), NOW + spreadS * 1000);
          if (latest <= NOW) expect(t).toBe(Math.min(NOW, firstUse));
          else {
            expect(t).toBeGreaterThanOrEqual(NOW);
            expect(t).toBeLessThan(latest);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('keeps a margin of at least 15 minutes, more for big files at 20 kB/s', () => {
    expect(fetchMarginMs(0)).toBe(FETCH_MIN_MARGIN_MS);
    expect(fetchMarginMs(1_000_000)).toBe(15 * MIN); // 50 s of transfer
    expect(fetchMarginMs(100_000_000)).toBe(5_000_000); // 100 MB → 5000 s
    const big = { ...base, sizeBytes: 100_000_000, firstUse: NOW + 2 * H, spreadS: 48 * 3600 };
    for (let i = 0; i < 200; i++) {
      expect(fetchFrom({ ...big, clusterId: `c-${i}` })).toBeLessThan(big.firstUse - 5_000_000);
    }
  });

  it('answers now when there is no room to spread', () => {
    expect(fetchFrom({ ...base, firstUse: NOW + 15 * MIN })).toBe(NOW);
    expect(fetchFrom({ ...base, firstUse: NOW + 10 * MIN })).toBe(NOW);
    expect(fetchFrom({ ...base, spreadS: 0 })).toBe(NOW);
    // Already needed: never after firstUse.
    expect(fetchFrom({ ...base, firstUse: NOW - H })).toBe(NOW - H);
  });

  it('spreads 1,000 clusters evenly over the window', () => {
    const spreadS = 6 * 3600;
    const tenths = new Array<number>(10).fill(0);
    for (let i = 0; i < 1000; i++) {
      const t = fetchFrom({ ...base, clusterId: `079${String(i).padStart(5, '0')}-loa`, spreadS });
      tenths[Math.floor(((t - NOW) / (spreadS * 1000)) * 10)]++;
    }
    expect(tenths.reduce((a, b) => a + b, 0)).toBe(1000);
    for (const n of tenths) {
      expect(n).toBeGreaterThanOrEqual(70);
      expect(n).toBeLessThanOrEqual(130);
    }
    // The window ends at firstUse − margin when that comes first.
    const short = Array.from({ length: 1000 }, (_, i) =>
      fetchFrom({ ...base, clusterId: `k${i}`, firstUse: NOW + H }),
    );
    expect(Math.max(...short)).toBeLessThan(NOW + 45 * MIN);
    expect(Math.max(...short)).toBeGreaterThan(NOW + 40 * MIN);
  });
});
