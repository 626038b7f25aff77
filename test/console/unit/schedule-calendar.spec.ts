import {
  addDays,
  assignLanes,
  clashesByOccurrence,
  combineReadiness,
  firstHour,
  isDate,
  layoutWeek,
  localDateOf,
  localDateTimeOf,
  localMinuteOf,
  localToInstant,
  marksOf,
  mondayOf,
  readinessOf,
  readinessTone,
  resolveWeek,
  SOON_MS,
  toCalendarItems,
  weekDates,
  weekWindow,
  weekdayOf,
  type CalendarItem,
} from '../../../apps/console/src/pages/schedule/calendar';

const VN = 'Asia/Ho_Chi_Minh';
const NY = 'America/New_York';
/** The instant of a Vietnamese wall-clock time (UTC+7 all year). */
const vn = (local: string) => Date.parse(`${local}:00+07:00`);
const item = (key: string, group: string, start: string, seconds: number): CalendarItem => ({
  key,
  group,
  start: vn(start),
  end: vn(start) + seconds * 1000,
});

describe('console schedule: local time in the server zone', () => {
  it('reads local dates, minutes and wall clocks of instants', () => {
    const at = Date.parse('2026-11-23T23:30:00Z'); // 06:30 on the 24th in Hà Nội
    expect(localDateOf(at, VN)).toBe('2026-11-24');
    expect(localMinuteOf(at, VN)).toBe(6 * 60 + 30);
    expect(localDateTimeOf(at, VN)).toBe('2026-11-24T06:30');
    expect(localMinuteOf(at + 15_000, VN)).toBeCloseTo(390.25);
    expect(localDateOf(at, 'UTC')).toBe('2026-11-23');
  });

  it('turns local wall clocks into instants, also across a daylight-saving change', () => {
    expect(localToInstant('2026-11-24T05:30', VN)).toBe(Date.parse('2026-11-23T22:30:00Z'));
    expect(localToInstant('2026-11-24', VN)).toBe(Date.parse('2026-11-23T17:00:00Z'));
    // New York: EDT until 1 Nov 2026 02:00, EST after.
    expect(localToInstant('2026-10-31T12:00', NY)).toBe(Date.parse('2026-10-31T16:00:00Z'));
    expect(localToInstant('2026-11-02T12:00', NY)).toBe(Date.parse('2026-11-02T17:00:00Z'));
    expect(localToInstant('not a time', VN)).toBeNaN();
  });

  it('does calendar arithmetic on dates, weeks starting on Monday', () => {
    expect(addDays('2026-12-30', 3)).toBe('2027-01-02');
    expect(addDays('2027-03-01', -1)).toBe('2027-02-28');
    expect(weekdayOf('2026-11-23')).toBe(0); // Monday
    expect(weekdayOf('2026-11-29')).toBe(6); // Sunday
    expect(mondayOf('2026-11-29')).toBe('2026-11-23');
    expect(mondayOf('2026-11-23')).toBe('2026-11-23');
    expect(weekDates('2026-12-28')).toEqual([
      '2026-12-28',
      '2026-12-29',
      '2026-12-30',
      '2026-12-31',
      '2027-01-01',
      '2027-01-02',
      '2027-01-03',
    ]);
    expect(isDate('2026-02-29')).toBe(false);
    expect(isDate('2028-02-29')).toBe(true);
    expect(isDate('24/11/2026')).toBe(false);
  });

  it('resolves the week of the URL, or the current one, and its instants', () => {
    const now = Date.parse('2026-11-29T18:00:00Z'); // Monday 30th, 01:00 in Hà Nội
    expect(resolveWeek(null, now, VN)).toBe('2026-11-30');
    expect(resolveWeek('2026-11-26', now, VN)).toBe('2026-11-23');
    expect(resolveWeek('garbage', now, VN)).toBe('2026-11-30');
    expect(weekWindow('2026-11-23', VN)).toEqual({
      from: Date.parse('2026-11-22T17:00:00Z'),
      to: Date.parse('2026-11-29T17:00:00Z'),
    });
    // The week of the autumn change in New York is an hour longer.
    const ny = weekWindow('2026-10-26', NY);
    expect(ny.to - ny.from).toBe(7 * 86_400_000 + 3_600_000);
  });
});

