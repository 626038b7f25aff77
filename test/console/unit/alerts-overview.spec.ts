import {
  clustersWithAlerts,
  localDate,
  playTotals,
  todaysBroadcasts,
  verdict,
  type ScheduleLite,
} from '../../../apps/console/src/pages/overview/overview-model';

/* The overview's pure logic (kept with the alerts unit tests: the same helper owns both pages). */
const TZ = 'Asia/Ho_Chi_Minh';
const occ = (start: string, minutes: number, status = 'scheduled') => ({
  id: `s@${start}`,
  start,
  end: new Date(new Date(start).getTime() + minutes * 60_000).toISOString(),
  status,
});

describe('overview model', () => {
  it('finds the local day in the server time zone', () => {
    // 23:30 UTC is already the next morning in Vietnam.
    expect(localDate(new Date('2026-11-24T23:30:00Z'), TZ)).toBe('2026-11-25');
    expect(localDate(new Date('2026-11-24T16:59:00Z'), TZ)).toBe('2026-11-24');
  });

  it("lists the rest of today's broadcasts, soonest first, without skipped or finished ones", () => {
    const now = new Date('2026-11-24T04:00:00Z'); // 11:00 local
    const schedules: ScheduleLite[] = [
      {
        id: 'a',
        title: 'Bản tin chiều',
        priority: 'commune',
        enabled: true,
        clusterCount: 5,
        next: [
          occ('2026-11-24T10:00:00Z', 30), // 17:00 today
          occ('2026-11-24T23:00:00Z', 30), // 06:00 tomorrow
        ],
      },
      {
        id: 'b',
        title: 'Tiếp sóng',
        priority: 'province',
        enabled: true,
        clusterCount: 5,
        next: [
          occ('2026-11-24T03:50:00Z', 20), // on air now
          occ('2026-11-24T03:00:00Z', 30), // over
          occ('2026-11-24T06:00:00Z', 10, 'skipped'),
          occ('2026-11-24T05:00:00Z', 10, 'moved'),
        ],
      },
      {
        id: 'c',
        title: 'Tắt',
        priority: 'commune',
        enabled: false,
        clusterCount: 1,
        next: [occ('2026-11-24T05:00:00Z', 5)],
      },
    ];
    const items = todaysBroadcasts(schedules, now, TZ);
    expect(items.map((i) => [i.title, i.onAir, i.moved])).toEqual([
      ['Tiếp sóng', true, false],
      ['Tiếp sóng', false, true],
      ['Bản tin chiều', false, false],
    ]);
    expect(todaysBroadcasts(schedules, now, TZ, 1)).toHaveLength(1);
  });

  it('adds up the play figures of every commune', () => {
    const c = (scheduledMinutes: number | null, scheduledPlayedMinutes: number, failed = 0) => ({
      clusters: 3,
      scheduledOccurrences: scheduledMinutes === null ? null : 6,
      scheduledMinutes,
      started: 2,
      finished: 2,
      interrupted: 0,
      failed,
      playedMinutes: scheduledPlayedMinutes,
      scheduledPlayedMinutes,
    });
    const totals = playTotals([c(30, 15), c(10, 5, 1), c(null, 0)]);
    expect(totals).toMatchObject({ scheduledMinutes: 40, scheduledPlayedMinutes: 20, failed: 1, started: 6 });
    expect(totals.ratio).toBeCloseTo(0.5);
    expect(playTotals([c(null, 0)]).ratio).toBeNull();
  });

  it('says in one line whether the loudspeakers work', () => {
    expect(verdict({ online: 0, offline: 0, withAlerts: 0 })).toEqual({ kind: 'none' });
    expect(verdict({ online: 4, offline: 0, withAlerts: 0 })).toEqual({ kind: 'allWell', n: 4 });
    expect(verdict({ online: 3, offline: 1, withAlerts: 2 })).toEqual({
      kind: 'problems',
      offline: 1,
      withAlerts: 2,
    });
    expect(clustersWithAlerts([{ clusters: 2 }, { clusters: 3 }])).toBe(5);
  });
});
