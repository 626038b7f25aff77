import { PROTOCOL_VERSION, type PlayLog } from '@loa-xa/protocol';
import { parseRef } from '../../apps/server/src/playlogs/play-log-ref';
import { toPlayLogRows } from '../../apps/server/src/playlogs/play-log-rows';
import {
  localDayBounds,
  localTime,
  summarizeCommunes,
  type CommuneInfo,
  type CommuneLogCounts,
} from '../../apps/server/src/playlogs/play-log-summary';

const SCHEDULE = '2c4e6a8b-0d1f-4e3a-9b5c-7d9e1f3a5b7c';
const COMMAND = '5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d';

describe('play log refs', () => {
  it('parses an occurrence id into its schedule and original start', () => {
    expect(parseRef('schedule', `${SCHEDULE}@1767220200000`)).toMatchObject({
      scheduleId: SCHEDULE,
      occurrenceStart: new Date(1767220200000),
    });
    expect(parseRef('schedule', `${SCHEDULE.toUpperCase()}@0`)).toEqual({
      scheduleId: SCHEDULE,
      occurrenceStart: new Date(0),
      commandId: null,
      liveSessionId: null,
    });
  });

  it.each([
    ['schedule', SCHEDULE],
    ['schedule', `${SCHEDULE}@`],
    ['schedule', `${SCHEDULE}@12x`],
    ['schedule', `${SCHEDULE}@-5`],
    ['schedule', `not-a-uuid@1767220200000`],
    ['schedule', `${SCHEDULE}@99999999999999999`],
    // beyond the year 9999: no timestamp the server stores
    ['schedule', `${SCHEDULE}@8640000000000000`],
    ['command', 'cmd-42'],
    ['command', `${COMMAND}@1`],
    ['live', 'live-1'],
    ['other', COMMAND],
  ])('refuses %s ref %s', (source, ref) => {
    expect(parseRef(source, ref)).toBeNull();
  });

  it('takes a command or live ref that is a uuid', () => {
    expect(parseRef('command', COMMAND)?.commandId).toBe(COMMAND);
    expect(parseRef('live', COMMAND)?.liveSessionId).toBe(COMMAND);
  });
});

describe('play log rows', () => {
  const log: PlayLog = {
    v: PROTOCOL_VERSION,
    ts: 1767221221000,
    reports: [
      { id: 'a', source: 'schedule', ref: `${SCHEDULE}@1767220200000`, event: 'started', at: 1767220200040 },
      { id: 'b', source: 'schedule', ref: 'garbage', event: 'finished', at: 1767221220050 },
      {
        id: 'c',
        source: 'command',
        ref: COMMAND,
        event: 'failed',
        at: 1767221220050,
        reason: 'media_missing',
      },
      { id: 'd', source: 'live', ref: COMMAND, event: 'started', at: 8.6e15 },
    ],
  };

  it('keeps the good reports, corrects their time by the offset and says why the others go', () => {
    const received = new Date(1767221221500);
    const { rows, rejected } = toPlayLogRows('c1', log, received, 1000);
    expect(rows.map((r) => r.reportId)).toEqual(['a', 'c']);
    expect(rows[0]).toMatchObject({
      clusterId: 'c1',
      deviceAt: new Date(1767220200040),
      correctedAt: new Date(1767220199040),
      occurredAt: new Date(1767220199040),
      receivedAt: received,
      scheduleId: SCHEDULE,
      occurrenceStart: new Date(1767220200000),
      reason: null,
      playedMs: null,
    });
    expect(rows[1]).toMatchObject({ commandId: COMMAND, reason: 'media_missing', scheduleId: null });
    expect(rejected.map((r) => [r.reportId, r.reason])).toEqual([
      ['b', 'unknown_occurrence'],
      ['d', 'schema'],
    ]);
  });

  it('leaves correctedAt null when no offset is known', () => {
    const { rows } = toPlayLogRows('c1', log, new Date(), null);
    expect(rows[0].correctedAt).toBeNull();
    expect(rows[0].occurredAt).toEqual(rows[0].deviceAt);
  });
});

describe('local days', () => {
  it('bounds a day in Vietnam (UTC+7)', () => {
    expect(localDayBounds('2026-01-31', 'Asia/Ho_Chi_Minh')).toEqual({
      from: new Date('2026-01-30T17:00:00Z'),
      to: new Date('2026-01-31T17:00:00Z'),
    });
    // month and leap-year ends
    expect(localDayBounds('2028-02-29', 'Asia/Ho_Chi_Minh').to).toEqual(new Date('2028-02-29T17:00:00Z'));
    expect(localDayBounds('2026-12-31', 'UTC').to).toEqual(new Date('2027-01-01T00:00:00Z'));
  });

  it('bounds a 23-hour day across a DST change', () => {
    const { from, to } = localDayBounds('2026-03-29', 'Europe/Paris');
    expect(from).toEqual(new Date('2026-03-28T23:00:00Z'));
    expect(to).toEqual(new Date('2026-03-29T22:00:00Z'));
  });

  it('writes local wall-clock time', () => {
    expect(localTime(new Date('2026-01-30T22:30:05Z'), 'Asia/Ho_Chi_Minh')).toBe('2026-01-31 05:30:05');
  });
});

describe('daily summary per commune', () => {
  const communes: CommuneInfo[] = [
    { communeId: 'A', code: '001', name: 'Xã A', path: 'P/A', clusters: 2 },
    { communeId: 'B', code: '002', name: 'Xã B', path: 'P/B', clusters: 1 },
  ];
  const counts = new Map<string, CommuneLogCounts>([
    [
      'A',
      {
        started: 3,
        finished: 2,
        interrupted: 1,
        failed: 1,
        playedMs: 50 * 60_000,
        scheduledPlayedMs: 45 * 60_000,
      },
    ],
  ]);
  const clusterCommune = new Map([
    ['a1', 'A'],
    ['a2', 'A'],
    ['b1', 'B'],
  ]);

  it('adds up the scheduled time of each commune’s clusters and gives the ratio', () => {
    const scheduled = new Map([
      ['a1', { occurrences: 2, ms: 30 * 60_000 }],
      ['a2', { occurrences: 2, ms: 30 * 60_000 }],
      ['elsewhere', { occurrences: 9, ms: 999 * 60_000 }],
    ]);
    const [a, b] = summarizeCommunes(communes, counts, clusterCommune, scheduled);
    expect(a).toEqual({
      ...communes[0],
      scheduledOccurrences: 4,
      scheduledMinutes: 60,
      started: 3,
      finished: 2,
      interrupted: 1,
      failed: 1,
      playedMinutes: 50,
      scheduledPlayedMinutes: 45,
      playedRatio: 0.75,
    });
    expect(b).toMatchObject({
      scheduledOccurrences: 0,
      scheduledMinutes: 0,
      started: 0,
      playedMinutes: 0,
      playedRatio: null,
    });
  });

  it('leaves the scheduled figures null without a schedule source', () => {
    const [a] = summarizeCommunes(communes, counts, clusterCommune, null);
    expect(a).toMatchObject({
      scheduledOccurrences: null,
      scheduledMinutes: null,
      playedRatio: null,
      started: 3,
    });
  });
});
