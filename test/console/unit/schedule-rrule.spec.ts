import {
  buildRrule,
  parseMinuteList,
  parseRrule,
  type Repeat,
} from '../../../apps/console/src/pages/schedule/rrule';
import {
  bodyOf,
  checkForm,
  defaultStart,
  formFromSchedule,
  newForm,
  rruleOf,
  withRepeat,
  withRruleText,
} from '../../../apps/console/src/pages/schedule/schedule-form';
import type { ScheduleView } from '../../../apps/console/src/pages/schedule/types';

describe('console schedule: RRULE builder and parser', () => {
  it('builds the rules the form offers', () => {
    expect(buildRrule({ kind: 'none' })).toBeNull();
    expect(buildRrule({ kind: 'daily', interval: 1 })).toBe('FREQ=DAILY');
    expect(buildRrule({ kind: 'daily', interval: 2 })).toBe('FREQ=DAILY;INTERVAL=2');
    expect(buildRrule({ kind: 'weekly', interval: 1, days: [4, 0, 2, 2] })).toBe(
      'FREQ=WEEKLY;BYDAY=MO,WE,FR',
    );
    expect(buildRrule({ kind: 'weekly', interval: 2, days: [6] })).toBe('FREQ=WEEKLY;BYDAY=SU;INTERVAL=2');
    // No day chosen: the start's weekday, never an empty BYDAY.
    expect(buildRrule({ kind: 'weekly', interval: 1, days: [] }, 3)).toBe('FREQ=WEEKLY;BYDAY=TH');
    expect(buildRrule({ kind: 'monthly', interval: 1, monthDay: 15 })).toBe('FREQ=MONTHLY;BYMONTHDAY=15');
    expect(buildRrule({ kind: 'monthly', interval: 3, monthDay: null })).toBe('FREQ=MONTHLY;INTERVAL=3');
    expect(buildRrule({ kind: 'hourly', minutes: [45, 0, 15, 30] })).toBe('FREQ=HOURLY;BYMINUTE=0,15,30,45');
    expect(buildRrule({ kind: 'custom', rrule: ' FREQ=YEARLY;BYMONTH=9 ' })).toBe('FREQ=YEARLY;BYMONTH=9');
    expect(buildRrule({ kind: 'custom', rrule: '  ' })).toBeNull();
  });

  it('reads back what it builds', () => {
    const repeats: Repeat[] = [
      { kind: 'none' },
      { kind: 'daily', interval: 1 },
      { kind: 'daily', interval: 7 },
      { kind: 'weekly', interval: 1, days: [0, 1, 2, 3, 4] },
      { kind: 'weekly', interval: 3, days: [5, 6] },
      { kind: 'monthly', interval: 1, monthDay: 31 },
      { kind: 'monthly', interval: 2, monthDay: null },
      { kind: 'hourly', minutes: [0, 30] },
    ];
    for (const repeat of repeats) expect(parseRrule(buildRrule(repeat))).toEqual(repeat);
  });

  it('accepts what people and other clients write', () => {
    expect(parseRrule('RRULE:freq=weekly;byday=tu,th;')).toEqual({
      kind: 'weekly',
      interval: 1,
      days: [1, 3],
    });
    expect(parseRrule('FREQ=WEEKLY')).toEqual({ kind: 'weekly', interval: 1, days: [] });
    expect(parseRrule('INTERVAL=2;FREQ=DAILY')).toEqual({ kind: 'daily', interval: 2 });
    expect(parseRrule('FREQ=HOURLY;BYMINUTE=0,15,30,45')).toEqual({
      kind: 'hourly',
      minutes: [0, 15, 30, 45],
    });
    expect(parseRrule(null)).toEqual({ kind: 'none' });
    expect(parseRrule('')).toEqual({ kind: 'none' });
  });

  it('keeps every other rule as custom text', () => {
    for (const rule of [
      'FREQ=DAILY;COUNT=10',
      'FREQ=WEEKLY;BYDAY=1MO',
      'FREQ=MONTHLY;BYMONTHDAY=1,15',
      'FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1',
      'FREQ=YEARLY',
      'FREQ=HOURLY;INTERVAL=2',
      'FREQ=DAILY;INTERVAL=0',
      'FREQ=DAILY;FREQ=WEEKLY',
      'nonsense',
    ])
      expect(parseRrule(rule)).toEqual({ kind: 'custom', rrule: rule });
  });

  it('reads minute lists', () => {
    expect(parseMinuteList('0, 15;30 45')).toEqual([0, 15, 30, 45]);
    expect(parseMinuteList('30,0,30')).toEqual([0, 30]);
    expect(parseMinuteList('60')).toBeNull();
    expect(parseMinuteList('a')).toBeNull();
  });
});

