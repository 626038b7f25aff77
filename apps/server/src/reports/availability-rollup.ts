import type { ClusterPeriodFigures } from './availability.repository';

/* Pure arithmetic of the availability report: per-cluster figures summed into villages and communes. */

export const AVAILABILITY_LEVELS = ['cluster', 'village', 'commune'] as const;
export type AvailabilityLevel = (typeof AVAILABILITY_LEVELS)[number];

export type Scheduled = ReadonlyMap<string, { occurrences: number; ms: number }>;

export interface AvailabilityFigures {
  clusters: number;
  observedMs: number;
  onlineMs: number;
  downtimeMs: number;
  /** onlineMs / observedMs × 100, two decimals; null when nothing was observed. */
  uptimePercent: number | null;
  outages: number;
  /** null when no schedule source is known. */
  scheduledOccurrences: number | null;
  startedOccurrences: number;
  /** started / scheduled, four decimals; null when nothing was scheduled. */
  successRate: number | null;
  resolvedFaults: number;
  /** Mean resolved_at − since of the fault alerts resolved in the period; null when none. */
  mttrMs: number | null;
  incidents: number;
}

export interface AvailabilityRow extends AvailabilityFigures {
  level: AvailabilityLevel;
  /** The cluster, village or commune; a village row of clusters without a village has null. */
  id: string | null;
  code: string | null;
  name: string | null;
  communeId: string;
  communeCode: string;
  communeName: string;
  villageId: string | null;
  villageName: string | null;
}

interface Sums {
  clusters: number;
  observedMs: number;
  onlineMs: number;
  outages: number;
  scheduledOccurrences: number;
  startedOccurrences: number;
  resolvedFaults: number;
  repairMs: number;
  incidents: number;
}

const empty = (): Sums => ({
  clusters: 0,
  observedMs: 0,
  onlineMs: 0,
  outages: 0,
  scheduledOccurrences: 0,
  startedOccurrences: 0,
  resolvedFaults: 0,
  repairMs: 0,
  incidents: 0,
});

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

export function uptimePercent(onlineMs: number, observedMs: number): number | null {
  return observedMs > 0 ? round((onlineMs / observedMs) * 100, 2) : null;
}

function add(sums: Sums, c: ClusterPeriodFigures, scheduled: Scheduled | null): void {
  const planned = scheduled?.get(c.clusterId)?.occurrences ?? 0;
  sums.clusters += 1;
  sums.observedMs += c.observedMs;
  sums.onlineMs += c.onlineMs;
  sums.outages += c.outages;
  sums.scheduledOccurrences += planned;
  // A report of an occurrence the plan no longer holds (a schedule since deleted) cannot lift the rate past 1.
  sums.startedOccurrences += scheduled ? Math.min(c.startedOccurrences, planned) : c.startedOccurrences;
  sums.resolvedFaults += c.resolvedFaults;
  sums.repairMs += c.repairMs;
  sums.incidents += c.incidents;
}

function figures(s: Sums, scheduledKnown: boolean): AvailabilityFigures {
  return {
    clusters: s.clusters,
    observedMs: s.observedMs,
    onlineMs: s.onlineMs,
    downtimeMs: s.observedMs - s.onlineMs,
    uptimePercent: uptimePercent(s.onlineMs, s.observedMs),
    outages: s.outages,
    scheduledOccurrences: scheduledKnown ? s.scheduledOccurrences : null,
    startedOccurrences: s.startedOccurrences,
    successRate:
      scheduledKnown && s.scheduledOccurrences > 0
        ? round(s.startedOccurrences / s.scheduledOccurrences, 4)
        : null,
    resolvedFaults: s.resolvedFaults,
    mttrMs: s.resolvedFaults > 0 ? Math.round(s.repairMs / s.resolvedFaults) : null,
    incidents: s.incidents,
  };
}

/** Rows at `level` (in the order of `clusters`) and the total over every cluster. */
export function rollUp(
  clusters: readonly ClusterPeriodFigures[],
  scheduled: Scheduled | null,
  level: AvailabilityLevel,
): { rows: AvailabilityRow[]; total: AvailabilityFigures } {
  const groups = new Map<string, { head: ClusterPeriodFigures; sums: Sums }>();
  const total = empty();
  for (const c of clusters) {
    const key =
      level === 'cluster' ? c.clusterId : level === 'village' ? `${c.communeId}/${c.villageId}` : c.communeId;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { head: c, sums: empty() }));
    add(group.sums, c, scheduled);
    add(total, c, scheduled);
  }
  const rows = [...groups.values()].map(({ head, sums }): AvailabilityRow => {
    const [id, code, name] =
      level === 'cluster'
        ? [head.clusterId, head.code, head.name]
        : level === 'village'
          ? [head.villageId, head.villageCode, head.villageName]
          : [head.communeId, head.communeCode, head.communeName];
    return {
      level,
      id,
      code,
      name,
      communeId: head.communeId,
      communeCode: head.communeCode,
      communeName: head.communeName,
      villageId: level === 'commune' ? null : head.villageId,
      villageName: level === 'commune' ? null : head.villageName,
      ...figures(sums, scheduled !== null),
    };
  });
  return { rows, total: figures(total, scheduled !== null) };
}
