import {
  clockTime,
  dayBounds,
  outcomeOf,
  pickDay,
  playbacksOf,
  shiftDay,
  sumCommunes,
  verdictOf,
  whatKind,
} from '../../../apps/console/src/pages/playlog/playlog-model';
import type { CommuneDay, PlayReportRow } from '../../../apps/console/src/pages/playlog/types';

const ZONE = 'Asia/Ho_Chi_Minh';

let seq = 0;
function report(
  partial: Partial<PlayReportRow> & Pick<PlayReportRow, 'event' | 'occurredAt'>,
): PlayReportRow {
  return {
    id: String(++seq),
    clusterId: 'c1',
    clusterCode: 'C1',
    clusterName: 'Cụm loa 1',
    source: 'schedule',
    ref: 'occ-1',
    reason: null,
    detail: null,
    playedMs: null,
    scheduleId: 's1',
    broadcastId: null,
    liveSessionId: null,
    title: 'Bản tin sáng',
    priority: 'commune',
    ...partial,
  };
}

const commune = (partial: Partial<CommuneDay>): CommuneDay => ({
  communeId: 'x',
  code: '1',
  name: 'Xã A',
  path: '/1',
  clusters: 2,
  scheduledOccurrences: 4,
  scheduledMinutes: 20,
  started: 0,
  finished: 0,
  interrupted: 0,
  failed: 0,
  playedMinutes: 0,
  scheduledPlayedMinutes: 0,
  playedRatio: 0,
  ...partial,
});

describe('console play log: days', () => {
  it('moves across months and years', () => {
    expect(shiftDay('2026-03-01', -1)).toBe('2026-02-28');
    expect(shiftDay('2024-02-28', 1)).toBe('2024-02-29');
    expect(shiftDay('2025-12-31', 1)).toBe('2026-01-01');
  });

  it('takes the asked day only when it is a real day not after today', () => {
    expect(pickDay('2026-01-30', '2026-01-31')).toBe('2026-01-30');
    expect(pickDay('2026-02-01', '2026-01-31')).toBe('2026-01-31');
    expect(pickDay('2026-02-30', '2026-03-05')).toBe('2026-03-05');
    expect(pickDay('hôm qua', '2026-01-31')).toBe('2026-01-31');
    expect(pickDay(null, '2026-01-31')).toBe('2026-01-31');
  });

  it('bounds a local day in Vietnam (UTC+7) as the API wants it', () => {
    expect(dayBounds('2026-01-31', ZONE)).toEqual({
      from: '2026-01-30T17:00:00.000Z',
      to: '2026-01-31T17:00:00.000Z',
    });
  });

  it('writes local wall-clock times, with the date when another day', () => {
    expect(clockTime('2026-01-31T01:05:09Z', ZONE, 'vi-VN', '2026-01-31')).toBe('08:05:09');
    expect(clockTime('2026-01-30T16:59:30Z', ZONE, 'vi-VN', '2026-01-31')).toBe('30/01 23:59:30');
  });
});

describe('console play log: the verdict on a commune’s day', () => {
  it('says it in words and a tone, with the bar capped at 100', () => {
    expect(verdictOf(commune({ playedRatio: 1 }), true, false)).toEqual({
      key: 'full',
      tone: 'ok',
      pct: 100,
      bar: 100,
    });
    expect(verdictOf(commune({ playedRatio: 1.04 }), true, false)).toMatchObject({
      key: 'full',
      pct: 104,
      bar: 100,
    });
    expect(verdictOf(commune({ playedRatio: 0.96 }), true, false).key).toBe('full');
    expect(verdictOf(commune({ playedRatio: 0.7 }), true, false)).toMatchObject({
      key: 'partial',
      tone: 'warn',
    });
    expect(verdictOf(commune({ playedRatio: 0.2 }), true, false)).toMatchObject({
      key: 'low',
      tone: 'bad',
      pct: 20,
    });
    expect(verdictOf(commune({ playedRatio: 0 }), true, false)).toMatchObject({
      key: 'nothing',
      tone: 'bad',
    });
  });

  it('does not call a running day short', () => {
    expect(verdictOf(commune({ playedRatio: 0.3 }), true, true)).toMatchObject({
      key: 'inProgress',
      tone: 'info',
      pct: 30,
    });
    expect(verdictOf(commune({ playedRatio: 1 }), true, true).key).toBe('full');
  });

  it('tells nothing scheduled apart from unknown', () => {
    expect(verdictOf(commune({ scheduledMinutes: 0, playedRatio: null }), true, false)).toMatchObject({
      key: 'noSchedule',
      pct: null,
    });
    expect(verdictOf(commune({ scheduledMinutes: null, playedRatio: null }), false, false).key).toBe(
      'unknown',
    );
  });

  it('adds communes up for the whole area', () => {
    const total = sumCommunes([
      commune({ scheduledMinutes: 20, scheduledPlayedMinutes: 20, playedMinutes: 25.5, finished: 3 }),
      commune({ scheduledMinutes: 10, scheduledPlayedMinutes: 0, playedMinutes: 0, failed: 2, clusters: 3 }),
    ]);
    expect(total).toMatchObject({
      clusters: 5,
      scheduledMinutes: 30,
      scheduledPlayedMinutes: 20,
      playedMinutes: 25.5,
      finished: 3,
      failed: 2,
      playedRatio: 0.6667,
    });
    expect(sumCommunes([commune({ scheduledMinutes: null, playedRatio: null })])).toMatchObject({
      scheduledMinutes: null,
      playedRatio: null,
    });
  });
});

