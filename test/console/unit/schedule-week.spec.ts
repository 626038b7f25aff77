import { toCalendarItems, weeksOf } from '../../../apps/console/src/pages/schedule/calendar';

const relation = (kind: string, scheduleId: string, occurrenceStart: string) => ({
  kind,
  scheduleId,
  occurrenceStart,
  from: occurrenceStart,
});
const occurrence = (scheduleId: string, start: string, relations: ReturnType<typeof relation>[] = []) => ({
  id: `${scheduleId}@${Date.parse(start)}`,
  scheduleId,
  originalStart: start,
  start,
  end: new Date(Date.parse(start) + 5000).toISOString(),
  status: 'scheduled',
  relations,
});

describe('console schedule: the calendar endpoint’s answer, per schedule', () => {
  it('groups occurrences under their schedules with the clashes of the range', () => {
    const at = '2026-11-24T23:00:00.000Z';
    const weeks = weeksOf(
      [{ id: 'commune' }, { id: 'province' }, { id: 'quiet' }],
      [
        occurrence('commune', at, [relation('preempted', 'province', at)]),
        occurrence('province', at, [relation('preempts', 'commune', at)]),
        occurrence('commune', '2026-11-25T23:00:00.000Z'),
        // Its schedule is not in the answer: left out.
        occurrence('gone', at),
      ],
    );
    expect(weeks.map((w) => [w.schedule.id, w.occurrences.length, w.schedule.clashes.length])).toEqual([
      ['commune', 2, 1],
      ['province', 1, 1],
      ['quiet', 0, 0],
    ]);
    expect(weeks[0].clashes.get(Date.parse(at))?.map((c) => c.kind)).toEqual(['preempted']);
    const items = toCalendarItems(weeks);
    expect(items.map((i) => [i.group, i.clashes.map((c) => c.kind)])).toEqual([
      ['commune', ['preempted']],
      ['commune', []],
      ['province', ['preempts']],
    ]);
  });
});