describe('console schedule: week layout', () => {
  const options = { minMinutes: 45, groupPerHour: true };

  it('places occurrences on their local day and minute', () => {
    const blocks = layoutWeek(
      [item('a', 'news', '2026-11-24T05:30', 600), item('b', 'news', '2026-11-29T17:00', 1800)],
      '2026-11-23',
      VN,
      options,
    );
    expect(blocks.map((b) => [b.key, b.day, b.date, b.startMin, b.endMin, b.top, b.bottom])).toEqual([
      ['a', 1, '2026-11-24', 330, 340, 330, 375],
      ['b', 6, '2026-11-29', 1020, 1050, 1020, 1065],
    ]);
    expect(blocks.every((b) => b.lane === 0 && b.lanes === 1)).toBe(true);
  });

  it('leaves out occurrences outside the week and keeps late ones inside the day', () => {
    const blocks = layoutWeek(
      [
        item('before', 'x', '2026-11-22T23:59', 60),
        item('after', 'x', '2026-11-30T00:00', 60),
        item('late', 'y', '2026-11-29T23:50', 1800),
      ],
      '2026-11-23',
      VN,
      options,
    );
    expect(blocks.map((b) => b.key)).toEqual(['late']);
    expect(blocks[0].endMin).toBe(1440); // cut at midnight
    expect(blocks[0].top).toBe(1440 - 45); // still fully drawn inside the day
    expect(blocks[0].bottom).toBe(1440);
  });

  it('groups a dense series per hour, one block per hour', () => {
    const chimes = ['10:00', '10:15', '10:30', '10:45', '11:00'].map((hhmm, i) =>
      item(`c${i}`, 'chime', `2026-11-24T${hhmm}`, 8),
    );
    const blocks = layoutWeek(chimes, '2026-11-23', VN, options);
    expect(blocks.map((b) => [b.items.length, b.startMin, b.key.startsWith('g:')])).toEqual([
      [4, 600, true],
      [1, 660, false],
    ]);
    expect(blocks[0].endMin).toBeCloseTo(645 + 8 / 60);
    const ungrouped = layoutWeek(chimes, '2026-11-23', VN, { ...options, groupPerHour: false });
    expect(ungrouped).toHaveLength(5);
  });

  it('puts overlapping blocks side by side, sharing the lane count of their run', () => {
    const blocks = layoutWeek(
      [
        item('chime', 'chime', '2026-11-24T14:00', 8),
        item('news', 'news', '2026-11-24T14:00', 1800),
        item('notice', 'notice', '2026-11-24T14:20', 600),
        item('evening', 'evening', '2026-11-24T18:00', 600),
      ],
      '2026-11-23',
      VN,
      options,
    );
    const byKey = Object.fromEntries(blocks.map((b) => [b.key, [b.lane, b.lanes]]));
    // Same drawn extent (a short chime is drawn 45 minutes tall): the earlier in the list goes left.
    expect(byKey).toEqual({ chime: [0, 3], news: [1, 3], notice: [2, 3], evening: [0, 1] });
  });

  it('reuses a lane once it is free', () => {
    const blocks = [
      { top: 0, bottom: 60, lane: -1, lanes: 0 },
      { top: 30, bottom: 90, lane: -1, lanes: 0 },
      { top: 60, bottom: 120, lane: -1, lanes: 0 },
    ];
    assignLanes(blocks);
    expect(blocks.map((b) => [b.lane, b.lanes])).toEqual([
      [0, 2],
      [1, 2],
      [0, 2],
    ]);
  });

  it('opens the grid before now on the current week, else in the morning', () => {
    expect(firstHour([], 5, 2, 10 * 60 + 5)).toBe(9);
    expect(firstHour([], 5, 0, 20)).toBe(0);
    expect(firstHour([{ top: 0, day: 1 }], 5, -1, 0)).toBe(5); // a midnight chime does not count
    expect(firstHour([{ top: 4 * 60 + 30, day: 1 }], 5, -1, 0)).toBe(4);
  });
});