describe('console schedule: the form', () => {
  const commune = 'c0mmune';
  const base = () => newForm({ date: '2026-11-26', time: '06:30', priority: 'commune' });

  it('starts a weekly repeat on the start date’s weekday and builds its body', () => {
    let form = { ...base(), title: ' Bản tin sáng ', content: 'asset:a1' };
    form = withRepeat(form, 'weekly');
    expect(form.days).toEqual([3]); // Thursday 26/11
    form = { ...form, days: [0, 3], validUntil: '2027-05-31', targetMode: 'villages', villageIds: ['v1'] };
    expect(rruleOf(form)).toBe('FREQ=WEEKLY;BYDAY=MO,TH');
    expect(checkForm(form)).toEqual({});
    expect(bodyOf(form, commune)).toEqual({
      title: 'Bản tin sáng',
      assetId: 'a1',
      start: '2026-11-26T06:30',
      rrule: 'FREQ=WEEKLY;BYDAY=MO,TH',
      validFrom: null,
      validUntil: '2027-05-31',
      priority: 'commune',
      volume: 80,
      enabled: true,
      target: { villageIds: ['v1'] },
    });
  });

  it('sends a one-off with no recurrence limits, to the whole commune or chosen clusters', () => {
    const form = { ...base(), title: 'Họp thôn', content: 'program:p1', validUntil: '2027-01-01' };
    expect(bodyOf(form, commune)).toMatchObject({
      programId: 'p1',
      rrule: null,
      validUntil: null,
      target: { unitIds: [commune] },
    });
    expect(bodyOf({ ...form, targetMode: 'clusters', clusterIds: ['k1', 'k2'] }, commune).target).toEqual({
      clusterIds: ['k1', 'k2'],
    });
  });

  it('names what is missing', () => {
    const form = {
      ...base(),
      date: '',
      volume: '120',
      targetMode: 'clusters' as const,
      repeat: 'weekly' as const,
      days: [],
    };
    expect(checkForm(form)).toEqual({
      title: 'errTitle',
      content: 'errWhat',
      start: 'errDateTime',
      days: 'errDays',
      volume: 'errVolume',
      target: 'errTargetEmpty',
    });
    expect(
      checkForm({
        ...base(),
        title: 'x',
        content: 'asset:a',
        repeat: 'daily',
        validFrom: '2027-01-02',
        validUntil: '2027-01-01',
      }),
    ).toEqual({ validUntil: 'errValidRange' });
  });

  it('switches between the advanced text and the structured repeat', () => {
    let form = withRruleText(base(), 'FREQ=DAILY;INTERVAL=3');
    expect([form.repeat, form.interval]).toEqual(['daily', '3']);
    form = withRruleText(form, 'FREQ=YEARLY');
    expect(form.repeat).toBe('custom');
    expect(rruleOf(form)).toBe('FREQ=YEARLY');
    // Another day of the month than the start's cannot be shown by the form: it stays custom.
    expect(withRruleText(base(), 'FREQ=MONTHLY;BYMONTHDAY=3').repeat).toBe('custom');
    expect(withRruleText(base(), 'FREQ=MONTHLY;BYMONTHDAY=26').repeat).toBe('monthly');
    expect(withRruleText(base(), '').repeat).toBe('none');
    expect(withRepeat({ ...base(), repeat: 'daily' }, 'custom').rruleText).toBe('FREQ=DAILY');
  });

  it('opens a stored schedule as the form that saved it', () => {
    const stored = {
      title: 'Phát thử',
      programId: null,
      assetId: 'a9',
      priority: 'routine',
      volume: 60,
      target: { unitIds: [commune] },
      start: '2026-11-24T10:00:00',
      rrule: 'FREQ=HOURLY;BYMINUTE=0,15,30,45',
      validFrom: null,
      validUntil: null,
      enabled: true,
    } as unknown as ScheduleView;
    const form = formFromSchedule(stored, commune);
    expect(form).toMatchObject({
      content: 'asset:a9',
      date: '2026-11-24',
      time: '10:00',
      repeat: 'hourly',
      minutes: '0, 15, 30, 45',
      targetMode: 'commune',
      volume: '60',
    });
    expect(rruleOf(form)).toBe(stored.rrule);
    expect(formFromSchedule({ ...stored, target: { unitIds: ['district'] } }, commune).targetMode).toBe(
      'other',
    );
    expect(
      formFromSchedule({ ...stored, target: { villageIds: ['v'], clusterIds: ['k'] } }, commune).targetMode,
    ).toBe('other');
  });

  it('proposes the next full hour, or a chosen later day', () => {
    expect(defaultStart('2026-11-24T10:05')).toEqual({ date: '2026-11-24', time: '11:00' });
    expect(defaultStart('2026-11-24T23:10')).toEqual({ date: '2026-11-25', time: '06:00' });
    expect(defaultStart('2026-11-24T10:05', '2026-11-27')).toEqual({ date: '2026-11-27', time: '06:00' });
    expect(defaultStart('2026-11-24T10:05', '2026-11-23')).toEqual({ date: '2026-11-24', time: '11:00' });
  });
});
