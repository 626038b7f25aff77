import fc from 'fast-check';
import { RRule } from 'rrule';
import { scheduledMs } from './daily';
import {
  MAX_OCCURRENCES,
  RecurrenceError,
  checkRecurrence,
  expand,
  limitPeriods,
  occurrenceId,
  parseOccurrenceId,
  type Occurrence,
  type RecurrenceSpec,
} from './recurrence';
import { localDayBounds, localToUtc, utcToLocal } from './time';

const HCM = 'Asia/Ho_Chi_Minh';
const BERLIN = 'Europe/Berlin';
const NY = 'America/New_York';
const MIN = 60_000;
const H = 3_600_000;
const DAY = 86_400_000;

const win = (from: string, to: string, tz = HCM) => ({ from: localToUtc(from, tz), to: localToUtc(to, tz) });
const locals = (occ: readonly Occurrence[], tz = HCM) => occ.map((o) => utcToLocal(o.start, tz));
const dates = (occ: readonly Occurrence[], tz = HCM) => locals(occ, tz).map((l) => l.slice(0, 10));
const daily = (extra: Partial<RecurrenceSpec> = {}): RecurrenceSpec => ({
  start: '2026-01-01T05:30',
  timeZone: HCM,
  rrule: 'FREQ=DAILY',
  ...extra,
});
const JAN_WEEK = win('2026-01-01T00:00', '2026-01-08T00:00');