describe('console play log: reports into playbacks', () => {
  it('names what played and how it ended', () => {
    expect(whatKind({ source: 'schedule', broadcastId: null })).toBe('schedule');
    expect(whatKind({ source: 'command', broadcastId: 'b' })).toBe('broadcast');
    expect(whatKind({ source: 'command', broadcastId: null })).toBe('command');
    expect(whatKind({ source: 'live', broadcastId: 'b' })).toBe('live');
    expect(outcomeOf('finished', null)).toBe('full');
    expect(outcomeOf('interrupted', 'stopped')).toBe('stopped');
    expect(outcomeOf('interrupted', 'preempted')).toBe('preempted');
    expect(outcomeOf('interrupted', 'power')).toBe('interrupted');
    expect(outcomeOf('failed', 'media_missing')).toBe('failed');
    expect(outcomeOf('started', null)).toBe('open');
  });

  it('pairs each end with its start, newest first; a failure stands alone; an unended start stays open', () => {
    const rows = [
      report({ event: 'started', occurredAt: '2026-01-31T01:00:00Z' }),
      report({ event: 'finished', occurredAt: '2026-01-31T01:05:00Z', playedMs: 300_000 }),
      report({
        event: 'failed',
        occurredAt: '2026-01-31T02:00:00Z',
        ref: 'occ-2',
        reason: 'media_missing',
      }),
      report({
        event: 'started',
        occurredAt: '2026-01-31T03:00:00Z',
        source: 'live',
        ref: 'live-1',
        title: 'Họp dân',
        clusterId: 'c2',
      }),
    ];
    // The API lists newest first.
    const out = playbacksOf([...rows].reverse());
    expect(out.map((p) => [p.outcome, p.startedAt, p.endedAt])).toEqual([
      ['open', '2026-01-31T03:00:00Z', null],
      ['failed', null, '2026-01-31T02:00:00Z'],
      ['full', '2026-01-31T01:00:00Z', '2026-01-31T01:05:00Z'],
    ]);
    expect(out[0]).toMatchObject({ kind: 'live', title: 'Họp dân', clusterId: 'c2' });
    expect(out[1]).toMatchObject({ reason: 'media_missing', kind: 'schedule' });
    expect(out[2]).toMatchObject({ playedMs: 300_000, startEstimated: false });
  });

  it('keeps clusters and repeated playbacks of one ref apart', () => {
    const out = playbacksOf([
      report({ event: 'started', occurredAt: '2026-01-31T01:00:00Z', source: 'live', ref: 'L' }),
      report({
        event: 'started',
        occurredAt: '2026-01-31T01:00:01Z',
        source: 'live',
        ref: 'L',
        clusterId: 'c2',
      }),
      report({
        event: 'interrupted',
        reason: 'stream_lost',
        occurredAt: '2026-01-31T01:01:00Z',
        source: 'live',
        ref: 'L',
      }),
      report({ event: 'started', occurredAt: '2026-01-31T01:02:00Z', source: 'live', ref: 'L' }),
      report({ event: 'finished', occurredAt: '2026-01-31T01:04:00Z', source: 'live', ref: 'L' }),
      report({
        event: 'finished',
        occurredAt: '2026-01-31T01:04:01Z',
        source: 'live',
        ref: 'L',
        clusterId: 'c2',
      }),
    ]);
    expect(out.map((p) => [p.clusterId, p.outcome, p.startedAt, p.playedMs])).toEqual([
      ['c2', 'full', '2026-01-31T01:00:01Z', 240_000],
      ['c1', 'full', '2026-01-31T01:02:00Z', 120_000],
      ['c1', 'interrupted', '2026-01-31T01:00:00Z', 60_000],
    ]);
  });

  it('works out the start of an end whose start is on another page, and marks it estimated', () => {
    const [p] = playbacksOf([
      report({
        event: 'interrupted',
        reason: 'preempted',
        occurredAt: '2026-01-31T01:05:00Z',
        playedMs: 90_000,
      }),
    ]);
    expect(p).toMatchObject({
      outcome: 'preempted',
      startedAt: '2026-01-31T01:03:30.000Z',
      startEstimated: true,
      endedAt: '2026-01-31T01:05:00Z',
    });
    const [bare] = playbacksOf([report({ event: 'finished', occurredAt: '2026-01-31T01:05:00Z' })]);
    expect(bare).toMatchObject({ startedAt: null, startEstimated: false, playedMs: null });
  });

  it('flags an emergency', () => {
    const [p] = playbacksOf([
      report({
        event: 'finished',
        occurredAt: '2026-01-31T01:05:00Z',
        source: 'command',
        broadcastId: 'b',
        priority: 'emergency',
        title: 'Cảnh báo lũ quét',
      }),
    ]);
    expect(p).toMatchObject({ kind: 'broadcast', emergency: true, title: 'Cảnh báo lũ quét' });
  });
});
