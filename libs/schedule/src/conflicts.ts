/*
 * Clashes between one schedule being saved and the others: occurrences overlapping in time on clusters both
 * target. Built for ~10,000 clusters × a few hundred schedules: time overlaps are found first with a sweep
 * over sorted occurrences, and the cluster sets are intersected only for pairs that overlap, once per pair.
 */
import { PRIORITY_RANK, type Priority } from '@loa-xa/protocol';
import type { Occurrence } from './recurrence';

export interface PlannedSchedule {
  id: string;
  priority: Priority;
  clusters: ReadonlySet<string>;
  occurrences: readonly Occurrence[];
}

export interface Clash {
  /** conflict = equal priority; preempts = the candidate is higher; preempted = the candidate is lower. */
  kind: 'conflict' | 'preempts' | 'preempted';
  /** The other schedule. */
  scheduleId: string;
  /** Candidate occurrence key. */
  occurrenceKey: number;
  otherOccurrenceKey: number;
  /** Overlap interval. */
  from: number;
  to: number;
  /** Clusters targeted by both. */
  clusterCount: number;
  /** Up to 5, sorted. */
  sampleClusterIds: string[];
}

export const CLASH_SAMPLE_SIZE = 5;

type Span = Pick<Occurrence, 'key' | 'start' | 'end'>;

function sorted(occurrences: readonly Occurrence[]): Span[] {
  return occurrences.filter((o) => o.end > o.start).sort((a, b) => a.start - b.start || a.key - b.key);
}

/** Every pair (a, b) with a.start < b.end && b.start < a.end; both lists sorted by start. */
function overlappingPairs(a: readonly Span[], b: readonly Span[]): [Span, Span][] {
  const pairs: [Span, Span][] = [];
  let low = 0; // b before `low` ended before the current a starts (a.start only grows)
  for (const x of a) {
    while (low < b.length && b[low].end <= x.start) low++;
    for (let j = low; j < b.length && b[j].start < x.end; j++) {
      if (b[j].end > x.start) pairs.push([x, b[j]]);
    }
  }
  return pairs;
}

function sharedClusters(a: ReadonlySet<string>, b: ReadonlySet<string>): { count: number; sample: string[] } {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let count = 0;
  const sample: string[] = []; // the smallest ids seen, kept sorted
  for (const id of small) {
    if (!large.has(id)) continue;
    count++;
    if (sample.length < CLASH_SAMPLE_SIZE || id < sample[sample.length - 1]) {
      let i = sample.length;
      while (i > 0 && sample[i - 1] > id) i--;
      sample.splice(i, 0, id);
      if (sample.length > CLASH_SAMPLE_SIZE) sample.pop();
    }
  }
  return { count, sample };
}

/** Clashes of `candidate` with `others`, sorted by start; back-to-back occurrences do not clash. */
export function findClashes(candidate: PlannedSchedule, others: Iterable<PlannedSchedule>): Clash[] {
  const mine = sorted(candidate.occurrences);
  const clashes: Clash[] = [];
  if (mine.length === 0 || candidate.clusters.size === 0) return clashes;
  const rank = PRIORITY_RANK[candidate.priority];
  for (const other of others) {
    if (other.id === candidate.id || other.clusters.size === 0) continue;
    const pairs = overlappingPairs(mine, sorted(other.occurrences));
    if (pairs.length === 0) continue;
    const shared = sharedClusters(candidate.clusters, other.clusters);
    if (shared.count === 0) continue;
    const otherRank = PRIORITY_RANK[other.priority];
    const kind = rank === otherRank ? 'conflict' : rank > otherRank ? 'preempts' : 'preempted';
    for (const [a, b] of pairs) {
      clashes.push({
        kind,
        scheduleId: other.id,
        occurrenceKey: a.key,
        otherOccurrenceKey: b.key,
        from: Math.max(a.start, b.start),
        to: Math.min(a.end, b.end),
        clusterCount: shared.count,
        sampleClusterIds: [...shared.sample],
      });
    }
  }
  return clashes.sort(
    (x, y) =>
      x.from - y.from ||
      (x.scheduleId < y.scheduleId ? -1 : x.scheduleId > y.scheduleId ? 1 : 0) ||
      x.occurrenceKey - y.occurrenceKey ||
      x.otherOccurrenceKey - y.otherOccurrenceKey,
  );
}