describe('expand', () => {
  it('lists a one-off broadcast once, when it overlaps the window', () => {
    const spec = { start: '2026-01-05T05:30', timeZone: HCM };
    const key = Date.UTC(2026, 0, 4, 22, 30);
    expect(expand(spec, 15 * MIN, JAN_WEEK)).toEqual([
      { key, start: key, end: key + 15 * MIN, moved: false },
    ]);
    expect(expand({ ...spec, rrule: null }, 15 * MIN, JAN_WEEK)).toHaveLength(1);
    expect(expand({ ...spec, rrule: '  ' }, 15 * MIN, JAN_WEEK)).toHaveLength(1);
    // Half-open: ending exactly at the window start, or starting exactly at its end, is outside.
    expect(expand(spec, 15 * MIN, { from: key + 15 * MIN, to: key + DAY })).toEqual([]);
    expect(expand(spec, 15 * MIN, { from: key - DAY, to: key })).toEqual([]);
    expect(expand(spec, 15 * MIN, { from: key + 15 * MIN - 1, to: key + DAY })).toHaveLength(1);
    expect(expand(spec, 15 * MIN, { from: key, to: key })).toEqual([]);
  });

  it('repeats daily at the same local time in Asia/Ho_Chi_Minh, however old the start', () => {
    const expected = [0, 1, 2, 3, 4, 5, 6].map((i) => Date.UTC(2025, 11, 31, 22, 30) + i * DAY);
    for (const start of ['2026-01-01T05:30', '2016-01-01T05:30', '1999-06-15T05:30']) {
      const occ = expand(daily({ start }), 20 * MIN, JAN_WEEK);
      expect(occ.map((o) => o.start)).toEqual(expected);
      expect(occ.map((o) => o.key)).toEqual(expected);
      expect(occ.every((o) => o.end === o.start + 20 * MIN && !o.moved)).toBe(true);
    }
  });

  it('repeats weekly on the named days', () => {
    const spec = daily({ start: '2025-12-01T05:30', rrule: 'FREQ=WEEKLY;BYDAY=MO,WE,FR' });
    expect(dates(expand(spec, 30 * MIN, win('2026-01-01T00:00', '2026-01-15T00:00')))).toEqual([
      '2026-01-02',
      '2026-01-05',
      '2026-01-07',
      '2026-01-09',
      '2026-01-12',
      '2026-01-14',
    ]);
    // Without BYDAY a weekly rule keeps the start's weekday (Monday 2025-12-01).
    expect(
      dates(expand({ ...spec, rrule: 'FREQ=WEEKLY' }, MIN, win('2026-01-01T00:00', '2026-01-15T00:00'))),
    ).toEqual(['2026-01-05', '2026-01-12']);
  });

  it('keeps every other week counted from the start, years later', () => {
    const spec = daily({ start: '2020-01-07T05:30', rrule: 'FREQ=WEEKLY;INTERVAL=2' }); // a Tuesday
    const occ = expand(spec, MIN, win('2026-01-01T00:00', '2026-01-29T00:00'));
    expect(dates(occ)).toEqual(['2026-01-13', '2026-01-27']);
    const first = localToUtc(spec.start, HCM);
    expect(occ.every((o) => (o.key - first) % (14 * DAY) === 0)).toBe(true);
    // Week starts matter for multi-day weekly rules with an interval (RFC 5545 WKST example).
    const mo = expand(
      {
        start: '1997-08-05T09:00',
        timeZone: 'UTC',
        rrule: 'FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO',
      },
      MIN,
      { from: Date.UTC(1997, 0), to: Date.UTC(1998, 0) },
    );
    const su = expand(
      {
        start: '1997-08-05T09:00',
        timeZone: 'UTC',
        rrule: 'FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU',
      },
      MIN,
      { from: Date.UTC(1997, 0), to: Date.UTC(1998, 0) },
    );
    expect(dates(mo, 'UTC')).toEqual(['1997-08-05', '1997-08-10', '1997-08-19', '1997-08-24']);
    expect(dates(su, 'UTC')).toEqual(['1997-08-05', '1997-08-17', '1997-08-19', '1997-08-31']);
  });

  it('skips months without the 31st, and -1 is the last day of every month', () => {
    const year = win('2026-01-01T00:00', '2027-01-01T00:00');
    const on31 = [
      '2026-01-31',
      '2026-03-31',
      '2026-05-31',
      '2026-07-31',
      '2026-08-31',
      '2026-10-31',
      '2026-12-31',
    ];
    expect(dates(expand(daily({ rrule: 'FREQ=MONTHLY;BYMONTHDAY=31' }), MIN, year))).toEqual(on31);
    // Without BYMONTHDAY a monthly rule keeps the start's day, and so skips the same months.
    expect(dates(expand(daily({ start: '2026-01-31T05:30', rrule: 'FREQ=MONTHLY' }), MIN, year))).toEqual(
      on31,
    );
    expect(dates(expand(daily({ start: '2019-01-31T05:30', rrule: 'FREQ=MONTHLY' }), MIN, year))).toEqual(
      on31,
    );

    const last = expand(
      daily({ rrule: 'FREQ=MONTHLY;BYMONTHDAY=-1' }),
      MIN,
      win('2026-01-01T00:00', '2028-04-01T00:00'),
    );
    expect(last).toHaveLength(27);
    expect(dates(last).filter((d) => d.slice(5, 7) === '02')).toEqual([
      '2026-02-28',
      '2027-02-28',
      '2028-02-29',
    ]);
    expect(dates(last).slice(0, 4)).toEqual(['2026-01-31', '2026-02-28', '2026-03-31', '2026-04-30']);
  });

  it('picks ordinal weekdays and set positions within the month', () => {
    const q1 = win('2026-01-01T00:00', '2026-04-01T00:00');
    expect(dates(expand(daily({ rrule: 'FREQ=MONTHLY;BYDAY=2MO' }), MIN, q1))).toEqual([
      '2026-01-12',
      '2026-02-09',
      '2026-03-09',
    ]);
    expect(dates(expand(daily({ rrule: 'FREQ=MONTHLY;BYDAY=-1FR' }), MIN, q1))).toEqual([
      '2026-01-30',
      '2026-02-27',
      '2026-03-27',
    ]);
    const lastWorkday = daily({
      start: '2020-01-01T05:30',
      rrule: 'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1',
    });
    expect(dates(expand(lastWorkday, MIN, win('2026-01-01T00:00', '2026-06-01T00:00')))).toEqual([
      '2026-01-30',
      '2026-02-27',
      '2026-03-31',
      '2026-04-30',
      '2026-05-29',
    ]);
  });

  it('plays on 29 February only in leap years', () => {
    const spec = daily({ start: '2025-01-01T06:00', rrule: 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29' });
    const years = win('2025-01-01T00:00', '2037-01-01T00:00');
    expect(locals(expand(spec, MIN, years))).toEqual([
      '2028-02-29T06:00:00',
      '2032-02-29T06:00:00',
      '2036-02-29T06:00:00',
    ]);
    expect(dates(expand(spec, MIN, win('2029-01-01T00:00', '2033-01-01T00:00')))).toEqual(['2032-02-29']);
    // A yearly rule starting on 29 February keeps that day.
    const fromLeapDay = daily({ start: '2024-02-29T06:00', rrule: 'FREQ=YEARLY' });
    expect(dates(expand(fromLeapDay, MIN, years))).toEqual(['2028-02-29', '2032-02-29', '2036-02-29']);
  });

  it('keeps local wall time across DST changes (Europe/Berlin, America/New_York)', () => {
    const berlin = daily({ start: '2026-03-20T05:30', timeZone: BERLIN });
    const spring = expand(berlin, 30 * MIN, win('2026-03-25T00:00', '2026-04-02T00:00', BERLIN));
    expect(spring).toHaveLength(8);
    expect(locals(spring, BERLIN).every((l) => l.endsWith('T05:30:00'))).toBe(true);
    expect(spring[3].start).toBe(Date.UTC(2026, 2, 28, 4, 30)); // CET, UTC+1
    expect(spring[4].start).toBe(Date.UTC(2026, 2, 29, 3, 30)); // CEST, UTC+2
    // Same answer when the rule started years before (the walk is shifted forward, not replayed).
    expect(
      expand(
        { ...berlin, start: '2012-03-20T05:30' },
        30 * MIN,
        win('2026-03-25T00:00', '2026-04-02T00:00', BERLIN),
      ),
    ).toEqual(spring);

    const ny = { start: '2026-10-04T05:30', timeZone: NY, rrule: 'FREQ=WEEKLY;BYDAY=SU' };
    const fall = expand(ny, 30 * MIN, win('2026-10-20T00:00', '2026-11-20T00:00', NY));
    expect(dates(fall, NY)).toEqual(['2026-10-25', '2026-11-01', '2026-11-08', '2026-11-15']);
    expect(locals(fall, NY).every((l) => l.endsWith('T05:30:00'))).toBe(true);
    expect(fall.map((o) => new Date(o.start).getUTCHours())).toEqual([9, 10, 10, 10]);
  });

  it('moves a start inside a DST gap to just after it, and takes the first of a repeated hour', () => {
    const at0230 = daily({ start: '2026-03-27T02:30', timeZone: BERLIN });
    const spring = expand(at0230, 10 * MIN, win('2026-03-27T00:00', '2026-03-31T00:00', BERLIN));
    expect(locals(spring, BERLIN)).toEqual([
      '2026-03-27T02:30:00',
      '2026-03-28T02:30:00',
      '2026-03-29T03:30:00',
      '2026-03-30T02:30:00',
    ]);
    const fall = expand(
      { ...at0230, start: '2026-10-24T02:30' },
      10 * MIN,
      win('2026-10-25T00:00', '2026-10-26T00:00', BERLIN),
    );
    expect(fall.map((o) => o.start)).toEqual([Date.UTC(2026, 9, 25, 0, 30)]);
    // An hourly rule through the gap: 02:30 would land on 03:30, which is listed once.
    const hourly = expand(
      { ...at0230, start: '2026-03-29T00:30', rrule: 'FREQ=HOURLY' },
      10 * MIN,
      win('2026-03-29T00:00', '2026-03-29T06:00', BERLIN),
    );
    expect(locals(hourly, BERLIN)).toEqual([
      '2026-03-29T00:30:00',
      '2026-03-29T01:30:00',
      '2026-03-29T03:30:00',
      '2026-03-29T04:30:00',
      '2026-03-29T05:30:00',
    ]);
  });

  describe('a 23:30 programme of 60 minutes crosses midnight', () => {
    const late = daily({ start: '2026-01-01T23:30' });

    it('is listed in the window of the day it ends in', () => {
      const day3 = localDayBounds('2026-01-03', HCM);
      const occ = expand(late, 60 * MIN, day3);
      expect(locals(occ)).toEqual(['2026-01-02T23:30:00', '2026-01-03T23:30:00']);
      expect(occ[0].start).toBeLessThan(day3.from); // the occurrence itself is not clipped
      expect(scheduledMs(occ, day3)).toBe(60 * MIN); // 00:00–00:30 + 23:30–24:00
    });

    it('counts validUntil and validFrom by the local start date', () => {
      const bounded = { ...late, validFrom: '2026-01-03', validUntil: '2026-01-05' };
      expect(locals(expand(bounded, 60 * MIN, localDayBounds('2026-01-06', HCM)))).toEqual([
        '2026-01-05T23:30:00',
      ]);
      expect(locals(expand(bounded, 60 * MIN, localDayBounds('2026-01-03', HCM)))).toEqual([
        '2026-01-03T23:30:00',
      ]);
      expect(dates(expand(bounded, 60 * MIN, win('2026-01-01T00:00', '2026-01-10T00:00')))).toEqual([
        '2026-01-03',
        '2026-01-04',
        '2026-01-05',
      ]);
    });

    it('splits a one-off over two local days', () => {
      const once = expand(
        { start: '2026-01-01T23:30', timeZone: HCM },
        60 * MIN,
        win('2026-01-01T00:00', '2026-01-03T00:00'),
      );
      expect(once).toHaveLength(1);
      expect(scheduledMs(once, localDayBounds('2026-01-01', HCM))).toBe(30 * MIN);
      expect(scheduledMs(once, localDayBounds('2026-01-02', HCM))).toBe(30 * MIN);
      expect(scheduledMs(once, localDayBounds('2026-01-03', HCM))).toBe(0);
    });
  });

  it('removes EXDATEs and nothing else', () => {
    const spec = daily({ exdates: ['2026-01-03T05:30', '2026-01-05T05:30:00', '2026-01-04T06:00'] });
    expect(dates(expand(spec, MIN, JAN_WEEK))).toEqual([
      '2026-01-01',
      '2026-01-02',
      '2026-01-04',
      '2026-01-06',
      '2026-01-07',
    ]);
  });

  it('applies validFrom and validUntil inclusively', () => {
    const spec = daily({ validFrom: '2026-01-03', validUntil: '2026-01-05' });
    expect(dates(expand(spec, MIN, win('2025-12-01T00:00', '2026-02-01T00:00')))).toEqual([
      '2026-01-03',
      '2026-01-04',
      '2026-01-05',
    ]);
    expect(dates(expand(daily({ validUntil: '2026-01-01' }), MIN, JAN_WEEK))).toEqual(['2026-01-01']);
  });

  it('honours UNTIL as a local time, a whole local day, or a UTC instant, and COUNT', () => {
    const until = (rule: string) => dates(expand(daily({ rrule: rule }), MIN, JAN_WEEK));
    expect(until('FREQ=DAILY;UNTIL=20260103T053000')).toEqual(['2026-01-01', '2026-01-02', '2026-01-03']);
    expect(until('FREQ=DAILY;UNTIL=20260103T052959')).toEqual(['2026-01-01', '2026-01-02']);
    expect(until('FREQ=DAILY;UNTIL=20260103')).toEqual(['2026-01-01', '2026-01-02', '2026-01-03']);
    expect(until('FREQ=DAILY;UNTIL=20260102T223000Z')).toEqual(['2026-01-01', '2026-01-02', '2026-01-03']);
    expect(until('FREQ=DAILY;UNTIL=20260102T222959Z')).toEqual(['2026-01-01', '2026-01-02']);
    expect(until('FREQ=DAILY;COUNT=3')).toEqual(['2026-01-01', '2026-01-02', '2026-01-03']);
    const count = daily({ rrule: 'FREQ=DAILY;COUNT=3' });
    expect(dates(expand(count, MIN, win('2026-01-03T00:00', '2026-01-10T00:00')))).toEqual(['2026-01-03']);
    expect(expand({ ...count, start: '2016-01-01T05:30' }, MIN, JAN_WEEK)).toEqual([]);
  });

  describe('overrides', () => {
    const base = expand(daily(), 30 * MIN, JAN_WEEK);
    const keyOf = (local: string) => localToUtc(local, HCM);

    it('skip one occurrence and leave the rest alone', () => {
      const skipped = keyOf('2026-01-03T05:30');
      const occ = expand(daily(), 30 * MIN, JAN_WEEK, [{ originalStart: skipped, start: null }]);
      expect(occ).toEqual(base.filter((o) => o.key !== skipped));
    });

    it('move one occurrence, which keeps its key', () => {
      const key = keyOf('2026-01-04T05:30');
      const to = keyOf('2026-01-02T05:00');
      const occ = expand(daily(), 30 * MIN, JAN_WEEK, [{ originalStart: key, start: to }]);
      expect(occ).toHaveLength(7);
      expect(occ[1]).toEqual({ key, start: to, end: to + 30 * MIN, moved: true });
      expect(occ.filter((o) => o.key !== key)).toEqual(base.filter((o) => o.key !== key));
      expect(occ.map((o) => o.start)).toEqual([...occ.map((o) => o.start)].sort((a, b) => a - b));
    });

    it('follow the new time in and out of the window', () => {
      const fromOutside = keyOf('2026-01-10T05:30');
      const intoWindow = keyOf('2026-01-06T12:00');
      const leaving = keyOf('2026-01-03T05:30');
      const occ = expand(daily(), 30 * MIN, JAN_WEEK, [
        { originalStart: fromOutside, start: intoWindow },
        { originalStart: leaving, start: keyOf('2026-01-20T05:30') },
      ]);
      expect(occ.map((o) => o.key)).not.toContain(leaving);
      expect(occ.find((o) => o.key === fromOutside)).toEqual({
        key: fromOutside,
        start: intoWindow,
        end: intoWindow + 30 * MIN,
        moved: true,
      });
      expect(occ).toHaveLength(7);
      // A move that ends exactly at the window start is outside it.
      const edge = expand(daily(), 30 * MIN, JAN_WEEK, [
        { originalStart: fromOutside, start: JAN_WEEK.from - 30 * MIN },
      ]);
      expect(edge).toEqual(base);
    });

    it('are ignored when they name no real occurrence', () => {
      const exdated = daily({ exdates: ['2026-01-10T05:30'] });
      const into = keyOf('2026-01-06T12:00');
      const ghost = [
        { originalStart: keyOf('2026-01-10T05:31'), start: into }, // not a start of the rule
        { originalStart: keyOf('2025-12-31T05:30'), start: into }, // before the first occurrence
      ];
      expect(expand(daily(), 30 * MIN, JAN_WEEK, ghost)).toEqual(base);
      expect(
        expand(exdated, 30 * MIN, JAN_WEEK, [{ originalStart: keyOf('2026-01-10T05:30'), start: into }]),
      ).toEqual(base);
      const bounded = daily({ validUntil: '2026-01-08' });
      expect(
        expand(bounded, 30 * MIN, JAN_WEEK, [{ originalStart: keyOf('2026-01-10T05:30'), start: into }]),
      ).toEqual(base);
    });

    it('to the same time are no move', () => {
      const key = keyOf('2026-01-03T05:30');
      expect(expand(daily(), 30 * MIN, JAN_WEEK, [{ originalStart: key, start: key }])).toEqual(base);
    });
  });

  it(`never returns more than ${MAX_OCCURRENCES} occurrences`, () => {
    const hourly = daily({ start: '2026-01-01T00:00', rrule: 'FREQ=HOURLY' });
    const occ = expand(hourly, MIN, { from: Date.UTC(2025, 0), to: Date.UTC(2028, 0) });
    expect(occ).toHaveLength(MAX_OCCURRENCES);
    expect(occ[0].start).toBe(localToUtc('2026-01-01T00:00', HCM));
    expect(occ[MAX_OCCURRENCES - 1].start).toBe(occ[0].start + (MAX_OCCURRENCES - 1) * H);
    expect(expand(hourly, MIN, { from: -8.64e15, to: 8.64e15 })).toHaveLength(MAX_OCCURRENCES);
  });

  it('ends the walk of a rule that matches nothing', () => {
    // checkRecurrence refuses these; expand must still come back (rrule alone walks to the year 9999).
    for (const rrule of ['FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30', 'FREQ=HOURLY;BYMONTH=4;BYMONTHDAY=31']) {
      expect(expand(daily({ rrule }), MIN, { from: -8.64e15, to: 8.64e15 })).toEqual([]);
    }
  });

  it('bounds rrule by periods walked, not by dates found (guards rrule internals)', () => {
    const rule = new RRule({ freq: RRule.DAILY, dtstart: new Date(Date.UTC(2026, 0, 1)) }, true);
    limitPeriods(rule, 3);
    expect(rule.between(new Date(Date.UTC(2026, 0, 1)), new Date(Date.UTC(2027, 0, 1)), true)).toEqual([
      new Date(Date.UTC(2026, 0, 1)),
      new Date(Date.UTC(2026, 0, 2)),
      new Date(Date.UTC(2026, 0, 3)),
    ]);
  });

  it('refuses an invalid spec or duration', () => {
    expect(() => expand(daily({ rrule: 'FREQ=MINUTELY' }), MIN, JAN_WEEK)).toThrow(RecurrenceError);
    try {
      expand(daily({ timeZone: 'Nowhere/Else' }), MIN, JAN_WEEK);
    } catch (e) {
      expect((e as RecurrenceError).problems).toEqual([
        { field: 'timeZone', message: expect.stringContaining('Nowhere/Else') },
      ]);
    }
    expect(() => expand(daily(), -1, JAN_WEEK)).toThrow(RangeError);
    expect(() => expand(daily(), Number.NaN, JAN_WEEK)).toThrow(RangeError);
  });
});

describe('checkRecurrence', () => {
  const spec = daily();
  const problems = (extra: Partial<RecurrenceSpec>) => checkRecurrence({ ...spec, ...extra });

  it('accepts valid specs', () => {
    for (const rrule of [
      null,
      undefined,
      '',
      'FREQ=DAILY',
      'RRULE:FREQ=DAILY',
      'freq=weekly;byday=mo,fr',
      'FREQ=WEEKLY;BYDAY=MO,WE,FR;',
      'FREQ=MONTHLY;BYDAY=-1FR;COUNT=12',
      'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29',
      'FREQ=HOURLY;INTERVAL=2;BYHOUR=7,9',
      'FREQ=DAILY;BYHOUR=5,17;BYMINUTE=0,30',
      'FREQ=DAILY;UNTIL=20260101',
      'FREQ=DAILY;UNTIL=20261231T235959Z',
      'FREQ=DAILY;COUNT=10000',
    ]) {
      expect([rrule, problems({ rrule })]).toEqual([rrule, []]);
    }
    expect(
      problems({ validFrom: '2026-01-01', validUntil: '2026-01-01', exdates: ['2026-01-02T05:30:00'] }),
    ).toEqual([]);
    expect(problems({ timeZone: 'UTC' })).toEqual([]);
  });

  const cases: [string, Partial<RecurrenceSpec>, RegExp][] = [
    ['an impossible start date', { start: '2026-02-30T05:30' }, /^start: .*day 30 does not exist/],
    ['a malformed start', { start: '05:30' }, /^start: expected a local date and time/],
    ['a start hour 24', { start: '2026-01-01T24:00' }, /^start: 24:00:00 is not a time of day/],
    ['an unknown zone', { timeZone: 'Asia/Atlantis' }, /^timeZone: unknown time zone 'Asia\/Atlantis'/],
    ['FREQ=MINUTELY', { rrule: 'FREQ=MINUTELY' }, /^rrule: FREQ=MINUTELY is not allowed/],
    ['FREQ=SECONDLY', { rrule: 'FREQ=SECONDLY;INTERVAL=10' }, /^rrule: FREQ=SECONDLY is not allowed/],
    ['an unknown FREQ', { rrule: 'FREQ=FORTNIGHTLY' }, /^rrule: FREQ=FORTNIGHTLY: must be YEARLY/],
    ['no FREQ', { rrule: 'INTERVAL=2' }, /^rrule: RRULE needs FREQ/],
    [
      'DTSTART line',
      { rrule: 'DTSTART:20260101T053000\nRRULE:FREQ=DAILY' },
      /^rrule: DTSTART does not belong/,
    ],
    ['DTSTART part', { rrule: 'FREQ=DAILY;DTSTART=20260101T053000' }, /^rrule: DTSTART does not belong/],
    [
      'TZID',
      { rrule: 'FREQ=DAILY;UNTIL=TZID=Asia/Ho_Chi_Minh:20270101T000000' },
      /^rrule: TZID does not belong/,
    ],
    ['two lines', { rrule: 'FREQ=DAILY\nEXDATE:20260102T053000' }, /^rrule: RRULE must be a single rule/],
    [
      'UNTIL before start',
      { rrule: 'FREQ=DAILY;UNTIL=20251231T235959' },
      /^rrule: UNTIL is before the start/,
    ],
    [
      'UNTIL (UTC) before start',
      { rrule: 'FREQ=DAILY;UNTIL=20251231T222959Z' },
      /^rrule: UNTIL is before the start/,
    ],
    [
      'an impossible UNTIL',
      { rrule: 'FREQ=DAILY;UNTIL=20260230' },
      /^rrule: UNTIL=20260230: day 30 does not exist/,
    ],
    [
      'a malformed UNTIL',
      { rrule: 'FREQ=DAILY;UNTIL=2026-12-31' },
      /^rrule: UNTIL=2026-12-31: expected a date/,
    ],
    ['COUNT > 10000', { rrule: 'FREQ=DAILY;COUNT=10001' }, /^rrule: COUNT=10001: at most 10000/],
    ['COUNT = 0', { rrule: 'FREQ=DAILY;COUNT=0' }, /^rrule: COUNT=0: must be a whole number from 1/],
    [
      'COUNT and UNTIL',
      { rrule: 'FREQ=DAILY;COUNT=2;UNTIL=20270101' },
      /^rrule: RRULE may have COUNT or UNTIL, not both/,
    ],
    ['INTERVAL=0', { rrule: 'FREQ=DAILY;INTERVAL=0' }, /^rrule: INTERVAL=0: must be a whole number from 1/],
    ['a bad weekday', { rrule: 'FREQ=DAILY;BYDAY=XX' }, /^rrule: BYDAY=XX: 'XX' is not a weekday/],
    [
      'an ordinal weekday in a weekly rule',
      { rrule: 'FREQ=WEEKLY;BYDAY=2MO' },
      /^rrule: BYDAY=2MO: .*needs FREQ=MONTHLY/,
    ],
    ['a sixth Monday', { rrule: 'FREQ=MONTHLY;BYDAY=6MO' }, /^rrule: BYDAY=6MO: the ordinal/],
    ['BYHOUR out of range', { rrule: 'FREQ=DAILY;BYHOUR=25' }, /^rrule: BYHOUR=25: 25 is out of range/],
    ['BYMONTHDAY=0', { rrule: 'FREQ=MONTHLY;BYMONTHDAY=0' }, /^rrule: BYMONTHDAY=0: 0 is out of range/],
    [
      'a non-number',
      { rrule: 'FREQ=MONTHLY;BYMONTHDAY=1,,2' },
      /^rrule: BYMONTHDAY=1,,2: '' is not a whole number/,
    ],
    [
      'BYMONTHDAY in a weekly rule',
      { rrule: 'FREQ=WEEKLY;BYMONTHDAY=1' },
      /^rrule: BYMONTHDAY cannot be used with FREQ=WEEKLY/,
    ],
    [
      'BYWEEKNO in a monthly rule',
      { rrule: 'FREQ=MONTHLY;BYWEEKNO=1' },
      /^rrule: BYWEEKNO needs FREQ=YEARLY/,
    ],
    [
      'BYYEARDAY in a daily rule',
      { rrule: 'FREQ=DAILY;BYYEARDAY=1' },
      /^rrule: BYYEARDAY cannot be used with FREQ=DAILY/,
    ],
    ['BYSETPOS alone', { rrule: 'FREQ=DAILY;BYSETPOS=1' }, /^rrule: BYSETPOS needs another BY/],
    ['an unknown part', { rrule: 'FREQ=DAILY;BYEASTER=0' }, /^rrule: RRULE part BYEASTER is not supported/],
    [
      'a repeated part',
      { rrule: 'FREQ=DAILY;FREQ=WEEKLY' },
      /^rrule: RRULE part FREQ appears more than once/,
    ],
    ['text', { rrule: 'every day' }, /^rrule: RRULE part 'every day' is not NAME=VALUE/],
    ['an empty value', { rrule: 'FREQ=DAILY;BYDAY=' }, /^rrule: RRULE part BYDAY has no value/],
    [
      'too many starts a day',
      {
        rrule:
          'FREQ=DAILY;BYHOUR=1,2,3,4;BYMINUTE=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25',
      },
      /^rrule: the RRULE starts up to 104 times a day/,
    ],
    [
      'an hourly BYSECOND flood',
      { rrule: 'FREQ=HOURLY;BYSECOND=0,10,20,30,40,50' },
      /^rrule: the RRULE starts up to 144 times a day/,
    ],
    [
      'an unreachable BYHOUR',
      { rrule: 'FREQ=HOURLY;INTERVAL=2;BYHOUR=6,8' },
      /^rrule: BYHOUR=6,8: none of these hours is ever reached every 2 hours from the start at 05:00/,
    ],
    [
      'a rule that never occurs',
      { rrule: 'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30' },
      /^rrule: the RRULE has no occurrence in the 10 years after the start/,
    ],
    [
      'nothing before UNTIL',
      { rrule: 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;UNTIL=20270101' },
      /^rrule: the RRULE has no occurrence between the start and UNTIL/,
    ],
    ['a malformed validFrom', { validFrom: '2026-13-01' }, /^validFrom: month 13 does not exist/],
    [
      'an impossible validUntil',
      { validUntil: '2026-02-30' },
      /^validUntil: day 30 does not exist in 2026-02/,
    ],
    [
      'validUntil before validFrom',
      { validFrom: '2026-03-01', validUntil: '2026-02-01' },
      /^validUntil: validUntil 2026-02-01 is before validFrom 2026-03-01/,
    ],
    [
      'validUntil before the start',
      { validUntil: '2025-12-31' },
      /^validUntil: validUntil 2025-12-31 is before the start 2026-01-01/,
    ],
    [
      'a malformed exdate',
      { exdates: ['2026-01-02T05:30', 'tomorrow'] },
      /^exdates: exdates\[1\] 'tomorrow': expected a local date/,
    ],
    [
      'an impossible exdate',
      { exdates: ['2026-04-31T05:30'] },
      /^exdates: exdates\[0\] '2026-04-31T05:30': day 31 does not exist/,
    ],
  ];
  it.each(cases)('refuses %s, saying what is wrong', (_name, extra, message) => {
    const found = problems(extra).map((p) => `${p.field}: ${p.message}`);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(message);
  });

  it('reports every broken field at once', () => {
    const found = checkRecurrence({
      start: '2026-02-30T05:30',
      timeZone: 'Nowhere/Else',
      rrule: 'FREQ=MINUTELY',
      validFrom: 'soon',
      validUntil: '2026-02-31',
      exdates: ['x'],
    });
    expect(found.map((p) => p.field).sort()).toEqual([
      'exdates',
      'rrule',
      'start',
      'timeZone',
      'validFrom',
      'validUntil',
    ]);
  });
});

describe('occurrence ids', () => {
  it('round-trip and refuse malformed ids', () => {
    const key = Date.UTC(2025, 11, 31, 22, 30);
    const id = occurrenceId('2c4e6a8b-0d1f-4e3a-9b5c-7d9e1f3a5b7c', key);
    expect(id).toBe('2c4e6a8b-0d1f-4e3a-9b5c-7d9e1f3a5b7c@1767220200000');
    expect(parseOccurrenceId(id)).toEqual({ scheduleId: '2c4e6a8b-0d1f-4e3a-9b5c-7d9e1f3a5b7c', key });
    expect(parseOccurrenceId('a@b@5')).toEqual({ scheduleId: 'a@b', key: 5 });
    expect(parseOccurrenceId('s@-5')).toEqual({ scheduleId: 's', key: -5 });
    for (const bad of ['abc', '@5', 'abc@', 'abc@1.5', 'abc@1e3', 'abc@99999999999999999', 'abc@ 5']) {
      expect(parseOccurrenceId(bad)).toBeNull();
    }
  });
});

describe('expand properties', () => {
  const RULES = [
    'FREQ=DAILY',
    'FREQ=DAILY;INTERVAL=3',
    'FREQ=DAILY;BYHOUR=5,17;BYMINUTE=0,30',
    'FREQ=WEEKLY;BYDAY=MO,WE,FR',
    'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,SA;WKST=SU',
    'FREQ=WEEKLY;INTERVAL=3',
    'FREQ=MONTHLY',
    'FREQ=MONTHLY;BYMONTHDAY=-1',
    'FREQ=MONTHLY;INTERVAL=2;BYDAY=2MO',
    'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1',
    'FREQ=YEARLY',
    'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29',
    'FREQ=YEARLY;INTERVAL=2;BYMONTH=3,9;BYDAY=1SU',
    'FREQ=YEARLY;BYWEEKNO=1,26;BYDAY=MO',
    'FREQ=HOURLY;INTERVAL=5',
    'FREQ=HOURLY;INTERVAL=7;BYDAY=SA,SU',
  ];
  const arb = fc.record({
    rrule: fc.constantFrom(...RULES),
    timeZone: fc.constantFrom(HCM, BERLIN, NY),
    startMs: fc
      .integer({ min: Date.UTC(2018, 0, 1) / 60_000, max: Date.UTC(2026, 0, 1) / 60_000 })
      .map((m) => m * 60_000),
    offsetMs: fc.integer({ min: -30 * DAY, max: 5 * 365 * DAY }),
    lengthMs: fc.integer({ min: 1, max: 40 * DAY }),
    durationMs: fc.integer({ min: 0, max: 3 * H }),
  });
  const specOf = (a: { rrule: string; timeZone: string; startMs: number }): RecurrenceSpec => ({
    start: utcToLocal(a.startMs, a.timeZone).slice(0, 16),
    timeZone: a.timeZone,
    rrule: a.rrule,
  });

  it('returns sorted, unique occurrences that overlap the window, never more than the cap', () => {
    fc.assert(
      fc.property(arb, (a) => {
        const spec = specOf(a);
        expect(checkRecurrence(spec)).toEqual([]);
        const from = a.startMs + a.offsetMs;
        const occ = expand(spec, a.durationMs, { from, to: from + a.lengthMs });
        expect(occ.length).toBeLessThanOrEqual(MAX_OCCURRENCES);
        expect(new Set(occ.map((o) => o.key)).size).toBe(occ.length);
        for (let i = 0; i < occ.length; i++) {
          const o = occ[i];
          expect(o.start < from + a.lengthMs && o.end > from).toBe(true);
          expect(o.end - o.start).toBe(a.durationMs);
          expect(o.moved).toBe(false);
          if (i > 0) expect(o.start).toBeGreaterThanOrEqual(occ[i - 1].start);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('gives the same occurrences in a late window as a walk from the very start', () => {
    fc.assert(
      fc.property(arb, (a) => {
        const spec = specOf(a);
        const hourly = a.rrule.startsWith('FREQ=HOURLY');
        const offset = hourly ? Math.abs(a.offsetMs) % (300 * DAY) : Math.abs(a.offsetMs);
        const from = a.startMs + offset;
        const window = { from, to: from + a.lengthMs };
        const late = expand(spec, a.durationMs, window);
        const all = expand(spec, a.durationMs, { from: a.startMs - DAY, to: window.to });
        expect(all.length).toBeLessThan(MAX_OCCURRENCES);
        expect(late).toEqual(all.filter((o) => o.start < window.to && o.end > window.from));
      }),
      { numRuns: 60 },
    );
  });
});
