import fc from 'fast-check';
import { PRIORITIES, type Priority } from '@loa-xa/protocol';
import { findClashes, type PlannedSchedule } from './conflicts';
import { expand, type Occurrence } from './recurrence';
import { localToUtc } from './time';

const MIN = 60_000;
const H = 3_600_000;
const HCM = 'Asia/Ho_Chi_Minh';

const occ = (start: number, end: number, key = start): Occurrence => ({
  key,
  start,
  end,
  moved: key !== start,
});
const plan = (
  id: string,
  priority: Priority,
  clusters: string[],
  occurrences: Occurrence[],
): PlannedSchedule => ({ id, priority, clusters: new Set(clusters), occurrences });

describe('findClashes', () => {
  const candidate = plan('cand', 'district', ['c1', 'c2', 'c3'], [occ(10 * H, 11 * H), occ(20 * H, 21 * H)]);

  it('names the kind by priority: equal conflicts, higher preempts, lower is preempted', () => {
    const kinds = (priority: Priority) =>
      findClashes(candidate, [plan('o', priority, ['c2'], [occ(10.5 * H, 12 * H)])]).map((c) => c.kind);
    expect(kinds('district')).toEqual(['conflict']);
    expect(kinds('commune')).toEqual(['preempts']);
    expect(kinds('routine')).toEqual(['preempts']);
    expect(kinds('province')).toEqual(['preempted']);
    expect(kinds('emergency')).toEqual(['preempted']);
  });

  it('describes the overlap and the shared clusters', () => {
    const other = plan('o', 'district', ['c3', 'c2', 'x'], [occ(10.5 * H, 12 * H, 42)]);
    expect(findClashes(candidate, [other])).toEqual([
      {
        kind: 'conflict',
        scheduleId: 'o',
        occurrenceKey: 10 * H,
        otherOccurrenceKey: 42,
        from: 10.5 * H,
        to: 11 * H,
        clusterCount: 2,
        sampleClusterIds: ['c2', 'c3'],
      },
    ]);
  });

  it('finds nothing for back-to-back occurrences', () => {
    const before = plan(
      'a',
      'district',
      ['c1'],
      [occ(9 * H, 10 * H), occ(11 * H, 12 * H), occ(21 * H, 22 * H)],
    );
    expect(findClashes(candidate, [before])).toEqual([]);
    expect(findClashes(candidate, [plan('b', 'district', ['c1'], [occ(11 * H - 1, 12 * H)])])).toHaveLength(
      1,
    );
  });

  it('finds nothing for disjoint cluster sets, empty sets, or the schedule itself', () => {
    const overlapping = [occ(10 * H, 21 * H)];
    expect(findClashes(candidate, [plan('a', 'district', ['c4', 'c5'], overlapping)])).toEqual([]);
    expect(findClashes(candidate, [plan('a', 'district', [], overlapping)])).toEqual([]);
    expect(findClashes(candidate, [plan('cand', 'district', ['c1'], overlapping)])).toEqual([]);
    expect(
      findClashes({ ...candidate, clusters: new Set() }, [plan('a', 'district', ['c1'], overlapping)]),
    ).toEqual([]);
  });

  it('reports each overlapping pair, sorted by start, with a short sorted sample of clusters', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => `cl-${String(i).padStart(5, '0')}`);
    const big = plan('big', 'commune', many, [occ(0, 24 * H)]);
    const wide = plan('w', 'province', [...many].reverse(), [occ(20.5 * H, 30 * H), occ(0, 10.25 * H)]);
    const clashes = findClashes(big, [wide, plan('z', 'routine', ['cl-09999'], [occ(1 * H, 2 * H)])]);
    expect(clashes.map((c) => [c.scheduleId, c.kind, c.from, c.to, c.clusterCount])).toEqual([
      ['w', 'preempted', 0, 10.25 * H, 10_000],
      ['z', 'preempts', 1 * H, 2 * H, 1],
      ['w', 'preempted', 20.5 * H, 24 * H, 10_000],
    ]);
    expect(clashes[0].sampleClusterIds).toEqual(['cl-00000', 'cl-00001', 'cl-00002', 'cl-00003', 'cl-00004']);
    expect(clashes[1].sampleClusterIds).toEqual(['cl-09999']);
  });

  it('catches a clash across midnight between two recurring schedules', () => {
    const window = { from: localToUtc('2026-01-01T00:00', HCM), to: localToUtc('2026-01-08T00:00', HCM) };
    const late = expand({ start: '2026-01-01T23:30', timeZone: HCM, rrule: 'FREQ=DAILY' }, 60 * MIN, window);
    const early = expand({ start: '2026-01-05T00:15', timeZone: HCM }, 30 * MIN, window);
    const clashes = findClashes(plan('late', 'commune', ['c1'], late), [
      plan('early', 'commune', ['c1'], early),
    ]);
    expect(clashes).toHaveLength(1);
    expect(clashes[0]).toMatchObject({
      kind: 'conflict',
      occurrenceKey: localToUtc('2026-01-04T23:30', HCM),
      from: localToUtc('2026-01-05T00:15', HCM),
      to: localToUtc('2026-01-05T00:30', HCM),
    });
  });

  it('agrees with a brute-force comparison of every pair', () => {
    const interval = fc
      .tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 40 }))
      .map(([s, d]) => [s * MIN, (s + d) * MIN] as const);
    const schedule = fc.record({
      priority: fc.constantFrom(...PRIORITIES),
      clusters: fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 4 }),
      spans: fc.array(interval, { maxLength: 12 }),
    });
    fc.assert(
      fc.property(schedule, fc.array(schedule, { maxLength: 5 }), (c, os) => {
        const toPlan = (s: typeof c, id: string) =>
          plan(
            id,
            s.priority,
            s.clusters,
            s.spans.map(([a, b], i) => occ(a, b, i * 1000 + a)),
          );
        const cand = toPlan(c, 'cand');
        const others = os.map((o, i) => toPlan(o, `o${i}`));
        const expected: string[] = [];
        for (const o of others) {
          const shared = [...cand.clusters].filter((x) => o.clusters.has(x));
          if (shared.length === 0) continue;
          for (const a of cand.occurrences) {
            for (const b of o.occurrences) {
              if (a.start < b.end && b.start < a.end && a.end > a.start && b.end > b.start) {
                expected.push(`${o.id}:${a.key}:${b.key}:${Math.max(a.start, b.start)}:${shared.length}`);
              }
            }
          }
        }
        const found = findClashes(cand, others);
        expect(
          found
            .map(
              (x) => `${x.scheduleId}:${x.occurrenceKey}:${x.otherOccurrenceKey}:${x.from}:${x.clusterCount}`,
            )
            .sort(),
        ).toEqual(expected.sort());
        for (let i = 1; i < found.length; i++)
          expect(found[i].from).toBeGreaterThanOrEqual(found[i - 1].from);
      }),
      { numRuns: 300 },
    );
  });
});
