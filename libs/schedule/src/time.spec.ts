import fc from 'fast-check';
import { localDate, localDayBounds, localToUtc, offsetAt, utcToLocal } from './time';

const HCM = 'Asia/Ho_Chi_Minh';
const BERLIN = 'Europe/Berlin';
const NY = 'America/New_York';
const H = 3_600_000;

describe('wall-clock time in a zone', () => {
  it('reads Asia/Ho_Chi_Minh as UTC+7 all year', () => {
    expect(localToUtc('2026-01-01T05:30', HCM)).toBe(Date.UTC(2025, 11, 31, 22, 30));
    expect(localToUtc('2026-07-01T05:30:15', HCM)).toBe(Date.UTC(2026, 5, 30, 22, 30, 15));
    expect(utcToLocal(Date.UTC(2025, 11, 31, 22, 30), HCM)).toBe('2026-01-01T05:30:00');
    expect(utcToLocal(Date.UTC(2025, 11, 31, 22, 30, 0, 999), HCM)).toBe('2026-01-01T05:30:00');
    expect(offsetAt(Date.UTC(2026, 6, 1), HCM)).toBe(7 * H);
  });

  it('gives the local date, which changes at local midnight', () => {
    expect(localDate(Date.UTC(2026, 0, 1, 16, 59, 59), HCM)).toBe('2026-01-01');
    expect(localDate(Date.UTC(2026, 0, 1, 17, 0, 0), HCM)).toBe('2026-01-02');
    expect(localDate(Date.UTC(2026, 0, 1, 4, 59), NY)).toBe('2025-12-31');
  });

  it('reads a wall time in a spring-forward gap as the instant after the gap', () => {
    // Berlin 2026-03-29: 02:00 CET jumps to 03:00 CEST; 02:30 does not exist → 03:30 CEST.
    expect(localToUtc('2026-03-29T02:30', BERLIN)).toBe(Date.UTC(2026, 2, 29, 1, 30));
    expect(utcToLocal(localToUtc('2026-03-29T02:30', BERLIN), BERLIN)).toBe('2026-03-29T03:30:00');
    expect(localToUtc('2026-03-29T01:59:59', BERLIN)).toBe(Date.UTC(2026, 2, 29, 0, 59, 59));
    expect(localToUtc('2026-03-29T03:00', BERLIN)).toBe(Date.UTC(2026, 2, 29, 1, 0));
    // New York 2026-03-08: 02:00 EST jumps to 03:00 EDT.
    expect(localToUtc('2026-03-08T02:30', NY)).toBe(Date.UTC(2026, 2, 8, 7, 30));
    expect(utcToLocal(Date.UTC(2026, 2, 8, 7, 30), NY)).toBe('2026-03-08T03:30:00');
  });

  it('reads a wall time in a fall-back overlap as the earlier instant', () => {
    // Berlin 2026-10-25: 03:00 CEST falls back to 02:00 CET; 02:30 happens twice.
    expect(localToUtc('2026-10-25T02:30', BERLIN)).toBe(Date.UTC(2026, 9, 25, 0, 30));
    expect(utcToLocal(Date.UTC(2026, 9, 25, 1, 30), BERLIN)).toBe('2026-10-25T02:30:00');
    expect(localToUtc('2026-10-25T03:00', BERLIN)).toBe(Date.UTC(2026, 9, 25, 2, 0));
    // New York 2026-11-01: 01:30 happens in EDT then EST.
    expect(localToUtc('2026-11-01T01:30', NY)).toBe(Date.UTC(2026, 10, 1, 5, 30));
    expect(utcToLocal(Date.UTC(2026, 10, 1, 6, 30), NY)).toBe('2026-11-01T01:30:00');
  });

  it('bounds local days, 23 or 25 hours long on DST change days', () => {
    const hcm = localDayBounds('2026-01-02', HCM);
    expect(hcm).toEqual({ from: Date.UTC(2026, 0, 1, 17), to: Date.UTC(2026, 0, 2, 17) });
    const spring = localDayBounds('2026-03-29', BERLIN);
    expect(spring.to - spring.from).toBe(23 * H);
    expect(spring.from).toBe(Date.UTC(2026, 2, 28, 23));
    const fall = localDayBounds('2026-10-25', BERLIN);
    expect(fall.to - fall.from).toBe(25 * H);
    const nyFall = localDayBounds('2026-11-01', NY);
    expect(nyFall).toEqual({ from: Date.UTC(2026, 10, 1, 4), to: Date.UTC(2026, 10, 2, 5) });
    expect(localDayBounds('2028-02-29', HCM).from).toBe(Date.UTC(2028, 1, 28, 17));
  });

  it('refuses malformed or impossible times and unknown zones', () => {
    for (const bad of [
      '2026-02-30T05:00',
      '2026-02-29T05:00',
      '2026-13-01T05:00',
      '2026-01-01 05:00',
      '2026-01-01T24:00',
      '2026-01-01T05:60',
      '2026-1-01T05:00',
      '',
    ]) {
      expect(() => localToUtc(bad, HCM)).toThrow(RangeError);
    }
    expect(() => localDayBounds('2026-04-31', HCM)).toThrow(RangeError);
    expect(() => localToUtc('2026-01-01T05:00', 'Mars/Olympus_Mons')).toThrow(RangeError);
    expect(() => utcToLocal(0, 'Nowhere/Else')).toThrow(RangeError);
  });

  it('round-trips every instant (the earlier one of an overlap) in several zones', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1990, 0, 1) / 1000, max: Date.UTC(2060, 0, 1) / 1000 }),
        fc.constantFrom(HCM, BERLIN, NY, 'Australia/Lord_Howe', 'Asia/Kolkata', 'America/Sao_Paulo'),
        (seconds, zone) => {
          const ms = seconds * 1000;
          const local = utcToLocal(ms, zone);
          const back = localToUtc(local, zone);
          expect(utcToLocal(back, zone)).toBe(local);
          expect(back).toBeLessThanOrEqual(ms);
          expect(ms - back).toBeLessThanOrEqual(H); // only in a repeated hour (Lord Howe repeats 30 min)
        },
      ),
      { numRuns: 300 },
    );
  });
});
