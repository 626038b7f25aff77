import fc from 'fast-check';
import { scheduledMs } from './daily';

describe('scheduledMs', () => {
  it('sums the union of intervals clipped to the window', () => {
    const w = { from: 100, to: 200 };
    expect(scheduledMs([], w)).toBe(0);
    expect(scheduledMs([{ start: 110, end: 120 }], w)).toBe(10);
    expect(scheduledMs([{ start: 50, end: 120 }], w)).toBe(20);
    expect(scheduledMs([{ start: 190, end: 300 }], w)).toBe(10);
    expect(scheduledMs([{ start: 0, end: 1000 }], w)).toBe(100);
    expect(
      scheduledMs(
        [
          { start: 0, end: 100 },
          { start: 200, end: 300 },
        ],
        w,
      ),
    ).toBe(0);
    // Overlaps count once; touching intervals join.
    expect(
      scheduledMs(
        [
          { start: 150, end: 160 },
          { start: 110, end: 130 },
          { start: 120, end: 140 },
          { start: 140, end: 145 },
          { start: 155, end: 158 },
        ],
        w,
      ),
    ).toBe(45);
  });

  it('matches a count of covered milliseconds', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 60 })), {
          maxLength: 15,
        }),
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0, max: 300 }),
        (spans, a, b) => {
          const w = { from: Math.min(a, b), to: Math.max(a, b) };
          const occ = spans.map(([s, d]) => ({ start: s, end: s + d }));
          let covered = 0;
          for (let t = w.from; t < w.to; t++) if (occ.some((o) => o.start <= t && t < o.end)) covered++;
          expect(scheduledMs(occ, w)).toBe(covered);
        },
      ),
    );
  });
});