describe('console schedule: what an occurrence says', () => {
  const now = Date.parse('2026-11-24T03:00:00Z');
  const occ = (startOffsetMin: number, counts: Partial<Parameters<typeof readinessOf>[0]> = {}) => {
    const start = now + startOffsetMin * 60_000;
    return {
      status: 'scheduled',
      start: new Date(start).toISOString(),
      end: new Date(start + 8000).toISOString(),
      targets: 20,
      acked: 0,
      ready: 0,
      played: { started: 0, finished: 0, failed: 0 },
      ...counts,
    };
  };

  it('counts ready clusters before, plays during and after', () => {
    expect(readinessOf(occ(60, { acked: 20, ready: 18 }), now)).toEqual({
      kind: 'partial',
      count: 18,
      total: 20,
    });
    expect(readinessOf(occ(60, { acked: 20, ready: 20 }), now)).toEqual({
      kind: 'ready',
      count: 20,
      total: 20,
    });
    // Nothing received one hour ahead is a problem; three days ahead it is normal.
    expect(readinessOf(occ(60), now).kind).toBe('partial');
    expect(readinessOf(occ(SOON_MS / 60_000 + 60 * 48), now).kind).toBe('notSent');
    expect(readinessOf(occ(0, { played: { started: 5, finished: 0, failed: 0 } }), now + 1000)).toEqual({
      kind: 'playing',
      count: 5,
      total: 20,
    });
    expect(readinessOf(occ(-10, { played: { started: 19, finished: 19, failed: 0 } }), now).kind).toBe(
      'played',
    );
    expect(readinessOf(occ(-10, { played: { started: 19, finished: 18, failed: 1 } }), now)).toEqual({
      kind: 'failed',
      count: 1,
      total: 20,
    });
    expect(readinessOf(occ(-10), now).kind).toBe('missed');
    expect(readinessOf(occ(60, { status: 'skipped' }), now).kind).toBe('skipped');
    expect(readinessOf(occ(60, { targets: 0 }), now).kind).toBe('noTargets');
  });

  it('sums up a group by its worst member', () => {
    expect(
      combineReadiness([
        { kind: 'ready', count: 4, total: 4 },
        { kind: 'partial', count: 3, total: 4 },
        { kind: 'partial', count: 1, total: 4 },
      ]),
    ).toEqual({ kind: 'partial', count: 1, total: 4 });
    expect(
      combineReadiness([
        { kind: 'played', count: 4, total: 4 },
        { kind: 'ready', count: 4, total: 4 },
      ]).kind,
    ).toBe('ready');
    expect(combineReadiness([]).kind).toBe('noTargets');
  });

  it('gives every state a tone (the words go with it)', () => {
    expect(readinessTone('ready')).toBe('ok');
    expect(readinessTone('partial')).toBe('warn');
    expect(readinessTone('failed')).toBe('bad');
    expect(readinessTone('notSent')).toBe('muted');
  });

  it('attaches clashes to the occurrence they concern', () => {
    const clashes = [
      { kind: 'preempted', occurrenceStart: '2026-11-24T07:00:00.000Z' },
      { kind: 'conflict', occurrenceStart: '2026-11-24T14:00:00+07:00' },
    ];
    const map = clashesByOccurrence(clashes);
    expect(map.get(Date.parse('2026-11-24T07:00:00Z'))).toHaveLength(2);
    expect(marksOf(map.get(Date.parse('2026-11-24T07:00:00Z')) ?? [])).toEqual({
      conflict: true,
      preempted: true,
      preempts: false,
    });
    const items = toCalendarItems([
      {
        schedule: { id: 's1' },
        occurrences: [
          {
            id: 's1@1',
            originalStart: '2026-11-24T07:00:00.000Z',
            start: '2026-11-24T07:00:00.000Z',
            end: '2026-11-24T07:00:00.000Z',
            status: 'scheduled',
          },
          {
            id: 's1@2',
            originalStart: '2026-11-25T07:00:00.000Z',
            start: '2026-11-25T07:00:00.000Z',
            end: '2026-11-25T07:00:08.000Z',
            status: 'skipped',
          },
        ],
        clashes: map,
      },
    ]);
    expect(items.map((i) => [i.key, i.group, i.clashes.length, i.end - i.start])).toEqual([
      ['s1@1', 's1', 2, 1000],
      ['s1@2:skipped', 's1', 0, 8000],
    ]);
  });
});
